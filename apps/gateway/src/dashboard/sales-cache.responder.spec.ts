import type { FastifyReply, FastifyRequest } from 'fastify';
import { MetricsService } from '@app/common';
import { cacheableSalesDays, SalesCacheResponder } from './sales-cache.responder';

const ROWS = JSON.stringify([
  { sale_date: '2026-12-07', total_revenue: 3, order_count: 1 },
  { sale_date: '2026-12-06', total_revenue: 2.5, order_count: 2 },
  { sale_date: '2026-11-30', total_revenue: 1, order_count: 1 },
]);

function reply() {
  const sent: string[] = [];
  const fake = { header: () => fake, send: (body: string) => sent.push(body) };
  return { fake: fake as unknown as FastifyReply, sent };
}
const request = (days: string | undefined, rows = ROWS) =>
  ({ query: days === undefined ? {} : { days }, prefetched: ['1764583201250000', rows] }) as unknown as FastifyRequest;

describe('SalesCacheResponder', () => {
  let sut: SalesCacheResponder;

  beforeEach(() => (sut = new SalesCacheResponder(new MetricsService())));

  it("should answer the last N days by the clock's UTC day, the same bytes again, and another day's window when the day changes", () => {
    const { fake, sent } = reply();

    sut.answerFromCache(request('1'), fake, new Date('2026-12-06T23:59:59Z'));
    sut.answerFromCache(request('1'), fake, new Date('2026-12-06T12:00:00Z'));
    sut.answerFromCache(request('1'), fake, new Date('2026-12-07T00:00:00Z'));
    sut.answerFromCache(request(undefined), fake, new Date('2026-12-06T10:00:00Z'));

    expect(sent.map((body) => JSON.parse(body) as unknown)).toEqual([
      { data: [{ sale_date: '2026-12-06', total_revenue: 2.5, order_count: 2 }] },
      { data: [{ sale_date: '2026-12-06', total_revenue: 2.5, order_count: 2 }] },
      { data: [{ sale_date: '2026-12-07', total_revenue: 3, order_count: 1 }] },
      {
        data: [
          { sale_date: '2026-12-06', total_revenue: 2.5, order_count: 2 },
          { sale_date: '2026-11-30', total_revenue: 1, order_count: 1 },
        ],
      },
    ]);
  });

  it('should answer from the new rows once the entry changes', () => {
    const { fake, sent } = reply();
    const now = new Date('2026-12-06T12:00:00Z');

    sut.answerFromCache(request('1'), fake, now);
    sut.answerFromCache(request('1', JSON.stringify([{ sale_date: '2026-12-06', total_revenue: 9, order_count: 5 }])), fake, now);

    expect(JSON.parse(sent[1]) as unknown).toEqual({ data: [{ sale_date: '2026-12-06', total_revenue: 9, order_count: 5 }] });
  });

  it('should leave a miss, or a days the route must refuse, to the Nest route', () => {
    const { fake, sent } = reply();
    const missing = { query: {}, prefetched: [null, null] } as unknown as FastifyRequest;

    expect(sut.answerFromCache(missing, fake)).toBe(false);
    expect(sut.answerFromCache(request('0'), fake)).toBe(false);
    expect(sent).toEqual([]);
    expect([cacheableSalesDays({ days: '366' }), cacheableSalesDays({ days: '367' }), cacheableSalesDays({ days: ['1', '2'] }), cacheableSalesDays({ x: '1' })]).toEqual([
      366,
      null,
      null,
      null,
    ]);
  });
});
