import { strictValidationPipe } from '@app/common';
import { SalesQueryDto } from './sales.dto';

describe('SalesQueryDto', () => {
  const sut = strictValidationPipe();
  const parse = (query: Record<string, unknown>) => sut.transform(query, { type: 'query', metatype: SalesQueryDto }) as Promise<SalesQueryDto>;

  it('should default to 30 days when days is absent', async () => {
    await expect(parse({})).resolves.toEqual(Object.assign(new SalesQueryDto(), { days: 30 }));
  });

  it.each(['1', '7', '366', '030'])('should accept days=%s as an integer in 1..366', async (days) => {
    expect((await parse({ days })).days).toBe(Number(days));
  });

  it.each([['0'], ['367'], ['-1'], ['1.5'], ['1e2'], ['0x10'], [' 7'], [''], ['abc'], ['99999'], [['1', '2']]])(
    'should refuse days=%j with VALIDATION_ERROR naming the field',
    async (days) => {
      await expect(parse({ days })).rejects.toMatchObject({ code: 'VALIDATION_ERROR', details: { errors: [expect.objectContaining({ field: 'days' })] } });
    },
  );

  it('should refuse an unknown parameter when one is sent', async () => {
    await expect(parse({ days: '7', from: '2026-01-01' })).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
  });
});
