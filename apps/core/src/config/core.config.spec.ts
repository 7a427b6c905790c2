import { loadCoreConfig } from './core.config';

describe('loadCoreConfig', () => {
  it('should accept the crash-before-commit test hook when NODE_ENV is test', () => {
    const config = loadCoreConfig({ NODE_ENV: 'test', TEST_CRASH_BEFORE_COMMIT_OF: 'plan.created' });

    expect(config.TEST_CRASH_BEFORE_COMMIT_OF).toBe('plan.created');
  });

  it.each(['development', 'production'])('should refuse to start with the crash-before-commit test hook when NODE_ENV is %s', (env) => {
    expect(() => loadCoreConfig({ NODE_ENV: env, TEST_CRASH_BEFORE_COMMIT_OF: 'plan.created', JWT_PRIVATE_KEY: 'x' })).toThrow(/TEST_CRASH_BEFORE_COMMIT_OF/);
  });

  it('should leave the hook off by default', () => {
    expect(loadCoreConfig({ NODE_ENV: 'test' }).TEST_CRASH_BEFORE_COMMIT_OF).toBeUndefined();
  });
});
