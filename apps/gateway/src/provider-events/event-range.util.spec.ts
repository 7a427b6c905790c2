import { DateTime } from 'luxon';
import { DomainError } from '@app/common';
import { EventRangeQuery, parseEventRange } from './event-range.util';

const MADRID = 'Europe/Madrid';
const ms = (iso: string) => Date.parse(iso);
const sut = (query: EventRangeQuery, zone = MADRID) => parseEventRange(query, zone);

function problemsOf(query: EventRangeQuery, zone = MADRID): Array<{ field: string; problems: string[] }> {
  try {
    sut(query, zone);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('VALIDATION_ERROR');
    return (error as DomainError).details!.errors as Array<{ field: string; problems: string[] }>;
  }
  throw new Error(`accepted ${JSON.stringify(query)}`);
}

describe('parseEventRange', () => {
  it('should leave both bounds open when neither parameter is given', () => {
    expect(sut({})).toEqual({ startsAt: undefined, endsAt: undefined });
  });

  it('should read an instant with Z or an offset exactly, fraction included, whatever the provider zone', () => {
    expect(sut({ starts_at: '2026-01-10T09:00:00Z', ends_at: '2026-01-10T11:00:00.250+02:00' })).toEqual({
      startsAt: ms('2026-01-10T09:00:00.000Z'),
      endsAt: ms('2026-01-10T09:00:00.250Z'),
    });
    expect(sut({ starts_at: '2026-01-10T09:00:00-05:30' }, 'Asia/Tokyo').startsAt).toBe(ms('2026-01-10T14:30:00Z'));
    expect(sut({ starts_at: '2026-01-10t09:00:00z' }).startsAt).toBe(ms('2026-01-10T09:00:00Z'));
  });

  it('should read a date-time without offset as Madrid wall-clock time, in winter and in summer', () => {
    expect(sut({ starts_at: '2026-01-10T10:00:00', ends_at: '2026-07-10T10:00' })).toEqual({
      startsAt: ms('2026-01-10T09:00:00Z'),
      endsAt: ms('2026-07-10T08:00:00Z'),
    });
  });

  it('should keep an edge equal to the other one when both bounds name the same instant', () => {
    expect(sut({ starts_at: '2026-01-10T10:00:00', ends_at: '2026-01-10T09:00:00Z' })).toEqual({
      startsAt: ms('2026-01-10T09:00:00Z'),
      endsAt: ms('2026-01-10T09:00:00Z'),
    });
  });

  it('should round a fraction finer than a millisecond inward: up for starts_at, down for ends_at', () => {
    expect(sut({ starts_at: '2026-01-10T09:00:00.0001Z', ends_at: '2026-01-10T09:00:00.9999Z' })).toEqual({
      startsAt: ms('2026-01-10T09:00:00.001Z'),
      endsAt: ms('2026-01-10T09:00:00.999Z'),
    });
    expect(sut({ starts_at: '2026-01-10T09:00:00.123000000Z' }).startsAt).toBe(ms('2026-01-10T09:00:00.123Z'));
  });

  it('should take a bare date as the whole Madrid day: its first instant for starts_at, its last for ends_at', () => {
    expect(sut({ starts_at: '2026-01-10', ends_at: '2026-01-10' })).toEqual({
      startsAt: ms('2026-01-09T23:00:00.000Z'),
      endsAt: ms('2026-01-10T22:59:59.999Z'),
    });
  });

  it('should give the DST days of Madrid their real length: 23 hours on the last Sunday of March, 25 on the last of October', () => {
    const march = sut({ starts_at: '2026-03-29', ends_at: '2026-03-29' });
    const october = sut({ starts_at: '2026-10-25', ends_at: '2026-10-25' });

    expect(march).toEqual({ startsAt: ms('2026-03-28T23:00:00Z'), endsAt: ms('2026-03-29T21:59:59.999Z') });
    expect(october).toEqual({ startsAt: ms('2026-10-24T22:00:00Z'), endsAt: ms('2026-10-25T22:59:59.999Z') });
  });

  it('should start a local day when its clocks start, in zones whose DST changes happen at midnight', () => {
    // Santiago skips 00:00-00:59 on 2026-09-06: the day starts at 01:00 -03:00.
    expect(sut({ starts_at: '2026-09-06' }, 'America/Santiago').startsAt).toBe(ms('2026-09-06T04:00:00Z'));
    expect(sut({ ends_at: '2026-09-05' }, 'America/Santiago').endsAt).toBe(ms('2026-09-06T03:59:59.999Z'));
    // Havana repeats 00:00-00:59 on 2026-11-01: the day starts at the first midnight (-04:00) and lasts 25 hours.
    expect(sut({ starts_at: '2026-11-01', ends_at: '2026-11-01' }, 'America/Havana')).toEqual({
      startsAt: ms('2026-11-01T04:00:00Z'),
      endsAt: ms('2026-11-02T04:59:59.999Z'),
    });
  });

  it('should refuse a Madrid wall-clock time inside the spring-forward gap (02:00-02:59 on 2026-03-29) and accept its edges', () => {
    for (const value of ['2026-03-29T02:00:00', '2026-03-29T02:30:00', '2026-03-29T02:59:59.999']) {
      expect(problemsOf({ starts_at: value })).toEqual([{ field: 'starts_at', problems: [expect.stringContaining('does not exist in Europe/Madrid')] }]);
      expect(problemsOf({ ends_at: value })).toEqual([{ field: 'ends_at', problems: [expect.stringContaining('does not exist')] }]);
    }
    expect(sut({ starts_at: '2026-03-29T01:59:59', ends_at: '2026-03-29T03:00:00' })).toEqual({
      startsAt: ms('2026-03-29T00:59:59Z'),
      endsAt: ms('2026-03-29T01:00:00Z'),
    });
    // The same wall-clock time with an offset is an instant and always exists.
    expect(sut({ starts_at: '2026-03-29T02:30:00+01:00' }).startsAt).toBe(ms('2026-03-29T01:30:00Z'));
  });

  it('should resolve a repeated Madrid time (02:00-02:59 twice on 2026-10-25) to the earlier instant for starts_at and the later for ends_at', () => {
    expect(sut({ starts_at: '2026-10-25T02:30:00', ends_at: '2026-10-25T02:30:00' })).toEqual({
      startsAt: ms('2026-10-25T00:30:00Z'), // 02:30 CEST (+02:00)
      endsAt: ms('2026-10-25T01:30:00Z'), // 02:30 CET (+01:00)
    });
    // Either side of the repeated hour there is one instant only.
    expect(sut({ starts_at: '2026-10-25T01:59:59', ends_at: '2026-10-25T03:00:00' })).toEqual({
      startsAt: ms('2026-10-24T23:59:59Z'),
      endsAt: ms('2026-10-25T02:00:00Z'),
    });
  });

  it('should refuse impossible dates and times with the parameter named', () => {
    expect(problemsOf({ starts_at: '2021-02-30' })).toEqual([{ field: 'starts_at', problems: ['2021-02-30 is not a calendar date'] }]);
    expect(problemsOf({ ends_at: '2021-02-29T10:00:00' })).toEqual([{ field: 'ends_at', problems: ['2021-02-29 is not a calendar date'] }]);
    expect(sut({ ends_at: '2024-02-29T10:00:00Z' }).endsAt).toBe(ms('2024-02-29T10:00:00Z'));
    expect(problemsOf({ starts_at: '2021-01-01T24:61:00' })).toEqual([{ field: 'starts_at', problems: ['24:61:00 is not a time of day'] }]);
    for (const value of ['2021-13-01', '2021-00-10', '2021-04-31T10:00:00Z', '2021-01-01T24:00:00', '2021-01-01T10:00:60Z', '2021-01-01T10:00:00+24:00']) {
      expect(problemsOf({ starts_at: value })).toEqual([{ field: 'starts_at', problems: [expect.any(String)] }]);
    }
  });

  it('should refuse what is not the accepted ISO 8601 shape, including forms luxon would take', () => {
    const values = [
      '',
      'tomorrow',
      '1.5',
      '99999999999',
      '2026-01-10 10:00:00',
      '20260110T100000',
      '2026-W02-6',
      '2026-010',
      '2026-01-10T10',
      '2026-1-10',
      '+002026-01-10',
    ];
    for (const value of [...values, '2026-01-10T10:00:00+0100', '2026-01-10T10:00:00.', '2026-01-10T10:00:00.1234567890Z', '2026-01-10Z']) {
      expect(problemsOf({ ends_at: value })).toEqual([{ field: 'ends_at', problems: [expect.stringContaining('must be YYYY-MM-DD')] }]);
    }
  });

  it('should refuse starts_at after ends_at, and report every bad parameter at once', () => {
    expect(problemsOf({ starts_at: '2026-01-10T10:00:00.001Z', ends_at: '2026-01-10T10:00:00Z' })).toEqual([
      { field: 'starts_at', problems: ['must not be after ends_at'] },
    ]);
    expect(problemsOf({ starts_at: '2026-01-11', ends_at: '2026-01-10' })).toEqual([{ field: 'starts_at', problems: ['must not be after ends_at'] }]);
    expect(problemsOf({ starts_at: 'x', ends_at: '2021-02-30' }).map((problem) => problem.field)).toEqual(['starts_at', 'ends_at']);
  });

  it("should resolve every local time of a year as luxon's getPossibleOffsets does, in zones with hour and half-hour shifts", () => {
    const mismatches: string[] = [];
    for (const zone of ['Europe/Madrid', 'Australia/Lord_Howe', 'America/Santiago']) {
      // Every 10 minutes from the day before to the day after each offset change of 2026, every 6 hours elsewhere.
      const samples: DateTime[] = [];
      for (let day = DateTime.utc(2026, 1, 1); day.year === 2026; day = day.plus({ days: 1 })) {
        const changes = [-1, 0, 1].some((n) => {
          const at = DateTime.fromObject({ year: day.year, month: day.month, day: day.day }, { zone }).plus({ days: n });
          return at.offset !== at.plus({ days: 1 }).offset;
        });
        for (let minutes = 0; minutes < 1440; minutes += changes ? 10 : 360) samples.push(day.plus({ minutes }));
      }
      for (const local of samples) {
        const text = local.toFormat("yyyy-MM-dd'T'HH:mm:ss");
        const zoned = DateTime.fromObject({ year: local.year, month: local.month, day: local.day, hour: local.hour, minute: local.minute }, { zone });
        const exists = zoned.hour === local.hour && zoned.minute === local.minute;
        const instants = exists ? zoned.getPossibleOffsets().map((candidate) => candidate.toMillis()) : [];
        let actual: unknown;
        try {
          const range = sut({ starts_at: text }, zone);
          actual = [range.startsAt, sut({ ends_at: text }, zone).endsAt];
        } catch {
          actual = 'refused';
        }
        const expected = exists ? [Math.min(...instants), Math.max(...instants)] : 'refused';
        if (JSON.stringify(actual) !== JSON.stringify(expected)) mismatches.push(`${zone} ${text}: ${JSON.stringify(actual)} != ${JSON.stringify(expected)}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});
