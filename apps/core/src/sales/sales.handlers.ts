import { Controller } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { DailySalesPayload, DailySalesReply, SALES_PATTERNS, SalesViewRefreshed, ScheduledSalesViewRefreshPayload } from '@app/contracts';
import { SalesQueryService } from './sales-query.service';
import { SalesViewRefresher } from './sales-view-refresher';

@Controller()
export class SalesHandlers {
  constructor(
    private readonly queries: SalesQueryService,
    private readonly refresher: SalesViewRefresher,
  ) {}

  @MessagePattern(SALES_PATTERNS.dailySales)
  dailySales(@Payload() payload: DailySalesPayload): Promise<DailySalesReply> {
    return this.queries.dailySales(payload.days);
  }

  @MessagePattern(SALES_PATTERNS.refresh)
  refresh(): Promise<SalesViewRefreshed> {
    return this.refresher.refreshNow();
  }

  // The scheduler's command: no reply; the outcome is logged and counted.
  @EventPattern(SALES_PATTERNS.scheduledRefresh)
  async scheduledRefresh(@Payload() payload: ScheduledSalesViewRefreshPayload): Promise<void> {
    await this.refresher.refreshForTick(new Date(payload.tick_at));
  }
}
