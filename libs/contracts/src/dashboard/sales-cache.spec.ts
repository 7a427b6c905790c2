import { lastSalesDays } from './sales-cache';

const row = (sale_date: string) => ({ sale_date, total_revenue: 1, order_count: 1 });
const ROWS = [row('2027-01-02'), row('2026-12-31'), row('2026-12-30'), row('2026-12-25'), row('2025-12-31')];

describe('lastSalesDays', () => {
  it('should keep today and the days - 1 before it, newest first, when later and earlier days are in the rows', () => {
    expect(lastSalesDays(ROWS, 2, '2026-12-31').map((day) => day.sale_date)).toEqual(['2026-12-31', '2026-12-30']);
  });

  it('should keep only today when days is 1', () => {
    expect(lastSalesDays(ROWS, 1, '2026-12-30').map((day) => day.sale_date)).toEqual(['2026-12-30']);
  });

  it('should reach back across a year boundary when days is 366', () => {
    expect(lastSalesDays(ROWS, 366, '2026-12-31').map((day) => day.sale_date)).toEqual(['2026-12-31', '2026-12-30', '2026-12-25', '2025-12-31']);
    expect(lastSalesDays(ROWS, 365, '2026-12-31').map((day) => day.sale_date)).toEqual(['2026-12-31', '2026-12-30', '2026-12-25']);
  });

  it('should answer nothing when no row falls in the window', () => {
    expect(lastSalesDays(ROWS, 3, '2026-12-29')).toEqual([]);
  });
});
