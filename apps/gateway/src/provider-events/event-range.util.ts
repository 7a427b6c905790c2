import { IANAZone } from 'luxon';
import { DomainError, FieldProblem } from '@app/common';

// The search bounds as instants (epoch milliseconds), both inclusive; an absent bound does not limit.
export interface EventRange {
  startsAt?: number;
  endsAt?: number;
}

export interface EventRangeQuery {
  starts_at?: string;
  ends_at?: string;
}

type Edge = 'starts_at' | 'ends_at';

// YYYY-MM-DD, or YYYY-MM-DDTHH:MM[:SS[.fraction]] with an optional offset (Z or ±HH:MM). Anything looser that
// luxon's fromISO would take (week dates, ordinal dates, basic format, 24:00) is refused on purpose.
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}:\d{2})?)?$/;
const GRAMMAR = 'must be YYYY-MM-DD or an ISO 8601 date-time YYYY-MM-DDTHH:MM:SS[.fff][Z|±HH:MM]';

class RangeProblem extends Error {}

// Reads starts_at and ends_at as the contract says: with an offset, that instant; without one, the wall-clock
// time in `zone` (PROVIDER_TIMEZONE), a local time the clocks skip (spring forward) being refused and one they
// repeat (fall back) taken at its most inclusive instant: the earlier for starts_at, the later for ends_at. A bare
// date is the whole local day: its first instant for starts_at, its last for ends_at. Every problem is a 400
// VALIDATION_ERROR naming its parameter.
export function parseEventRange(query: EventRangeQuery, zone: string): EventRange {
  const problems: FieldProblem[] = [];
  const read = (edge: Edge): number | undefined => {
    const value = query[edge];
    if (value === undefined) return undefined;
    try {
      return parseEdge(value, edge, zone);
    } catch (error) {
      if (!(error instanceof RangeProblem)) throw error;
      problems.push({ field: edge, problems: [error.message] });
      return undefined;
    }
  };
  const range: EventRange = { startsAt: read('starts_at'), endsAt: read('ends_at') };
  if (range.startsAt !== undefined && range.endsAt !== undefined && range.startsAt > range.endsAt) {
    problems.push({ field: 'starts_at', problems: ['must not be after ends_at'] });
  }
  if (problems.length > 0) throw new DomainError('VALIDATION_ERROR', 'The search range is invalid', { errors: problems });
  return range;
}

function parseEdge(value: string, edge: Edge, zone: string): number {
  const match = ISO_DATE_TIME.exec(value);
  if (!match) throw new RangeProblem(GRAMMAR);
  const [, year, month, day, hour, minute, second, fraction, offset] = match;
  const date = { year: Number(year), month: Number(month), day: Number(day) };
  if (date.month < 1 || date.month > 12 || date.day < 1 || date.day > daysInMonth(date.year, date.month)) {
    throw new RangeProblem(`${year}-${month}-${day} is not a calendar date`);
  }
  if (hour === undefined) {
    // The whole local day: its first instant (the earlier midnight, or the end of a gap swallowing it), or the
    // instant before the next day's first.
    const midnight = wallClock(date.year, date.month, date.day + (edge === 'starts_at' ? 0 : 1), 0, 0, 0, 0);
    const first = localCandidates(midnight, zone);
    const start = first.length > 0 ? Math.min(...first) : firstInstantAfterGap(midnight, zone);
    return edge === 'starts_at' ? start : start - 1;
  }

  const time = { hour: Number(hour), minute: Number(minute), second: second === undefined ? 0 : Number(second) };
  if (time.hour > 23 || time.minute > 59 || time.second > 59) throw new RangeProblem(`${hour}:${minute}${second === undefined ? '' : `:${second}`} is not a time of day`);
  // Instants here are whole milliseconds: a finer fraction rounds inward (up for starts_at, down for ends_at),
  // which keeps containment exact for millisecond instants.
  const digits = (fraction ?? '').padEnd(3, '0');
  const beyondMillisecond = /[1-9]/.test(digits.slice(3)) && edge === 'starts_at' ? 1 : 0;
  const local = wallClock(date.year, date.month, date.day, time.hour, time.minute, time.second, Number(digits.slice(0, 3)));

  if (offset !== undefined) return local - offsetMinutes(offset) * MINUTE_MS + beyondMillisecond;
  const instants = localCandidates(local, zone);
  if (instants.length === 0) {
    throw new RangeProblem(`${value.slice(0, 19)} does not exist in ${zone} (the clocks skip it at a daylight saving change)`);
  }
  return (edge === 'starts_at' ? Math.min(...instants) : Math.max(...instants)) + beyondMillisecond;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

function offsetMinutes(offset: string): number {
  if (offset === 'Z' || offset === 'z') return 0;
  const hours = Number(offset.slice(1, 3));
  const minutes = Number(offset.slice(4, 6));
  if (hours > 23 || minutes > 59) throw new RangeProblem(`${offset} is not a UTC offset`);
  return (offset[0] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

// A wall-clock time as if it were UTC, in epoch milliseconds (Date.UTC alone maps years 0-99 to 1900-1999).
function wallClock(year: number, month: number, day: number, hour: number, minute: number, second: number, millisecond: number): number {
  const at = new Date(0);
  at.setUTCFullYear(year, month - 1, day);
  at.setUTCHours(hour, minute, second, millisecond);
  return at.getTime();
}

function daysInMonth(year: number, month: number): number {
  return new Date(wallClock(year, month + 1, 0, 0, 0, 0, 0)).getUTCDate();
}

// The zone's UTC offset (minutes) at an instant, from luxon's IANA zone (the runtime's tz database via Intl).
function offsetAt(zone: string, instant: number): number {
  return IANAZone.create(zone).offset(instant);
}

// Local days whose whole span has one UTC offset, per zone: most days, so most lookups cost no Intl call.
const steadyDays = new Map<string, number | null>();
const STEADY_DAYS_MAX = 20_000;

// The instants (0, 1 or 2) at which the zone's clocks read `local` (a wall-clock time as if UTC): none inside a
// spring-forward gap, two inside a fall-back overlap. Like luxon's getPossibleOffsets, it assumes no two offset
// changes within a day of each other.
function localCandidates(local: number, zone: string): number[] {
  const dayStart = Math.floor(local / DAY_MS) * DAY_MS;
  const key = `${zone}|${dayStart}`;
  let steady = steadyDays.get(key);
  if (steady === undefined) {
    // Every instant of this local day lies within a day either side of it: equal offsets there mean one offset
    // for the whole day.
    const before = offsetAt(zone, dayStart - DAY_MS);
    steady = before === offsetAt(zone, dayStart + 2 * DAY_MS) ? before : null;
    if (steadyDays.size >= STEADY_DAYS_MAX) steadyDays.clear();
    steadyDays.set(key, steady);
  }
  if (steady !== null) return [local - steady * MINUTE_MS];
  const offsets = new Set([offsetAt(zone, local - DAY_MS), offsetAt(zone, local + DAY_MS)]);
  return [...offsets].map((offset) => local - offset * MINUTE_MS).filter((instant) => offsetAt(zone, instant) * MINUTE_MS === local - instant);
}

// A local midnight inside a gap: the day starts when the clocks jump, at the instant the later offset begins.
function firstInstantAfterGap(local: number, zone: string): number {
  return local - offsetAt(zone, local - DAY_MS) * MINUTE_MS;
}
