import { Body, Controller, Delete, Get, HttpCode, Post, Put } from '@nestjs/common';
import { FaultView, faultSpecSchema } from '../faults/fault.dto';
import { FaultState } from '../faults/fault-state.service';
import { feedSettingSchema } from '../feed/feed-setting.dto';
import { FeedSource, FeedView } from '../feed/feed-source.service';
import { ResponseTracker } from '../feed/response-tracker.service';
import { FeedStats, FeedStatsView } from '../stats/feed-stats.service';
import { parseBody } from './parse-body.util';

// Development and test tool only: these routes change what /feed does and have no authentication, which is
// why the simulator listens on PROVIDER_SIM_HOST (loopback unless a container needs otherwise). Never expose it.
@Controller('admin')
export class AdminController {
  constructor(
    private readonly source: FeedSource,
    private readonly faults: FaultState,
    private readonly stats: FeedStats,
    private readonly tracker: ResponseTracker,
  ) {}

  @Get('faults')
  fault(): { fault: FaultView | null } {
    return { fault: this.faults.describe() };
  }

  @Put('faults')
  setFault(@Body() body: unknown): { fault: FaultView | null } {
    this.faults.set(parseBody(faultSpecSchema, body));
    return { fault: this.faults.describe() };
  }

  @Delete('faults')
  @HttpCode(204)
  clearFault(): void {
    this.faults.clear();
  }

  @Get('feed')
  feed(): FeedView {
    return this.source.describe();
  }

  @Put('feed')
  setFeed(@Body() body: unknown): FeedView {
    this.source.configure(parseBody(feedSettingSchema, body));
    return this.source.describe();
  }

  // As just started: the configured feed from its first body, the configured fault (if any), zero counters.
  @Post('reset')
  @HttpCode(204)
  reset(): void {
    this.source.reset();
    this.faults.reset();
    this.stats.reset();
  }

  @Get('stats')
  feedStats(): FeedStatsView {
    return this.stats.describe(this.tracker.heldCount);
  }
}
