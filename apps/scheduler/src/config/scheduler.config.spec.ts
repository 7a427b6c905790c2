import { ConfigValidationError } from '@app/common';
import { loadSchedulerConfig } from './scheduler.config';

describe('loadSchedulerConfig', () => {
  it('should refresh the sales view hourly when MV_REFRESH_SCHEDULE is unset', () => {
    expect(loadSchedulerConfig({}).MV_REFRESH_SCHEDULE).toBe('@hourly');
  });

  it.each(['@daily', '*/15 * * * *', '0 */5 * * * *'])('should accept MV_REFRESH_SCHEDULE=%s', (schedule) => {
    expect(loadSchedulerConfig({ MV_REFRESH_SCHEDULE: schedule }).MV_REFRESH_SCHEDULE).toBe(schedule);
  });

  it.each(['hourly', '61 * * * *', '* * *', ''])('should stop at boot naming MV_REFRESH_SCHEDULE when it is %j', (schedule) => {
    let error: unknown;
    try {
      loadSchedulerConfig({ MV_REFRESH_SCHEDULE: schedule, PROVIDER_TIMEZONE: 'Mars/Olympus' });
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(ConfigValidationError);
    // one message naming every bad variable
    expect((error as ConfigValidationError).problems).toEqual([
      expect.stringMatching(/^PROVIDER_TIMEZONE: /),
      expect.stringMatching(/^MV_REFRESH_SCHEDULE: must be a cron/),
    ]);
  });
});

describe('PROVIDER_TIMEZONE', () => {
  it.each(['Europe/Madrid', 'UTC', 'America/Argentina/Buenos_Aires', 'Etc/GMT+1'])('should accept the IANA zone %s', (zone) => {
    expect(loadSchedulerConfig({ PROVIDER_TIMEZONE: zone }).PROVIDER_TIMEZONE).toBe(zone);
  });

  // Node 24's ICU takes offsets as time zones; an offset has no DST rules, so the feed's local times would drift.
  it.each(['+01:00', '-05:00', '+0100', 'Mars/Olympus', ''])('should stop at boot when it is %j', (zone) => {
    expect(() => loadSchedulerConfig({ PROVIDER_TIMEZONE: zone })).toThrow(/PROVIDER_TIMEZONE: must be an IANA time zone/);
  });
});
