import { ConfigValidationError } from '@app/common';
import { loadGatewayConfig } from './gateway.config';

describe('loadGatewayConfig', () => {
  it('should read provider times in Europe/Madrid and bound the search cache when nothing is set', () => {
    expect(loadGatewayConfig({})).toMatchObject({
      PROVIDER_TIMEZONE: 'Europe/Madrid',
      PROVIDER_SEARCH_CACHE_MAX_ENTRIES: 1000,
      PROVIDER_SEARCH_CACHE_MAX_BYTES: 64 * 1024 * 1024,
      PROVIDER_SEARCH_CACHE_TTL: 60_000,
    });
  });

  it.each(['America/Santiago', 'UTC', 'Australia/Lord_Howe'])('should accept PROVIDER_TIMEZONE=%s', (zone) => {
    expect(loadGatewayConfig({ PROVIDER_TIMEZONE: zone }).PROVIDER_TIMEZONE).toBe(zone);
  });

  it.each(['Mars/Olympus', '+01:00', ''])('should stop at boot naming PROVIDER_TIMEZONE when it is %j, with every other bad variable', (zone) => {
    let error: unknown;
    try {
      loadGatewayConfig({ PROVIDER_TIMEZONE: zone, PROVIDER_SEARCH_CACHE_TTL: 'soon' });
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(ConfigValidationError);
    expect((error as ConfigValidationError).problems).toEqual([
      expect.stringMatching(/^PROVIDER_TIMEZONE: must be an IANA time zone/),
      expect.stringMatching(/^PROVIDER_SEARCH_CACHE_TTL: /),
    ]);
  });

  it('should leave RABBITMQ_MANAGEMENT_URL unset by default and refuse one that is not http(s)', () => {
    expect(loadGatewayConfig({}).RABBITMQ_MANAGEMENT_URL).toBeUndefined();
    expect(loadGatewayConfig({ RABBITMQ_MANAGEMENT_URL: 'https://u:p@rabbit:15671/%2F' }).RABBITMQ_MANAGEMENT_URL).toBe('https://u:p@rabbit:15671/%2F');
    expect(() => loadGatewayConfig({ RABBITMQ_MANAGEMENT_URL: 'amqp://rabbit:5672' })).toThrow(/RABBITMQ_MANAGEMENT_URL: must be a URL \(http: or https:\)/);
  });
});
