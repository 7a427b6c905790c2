import { randomUUID } from 'node:crypto';
import { ContentItemEntity } from '@app/persistence';
import { ContentWriteSupport } from './content-write.support';
import { PatchContentUseCase } from './patch-content.use-case';
import { ReplaceContentUseCase } from './replace-content.use-case';

const actor = { id: randomUUID(), role: 'user' as const };
const stored = (): ContentItemEntity => ({
  id: randomUUID(),
  authorId: actor.id,
  title: 'Old title',
  content: 'Old content text.',
  image: 'https://example.com/old.png',
  version: 1,
  createdAt: new Date(),
  updatedAt: new Date(),
});

// The write support (lock, authorization, outbox, cache) is the direct neighbour: faked to apply the change to an item.
function changed(run: (support: ContentWriteSupport) => Promise<unknown>): Promise<ContentItemEntity> {
  const item = stored();
  const support = { update: jest.fn((_actor, _id, change: (item: ContentItemEntity) => void) => (change(item), Promise.resolve({ body: '' }))) };
  return run(support as unknown as ContentWriteSupport).then(() => item);
}

describe('PatchContentUseCase', () => {
  it('should change only the title when only the title is given', async () => {
    const item = await changed((support) => new PatchContentUseCase(support).execute(actor, randomUUID(), { title: 'New title' }));
    expect(item).toMatchObject({ title: 'New title', content: 'Old content text.', image: 'https://example.com/old.png' });
  });

  it('should remove the image when the patch sets it to null', async () => {
    const item = await changed((support) => new PatchContentUseCase(support).execute(actor, randomUUID(), { image: null }));
    expect(item).toMatchObject({ title: 'Old title', image: null });
  });

  it('should refuse a patch that changes nothing with VALIDATION_ERROR', () => {
    const sut = new PatchContentUseCase({ update: jest.fn() } as unknown as ContentWriteSupport);
    expect(() => sut.execute(actor, randomUUID(), {})).toThrow(expect.objectContaining({ code: 'VALIDATION_ERROR' }));
  });
});

describe('ReplaceContentUseCase', () => {
  it('should replace every field, removing the image when the body has none', async () => {
    const item = await changed((support) => new ReplaceContentUseCase(support).execute(actor, randomUUID(), { title: 'Replaced', content: 'Replaced content.' }));
    expect(item).toMatchObject({ title: 'Replaced', content: 'Replaced content.', image: null });
  });
});
