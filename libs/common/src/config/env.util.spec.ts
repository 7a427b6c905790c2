import { z } from 'zod';
import { baseEnvSchema, ConfigValidationError, durationMs, parseDurationMs, parseEnv } from './env.util';

describe('parseEnv', () => {
  const sut = parseEnv;

  function problemsOf(env: NodeJS.ProcessEnv): string[] {
    try {
      sut(baseEnvSchema, env);
    } catch (error) {
      if (error instanceof ConfigValidationError) return error.problems;
      throw error;
    }
    throw new Error('expected parseEnv to throw');
  }

  it('should name every bad variable in one error when several are invalid at once', () => {
    const problems = problemsOf({ DATABASE_URL: 'mysql://db:3306/app', LOG_LEVEL: 'loud', RMQ_PREFETCH: '-3' });

    expect(problems).toHaveLength(3);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^DATABASE_URL: must be a URL \(postgres: or postgresql:\)/),
        expect.stringMatching(/^LOG_LEVEL: /),
        expect.stringMatching(/^RMQ_PREFETCH: /),
      ]),
    );
  });

  it('should list every bad variable in the error message when it throws', () => {
    expect(() => sut(baseEnvSchema, { REDIS_URL: 'not a url', SHUTDOWN_GRACE_MS: '0' })).toThrow(/Invalid configuration: .*REDIS_URL.*SHUTDOWN_GRACE_MS/);
  });

  it('should apply the defaults when variables are unset', () => {
    const env = sut(baseEnvSchema, {});

    expect(env).toEqual({
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/plans_platform',
      REDIS_URL: 'redis://127.0.0.1:6379',
      RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:5672',
      RMQ_PREFETCH: 20,
      SHUTDOWN_GRACE_MS: 10_000,
      OTEL_SDK_DISABLED: 'false',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_TRACES_SAMPLER: 'parentbased_always_on',
    });
  });

  it('should coerce numeric strings and keep given values when they are valid', () => {
    const env = sut(baseEnvSchema, { RMQ_PREFETCH: '5', DATABASE_URL: 'postgresql://u@db:5432/x', LOG_LEVEL: 'debug' });

    expect(env.RMQ_PREFETCH).toBe(5);
    expect(env.DATABASE_URL).toBe('postgresql://u@db:5432/x');
    expect(env.LOG_LEVEL).toBe('debug');
  });
});

describe('durationMs', () => {
  const schema = z.object({ TTL: durationMs('15m') });
  const parse = (TTL?: string) => parseEnv(schema, TTL === undefined ? {} : { TTL }).TTL;

  it.each([
    ['30s', 30_000],
    ['15m', 900_000],
    ['7d', 604_800_000],
    ['500ms', 500],
    ['2h', 7_200_000],
    ['45', 45_000],
  ])('should parse %s into %d ms when the value is a duration', (value, expected) => {
    expect(parse(value)).toBe(expected);
  });

  it('should use the fallback when the variable is unset', () => {
    expect(parse()).toBe(900_000);
  });

  it.each(['soon', '0s', '-5s', '1.5h', '10 minutes', ''])('should reject "%s" when it is not a positive duration', (value) => {
    expect(() => parse(value)).toThrow(ConfigValidationError);
    expect(() => parse(value)).toThrow(/TTL: .* is not a duration like 30s, 15m, 7d/);
  });
});

describe('parseDurationMs', () => {
  const sut = parseDurationMs;

  it('should return undefined when the text has an unknown unit', () => {
    expect(sut('3w')).toBeUndefined();
  });

  it('should ignore surrounding whitespace when the value is otherwise a duration', () => {
    expect(sut(' 30s ')).toBe(30_000);
  });
});
