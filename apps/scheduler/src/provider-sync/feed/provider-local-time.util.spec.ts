import { DateTime } from 'luxon';
import { ProviderLocalTimeReader } from './provider-local-time.util';

const MADRID = 'Europe/Madrid';
const readers = new Map<string, ProviderLocalTimeReader>();
const readProviderLocalTime = (text: string, zone: string) => {
  if (!readers.has(zone)) readers.set(zone, new ProviderLocalTimeReader(zone));
  return readers.get(zone)!.read(text);
};
const instant = (text: string, zone = MADRID) => {
  const read = readProviderLocalTime(text, zone);
  if (!read.ok) throw new Error(`expected ${text} to be read, got ${read.problem}`);
  return read.instant.toISOString();
};
const problem = (text: string, zone = MADRID) => {
  const read = readProviderLocalTime(text, zone);
  return read.ok ? null : read.problem;
};

describe('readProviderLocalTime', () => {
  it('should read a wall time at the offset in force then when it is summer or winter in Madrid', () => {
    expect(instant('2021-06-30T21:00:00')).toBe('2021-06-30T19:00:00.000Z');
    expect(instant('2021-02-10T20:00:00')).toBe('2021-02-10T19:00:00.000Z');
  });

  it('should keep the wall time as written when it is read', () => {
    expect(readProviderLocalTime('2021-06-30T21:00:00', MADRID)).toEqual({ ok: true, instant: new Date('2021-06-30T19:00:00Z'), local: '2021-06-30T21:00:00' });
  });

  it.each([
    ['2021-09-31T20:00:00', 'not a calendar date'],
    ['2021-02-29T20:00:00', 'not a calendar date'],
    ['2021-13-01T20:00:00', 'not a calendar date'],
    ['2021-00-10T20:00:00', 'not a calendar date'],
    ['2021-06-00T20:00:00', 'not a calendar date'],
    ['2021-06-30T24:00:00', 'not a time of day'],
    ['2021-06-30T23:60:00', 'not a time of day'],
    ['2021-06-30T23:59:60', 'not a time of day'],
    ['1899-12-31T23:00:00', 'year before 1900'],
    ['2021-06-30 21:00:00', 'not YYYY-MM-DDTHH:MM:SS'],
    ['2021-06-30T21:00', 'not YYYY-MM-DDTHH:MM:SS'],
    ['2021-06-30T21:00:00Z', 'not YYYY-MM-DDTHH:MM:SS'],
    ['2021-06-30T21:00:00+02:00', 'not YYYY-MM-DDTHH:MM:SS'],
    ['2021-06-30T21:00:00.000', 'not YYYY-MM-DDTHH:MM:SS'],
    ['2021-6-30T21:00:00', 'not YYYY-MM-DDTHH:MM:SS'],
    ['', 'not YYYY-MM-DDTHH:MM:SS'],
  ])('should refuse %s as %s', (text, expected) => {
    expect(problem(text)).toBe(expected);
  });

  it('should read 29 February when the year is a leap year', () => {
    expect(instant('2024-02-29T20:00:00')).toBe('2024-02-29T19:00:00.000Z');
  });

  describe('the spring change (last Sunday of March, 02:00 -> 03:00 in Madrid)', () => {
    it.each(['2021-03-28T02:00:00', '2021-03-28T02:30:00', '2021-03-28T02:59:59', '2024-03-31T02:15:00'])('should refuse %s, a wall time the clocks skip', (text) => {
      expect(problem(text)).toBe('not a time in Europe/Madrid (skipped by a DST change)');
    });

    it('should read the seconds either side of the gap one second apart', () => {
      expect(instant('2021-03-28T01:59:59')).toBe('2021-03-28T00:59:59.000Z');
      expect(instant('2021-03-28T03:00:00')).toBe('2021-03-28T01:00:00.000Z');
    });

    it('should read the same wall time when the zone has no DST', () => {
      expect(instant('2021-03-28T02:30:00', 'UTC')).toBe('2021-03-28T02:30:00.000Z');
    });
  });

  describe('the autumn change (last Sunday of October, 03:00 -> 02:00 in Madrid)', () => {
    it.each([
      ['2021-10-31T02:00:00', '2021-10-31T00:00:00.000Z'],
      ['2021-10-31T02:30:00', '2021-10-31T00:30:00.000Z'],
      ['2021-10-31T02:59:59', '2021-10-31T00:59:59.000Z'],
      ['2024-10-27T02:30:00', '2024-10-27T00:30:00.000Z'],
    ])('should read the repeated wall time %s at its earlier instant (+02:00)', (text, expected) => {
      expect(instant(text)).toBe(expected);
    });

    it('should read the wall times around the repeated hour at their only offset', () => {
      expect(instant('2021-10-31T01:59:59')).toBe('2021-10-30T23:59:59.000Z');
      expect(instant('2021-10-31T03:00:00')).toBe('2021-10-31T02:00:00.000Z');
    });
  });
});

// The reader takes a day's one offset when no change is near; this checks that shortcut against luxon's own
// answer (with the earlier instant for a repeated wall time) over a whole year, in zones whose changes fall at
// 02:00 or 03:00, at midnight (Santiago) or by 30 minutes (Lord Howe).
describe('ProviderLocalTimeReader against luxon', () => {
  const reference = (text: string, zone: string): string | null => {
    const [date, time] = text.split('T');
    const [year, month, day] = date.split('-').map(Number);
    const [hour, minute, second] = time.split(':').map(Number);
    const guess = DateTime.fromObject({ year, month, day, hour, minute, second }, { zone });
    if (guess.toFormat("yyyy-MM-dd'T'HH:mm:ss") !== text) return null;
    return guess
      .getPossibleOffsets()
      .reduce((a, b) => (b < a ? b : a))
      .toJSDate()
      .toISOString();
  };

  // Every 241st minute of the year, and every 15 minutes of the days around each offset change.
  const samples = (zone: string): string[] => {
    const texts: string[] = [];
    for (let at = Date.UTC(2021, 0, 1); at < Date.UTC(2022, 0, 1); at += 241 * 60_000) texts.push(new Date(at).toISOString().slice(0, 19));
    for (let day = DateTime.fromObject({ year: 2021 }, { zone }); day.year === 2021; day = day.plus({ days: 1 })) {
      if (day.offset === day.plus({ days: 1 }).offset) continue;
      for (let at = Date.UTC(day.year, day.month - 1, day.day - 1); at < Date.UTC(day.year, day.month - 1, day.day + 2); at += 15 * 60_000) {
        texts.push(new Date(at).toISOString().slice(0, 19));
      }
    }
    return texts;
  };

  it.each(['Europe/Madrid', 'America/New_York', 'America/Santiago', 'Australia/Lord_Howe'])('should agree with luxon through 2021 in %s', (zone) => {
    const sut = new ProviderLocalTimeReader(zone);
    const texts = samples(zone);
    const disagreements = texts.flatMap((text) => {
      const read = sut.read(text);
      const got = read.ok ? read.instant.toISOString() : null;
      const expected = reference(text, zone);
      return got === expected ? [] : [`${text}: ${got} vs ${expected}`];
    });
    expect(texts.length).toBeGreaterThan(2500);
    expect(disagreements).toEqual([]);
  });
});
