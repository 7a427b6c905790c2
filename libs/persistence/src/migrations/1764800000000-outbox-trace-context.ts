import { MigrationInterface, QueryRunner } from 'typeorm';

// The W3C trace context (traceparent, tracestate) active when the event was written, so the relay publishes it
// as part of the same trace however late it runs. '{}' when tracing was off.
export class OutboxTraceContext1764800000000 implements MigrationInterface {
  name = 'OutboxTraceContext1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbox ADD COLUMN trace_context jsonb NOT NULL DEFAULT '{}'::jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE outbox DROP COLUMN trace_context`);
  }
}
