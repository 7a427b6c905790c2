import { Controller } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { DailySalesPayload, DailySalesReply, SALES_PATTERNS, SalesViewRefreshed, ScheduledSalesViewRefreshPayload } from '@app/contracts';
import { auditByRequester, AuditRepository } from '@app/persistence';
import { SalesQueryService } from './sales-query.service';
import { SalesViewRefresher } from './sales-view-refresher';

@Controller()
export class SalesHandlers {
  constructor(
    private readonly queries: SalesQueryService,
    private readonly refresher: SalesViewRefresher,
    private readonly audit: AuditRepository,
  ) {}

  @MessagePattern(SALES_PATTERNS.dailySales)
  dailySales(@Payload() payload: DailySalesPayload): Promise<DailySalesReply> {
    return this.queries.dailySales(payload.days);
  }

  @MessagePattern(SALES_PATTERNS.refresh)
  // A refresh changes no row of its own (the view is derived), so its audit event follows the refresh it records.
  async refresh(): Promise<SalesViewRefreshed> {
    const refreshed = await this.refresher.refreshNow();
    await this.audit.recordAlone(auditByRequester('sales_view.refreshed', { type: 'sales_view', id: 'daily_sales_mv' }, { ...refreshed }));
    return refreshed;
  }

  // The scheduler's command: no reply; the outcome is logged and counted.
  @EventPattern(SALES_PATTERNS.scheduledRefresh)
  async scheduledRefresh(@Payload() payload: ScheduledSalesViewRefreshPayload): Promise<void> {
    await this.refresher.refreshForTick(new Date(payload.tick_at));
  }
}
