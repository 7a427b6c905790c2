import { Inject, Injectable } from '@nestjs/common';
import { DailySalesReply } from '@app/contracts';
import { SalesViewRepository } from '@app/persistence';
import { CORE_CONFIG, CoreConfig } from '../config/core.config';

@Injectable()
export class SalesQueryService {
  constructor(
    @Inject(CORE_CONFIG) private readonly config: Pick<CoreConfig, 'SALES_QUERY_TIMEOUT_MS'>,
    private readonly repository: SalesViewRepository,
  ) {}

  // The view as it was last refreshed, newest day first; amounts stay exact in Postgres and become JSON numbers here.
  async dailySales(days: number): Promise<DailySalesReply> {
    const rows = await this.repository.dailySales(days, this.config.SALES_QUERY_TIMEOUT_MS);
    return { data: rows.map((row) => ({ sale_date: row.saleDate, total_revenue: Number(row.totalRevenue), order_count: Number(row.orderCount) })) };
  }
}
