import { SalesViewRepository } from '@app/persistence';
import { SalesQueryService } from './sales-query.service';

describe('SalesQueryService', () => {
  it('should read the view with SALES_QUERY_TIMEOUT_MS and answer numbers in the order the view gave when asked for N days', async () => {
    const repository = {
      dailySales: jest.fn().mockResolvedValue([
        { saleDate: '2026-12-02', totalRevenue: '1234567.89', orderCount: '40000' },
        { saleDate: '2026-12-01', totalRevenue: '0.01', orderCount: '1' },
      ]),
    };
    const sut = new SalesQueryService({ SALES_QUERY_TIMEOUT_MS: 1500 }, repository as unknown as SalesViewRepository);

    await expect(sut.dailySales(7)).resolves.toEqual({
      data: [
        { sale_date: '2026-12-02', total_revenue: 1234567.89, order_count: 40000 },
        { sale_date: '2026-12-01', total_revenue: 0.01, order_count: 1 },
      ],
    });
    expect(repository.dailySales).toHaveBeenCalledWith(7, 1500);
  });
});
