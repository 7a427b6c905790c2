import { QueryFailedError } from 'typeorm';
import { MalformedFeedError, SuspiciousSnapshotError } from './feed-processor.port';
import { FeedFetchError } from './fetch/feed-fetch.errors';
import { describeSyncError } from './sync-error.util';

const queryFailed = (code: string) =>
  new QueryFailedError('INSERT INTO provider_plans (id) VALUES ($1)', ['x'], Object.assign(new Error('relation "provider_plans" does not exist'), { code }));

describe('describeSyncError', () => {
  it('should keep the fetch error message and its kind when the provider failed', () => {
    const error = new FeedFetchError('the provider answered HTTP 503 Service Unavailable (4 attempts)', 'http', true, { status: 503 });

    expect(describeSyncError(error)).toEqual({ message: error.message, details: { failure: 'http', status: 503 } });
  });

  it('should record how a suspicious snapshot compares with the last one', () => {
    expect(describeSyncError(new SuspiciousSnapshotError('the feed lists 3 plans where the last one had 100', 3, 100))).toEqual({
      message: 'suspicious snapshot ignored, nothing changed: the feed lists 3 plans where the last one had 100',
      details: { failure: 'suspicious_snapshot', plans: 3, previous_plan_count: 100 },
    });
  });

  it('should name a malformed feed and clip a long message', () => {
    const report = describeSyncError(new MalformedFeedError(`unexpected end of input ${'x'.repeat(500)}`));

    expect(report.message).toMatch(/^malformed feed, nothing changed: unexpected end of input x+…$/);
    expect(report.message.length).toBe(300);
  });

  it('should say the catalog tables are missing, without SQL, when the migrations have not run', () => {
    const report = describeSyncError(queryFailed('42P01'));

    expect(report).toEqual({
      message: 'the provider catalog tables are missing (core runs the migrations; the next sync retries)',
      details: { failure: 'storage', sqlstate: '42P01' },
    });
    expect(report.message).not.toMatch(/INSERT|provider_plans \(/);
  });

  it('should give only the SQLSTATE of an unknown database error, and nothing of an unexpected one', () => {
    expect(describeSyncError(queryFailed('23514')).message).toBe('storing the provider catalog failed (SQLSTATE 23514)');
    expect(describeSyncError(new Error('connect ECONNREFUSED 10.0.3.7:5432')).message).toBe('the database connection was lost');
    expect(describeSyncError(new TypeError("Cannot read properties of undefined (reading 'x') at db.internal:5432"))).toEqual({
      message: 'the sync failed unexpectedly (details in the scheduler log)',
      details: { failure: 'unexpected' },
    });
  });
});
