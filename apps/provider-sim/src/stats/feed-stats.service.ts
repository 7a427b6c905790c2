import { Injectable } from '@nestjs/common';

export interface FeedStatsView {
  requests: number; // feed requests received
  by_status: Record<string, number>; // status code -> responses (a truncated body counts as its 200)
  by_fault: Record<string, number>; // fault mode -> requests it applied to
  held: number; // hang and stall requests still open now
}

// What the feed route did since start or POST /admin/reset, for tests that assert how many attempts arrived.
@Injectable()
export class FeedStats {
  private requests = 0;
  private byStatus: Record<string, number> = {};
  private byFault: Record<string, number> = {};

  received(fault: string | undefined): void {
    this.requests += 1;
    if (fault) this.byFault[fault] = (this.byFault[fault] ?? 0) + 1;
  }

  answered(status: number): void {
    this.byStatus[status] = (this.byStatus[status] ?? 0) + 1;
  }

  reset(): void {
    this.requests = 0;
    this.byStatus = {};
    this.byFault = {};
  }

  describe(held: number): FeedStatsView {
    return { requests: this.requests, by_status: { ...this.byStatus }, by_fault: { ...this.byFault }, held };
  }
}
