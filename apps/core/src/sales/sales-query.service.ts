import { Inject, Injectable } from '@nestjs/common';
import { DailySalesReply, lastSalesDays } from '@app/contracts';
import { SalesViewRepository } from '@app/persistence';
import { CORE_CONFIG, CoreConfig } from '../config/core.config';
import { SalesCacheWriter, toDailySales } from './sales-cache.writer';

@Injectable()
export class SalesQueryService {
  constructor(
    @Inject(CORE_CONFIG) private readonly config: Pick<CoreConfig, 'SALES_QUERY_TIMEOUT_MS'>,
    private readonly repository: SalesViewRepository,
    private readonly cache: SalesCacheWriter,
  ) {}

  // The view as it was last refreshed, newest day first; amounts stay exact in Postgres and become JSON numbers here.
  // The gateway asks only when its cache missed: the same read fills the cache (unless a refresh is committing).
  async dailySales(days: number): Promise<DailySalesReply> {
    const snapshot = await this.repository.readForCache(this.config.SALES_QUERY_TIMEOUT_MS, (read) => this.cache.write(read));
    return { data: lastSalesDays(toDailySales(snapshot.rows), days, snapshot.today) };
  }
}
