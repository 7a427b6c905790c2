import { Controller, Inject } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { CoreOverview, PATTERNS } from '@app/contracts';
import { DeadLettersRepository, OutboxRepository, SalesViewRepository } from '@app/persistence';
import { CORE_CONFIG, CoreConfig } from '../config/core.config';

// The console's overview, core's part: pending dead letters, the outbox backlog (what the index waits for) and
// the sales view's age. Three small reads, each on an index.
@Controller()
export class OverviewHandlers {
  constructor(
    private readonly letters: DeadLettersRepository,
    private readonly outbox: OutboxRepository,
    private readonly salesView: SalesViewRepository,
    @Inject(CORE_CONFIG) private readonly config: CoreConfig,
  ) {}

  @MessagePattern(PATTERNS.admin.overview)
  async overview(): Promise<CoreOverview> {
    const [deadLetters, backlog, refreshedAt] = await Promise.all([
      this.letters.countPending({}),
      this.outbox.backlog(),
      this.salesView.lastRefreshedAt(this.config.SALES_QUERY_TIMEOUT_MS),
    ]);
    return {
      dead_letters: deadLetters,
      outbox: { pending: backlog.pending, oldest_age_seconds: backlog.oldestAgeSeconds },
      sales_view: { refreshed_at: refreshedAt?.toISOString() ?? null, age_seconds: refreshedAt ? (Date.now() - refreshedAt.getTime()) / 1000 : null },
    };
  }
}
