import { Readable } from 'node:stream';
import { EXPORT_SECTIONS, ExportCursorPayload, ExportPagePayload, ExportPageReply, ExportSection, UserView } from '@app/contracts';

// Rows per page RPC: the most the gateway holds of one export at a time (one reply is one RabbitMQ message).
export const EXPORT_PAGE_SIZE = 500;

export type ExportPageFetcher = (payload: ExportPagePayload) => Promise<ExportPageReply>;

// The export document `{generated_at, user, plans, orders, content}` as a byte stream: each section is read page by
// page (keyset) only when the client has taken the previous bytes (Readable.from pulls on demand), so memory is
// bounded by one page whatever the user holds. The first page is read before the stream starts, so a core that
// cannot answer gives the client an error envelope, not a broken 200.
export async function userExportStream(user: UserView, fetchPage: ExportPageFetcher, pageSize = EXPORT_PAGE_SIZE, now = new Date()): Promise<Readable> {
  const first = await fetchPage({ user_id: user.id, section: EXPORT_SECTIONS[0], after: null, limit: pageSize });
  return Readable.from(chunks(user, fetchPage, pageSize, now, first), { objectMode: false });
}

async function* chunks(user: UserView, fetchPage: ExportPageFetcher, pageSize: number, now: Date, first: ExportPageReply): AsyncGenerator<string> {
  yield `{"generated_at":${JSON.stringify(now.toISOString())},"user":${JSON.stringify(user)}`;
  for (const section of EXPORT_SECTIONS) {
    yield `,${JSON.stringify(section)}:[`;
    yield* sectionItems(section, section === EXPORT_SECTIONS[0] ? first : null, user.id, fetchPage, pageSize);
    yield ']';
  }
  yield '}';
}

async function* sectionItems(
  section: ExportSection,
  firstPage: ExportPageReply | null,
  userId: string,
  fetchPage: ExportPageFetcher,
  pageSize: number,
): AsyncGenerator<string> {
  let page = firstPage ?? (await fetchPage({ user_id: userId, section, after: null, limit: pageSize }));
  let separator = '';
  for (;;) {
    if (page.items.length > 0) {
      yield separator + page.items.map((item) => JSON.stringify(item)).join(',');
      separator = ',';
    }
    const after: ExportCursorPayload | null = page.next;
    if (!after) return;
    page = await fetchPage({ user_id: userId, section, after, limit: pageSize });
  }
}
