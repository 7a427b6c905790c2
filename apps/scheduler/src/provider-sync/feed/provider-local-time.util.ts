import { DateTime, IANAZone } from 'luxon';

export type ProviderLocalTime = { ok: true; instant: Date; local: string } | { ok: false; problem: string };

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/;
const MIN_YEAR = 1900;
const HOUR = 3600_000;
// Days whose offset is known, up to this many, then forgotten all at once: bounded whatever the feed.
const DAY_CACHE_SIZE = 10_000;

// The provider writes naive wall-clock times (YYYY-MM-DDTHH:MM:SS) in its own zone (PROVIDER_TIMEZONE); the
// offsets come from tzdb through luxon, never from fixed rules.
// - An impossible calendar date (2021-09-31) or time of day is refused.
// - A wall time that does not exist there (skipped when clocks go forward, 2021-03-28T02:30:00 in
//   Europe/Madrid) is refused: luxon would silently move it an hour on.
// - An ambiguous wall time (the hour repeated when clocks go back, 2021-10-31T02:30:00 in Europe/Madrid)
//   takes its earlier instant, i.e. the offset in force before the change (+02:00 there); luxon alone would
//   pick the later one.
export class ProviderLocalTimeReader {
  private readonly zone: IANAZone;
  private readonly steadyOffsets = new Map<string, number | null>();

  constructor(zoneName: string) {
    this.zone = IANAZone.create(zoneName);
    if (!this.zone.isValid) throw new Error(`${zoneName} is not an IANA time zone`);
  }

  read(text: string): ProviderLocalTime {
    const match = LOCAL_DATE_TIME.exec(text);
    if (!match) return { ok: false, problem: 'not YYYY-MM-DDTHH:MM:SS' };
    const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
    if (hour > 23 || minute > 59 || second > 59) return { ok: false, problem: 'not a time of day' };
    if (year < MIN_YEAR) return { ok: false, problem: `year before ${MIN_YEAR}` };
    const wallClock = Date.UTC(year, month - 1, day, hour, minute, second);
    const calendar = new Date(wallClock);
    if (calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) return { ok: false, problem: 'not a calendar date' };

    const offset = this.steadyOffset(text.slice(0, 10), Date.UTC(year, month - 1, day));
    if (offset !== null) return { ok: true, instant: new Date(wallClock - offset * 60_000), local: text };
    return this.readAroundChange(text, { year, month, day, hour, minute, second });
  }

  // The one offset of a day when no change happens anywhere near it (luxon's own answer for every wall time
  // of that day); null for a day with a change. The zone's offset is sampled 14 hours (the widest offset)
  // beyond both ends of the local day: tzdb never changes a zone's offset twice within those 52 hours.
  private steadyOffset(date: string, midnight: number): number | null {
    let offset = this.steadyOffsets.get(date);
    if (offset === undefined) {
      const before = this.zone.offset(midnight - 14 * HOUR);
      offset = before === this.zone.offset(midnight + 38 * HOUR) ? before : null;
      if (this.steadyOffsets.size >= DAY_CACHE_SIZE) this.steadyOffsets.clear();
      this.steadyOffsets.set(date, offset);
    }
    return offset;
  }

  // A day with an offset change: luxon finds the wall time's instants (none in a gap, two in an overlap).
  private readAroundChange(text: string, fields: { year: number; month: number; day: number; hour: number; minute: number; second: number }): ProviderLocalTime {
    const guess = DateTime.fromObject(fields, { zone: this.zone });
    const { year, month, day, hour, minute } = fields;
    if (!guess.isValid) return { ok: false, problem: 'not a calendar date' };
    if (guess.year !== year || guess.month !== month || guess.day !== day || guess.hour !== hour || guess.minute !== minute) {
      return { ok: false, problem: `not a time in ${this.zone.name} (skipped by a DST change)` };
    }
    const earliest = guess.getPossibleOffsets().reduce((a, b) => (b.toMillis() < a.toMillis() ? b : a), guess);
    return { ok: true, instant: earliest.toJSDate(), local: text };
  }
}
