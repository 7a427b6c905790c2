import { loadCoreConfig } from './core.config';

describe('loadCoreConfig', () => {
  it('should refuse TEST_CRASH_AFTER_USER_COMMIT when NODE_ENV is not test', () => {
    expect(() => loadCoreConfig({ NODE_ENV: 'production', TEST_CRASH_AFTER_USER_COMMIT: 'true', JWT_PRIVATE_KEY: 'x' })).toThrow(/TEST_CRASH_AFTER_USER_COMMIT/);
    expect(() => loadCoreConfig({ NODE_ENV: 'development', TEST_CRASH_AFTER_USER_COMMIT: 'true' })).toThrow(/TEST_CRASH_AFTER_USER_COMMIT/);
  });

  it('should turn the crash hook on when NODE_ENV is test', () => {
    expect(loadCoreConfig({ NODE_ENV: 'test', TEST_CRASH_AFTER_USER_COMMIT: 'true' }).crashAfterUserCommit).toBe(true);
  });

  it('should leave the crash hook off when the variable is unset', () => {
    expect(loadCoreConfig({ NODE_ENV: 'test' }).crashAfterUserCommit).toBe(false);
  });

  it('should accept the crash-before-commit test hook when NODE_ENV is test', () => {
    const config = loadCoreConfig({ NODE_ENV: 'test', TEST_CRASH_BEFORE_COMMIT_OF: 'plan.created' });

    expect(config.TEST_CRASH_BEFORE_COMMIT_OF).toBe('plan.created');
  });

  it.each(['development', 'production'])('should refuse to start with the skip-hand-off test hook when NODE_ENV is %s', (env) => {
    expect(() => loadCoreConfig({ NODE_ENV: env, TEST_SKIP_OUTBOX_HANDOFF: 'true', JWT_PRIVATE_KEY: 'x' })).toThrow(/TEST_SKIP_OUTBOX_HANDOFF/);
  });

  it.each(['development', 'production'])('should refuse to start with the crash-before-commit test hook when NODE_ENV is %s', (env) => {
    expect(() => loadCoreConfig({ NODE_ENV: env, TEST_CRASH_BEFORE_COMMIT_OF: 'plan.created', JWT_PRIVATE_KEY: 'x' })).toThrow(/TEST_CRASH_BEFORE_COMMIT_OF/);
  });

  it('should leave the hook off by default', () => {
    expect(loadCoreConfig({ NODE_ENV: 'test' }).TEST_CRASH_BEFORE_COMMIT_OF).toBeUndefined();
  });
});
