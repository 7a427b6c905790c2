import { SalesViewRepository, SalesViewSnapshot } from '@app/persistence';
import { SalesCacheWriter } from './sales-cache.writer';
import { SalesQueryService } from './sales-query.service';

const SNAPSHOT: SalesViewSnapshot = {
  version: '1764583201250000',
  today: '2026-12-02',
  rows: [
    { saleDate: '2026-12-03', totalRevenue: '5.00', orderCount: '1' },
    { saleDate: '2026-12-02', totalRevenue: '1234567.89', orderCount: '40000' },
    { saleDate: '2026-12-01', totalRevenue: '0.01', orderCount: '1' },
    { saleDate: '2026-11-25', totalRevenue: '7.00', orderCount: '3' },
  ],
};

describe('SalesQueryService', () => {
  it('should answer the last N days of the view read with SALES_QUERY_TIMEOUT_MS, as numbers newest first, when asked for N days', async () => {
    const repository = { readForCache: jest.fn().mockResolvedValue(SNAPSHOT) };
    const cache = { write: jest.fn() };
    const sut = new SalesQueryService({ SALES_QUERY_TIMEOUT_MS: 1500 }, repository as unknown as SalesViewRepository, cache as unknown as SalesCacheWriter);

    await expect(sut.dailySales(7)).resolves.toEqual({
      data: [
        { sale_date: '2026-12-02', total_revenue: 1234567.89, order_count: 40000 },
        { sale_date: '2026-12-01', total_revenue: 0.01, order_count: 1 },
      ],
    });
    expect(repository.readForCache).toHaveBeenCalledWith(1500, expect.any(Function));
  });

  it('should fill the dashboard cache with the snapshot read when the repository lets it fill', async () => {
    const repository = { readForCache: jest.fn(async (_timeout: number, fill: (snapshot: SalesViewSnapshot) => Promise<void>) => (await fill(SNAPSHOT), SNAPSHOT)) };
    const cache = { write: jest.fn().mockResolvedValue(undefined) };
    const sut = new SalesQueryService({ SALES_QUERY_TIMEOUT_MS: 1500 }, repository as unknown as SalesViewRepository, cache as unknown as SalesCacheWriter);

    await sut.dailySales(30);

    expect(cache.write).toHaveBeenCalledWith(SNAPSHOT);
  });
});
