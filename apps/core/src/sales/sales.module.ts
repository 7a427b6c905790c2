import { DynamicModule, Module } from '@nestjs/common';
import { CORE_CONFIG, CoreConfig } from '../config/core.config';
import { SalesCacheWriter } from './sales-cache.writer';
import { SalesHandlers } from './sales.handlers';
import { SalesQueryService } from './sales-query.service';
import { SalesViewMetrics } from './sales-view.metrics';
import { SalesViewRefresher } from './sales-view-refresher';

export type SalesConfig = Pick<CoreConfig, 'MV_REFRESH_TIMEOUT_MS' | 'SALES_QUERY_TIMEOUT_MS'>;

// The sales dashboard: reads of daily_sales_mv and its refresh (on demand and on the scheduler's ticks).
@Module({})
export class SalesModule {
  static forRoot(config: SalesConfig): DynamicModule {
    return {
      module: SalesModule,
      controllers: [SalesHandlers],
      providers: [{ provide: CORE_CONFIG, useValue: config }, SalesCacheWriter, SalesQueryService, SalesViewMetrics, SalesViewRefresher],
    };
  }
}
