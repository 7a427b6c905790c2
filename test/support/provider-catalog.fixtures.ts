import { providerEventId, ProviderEventView } from '@app/contracts';
import { feedEvent, RunCounts } from './provider-catalog';

// What GET /events/search must answer after each fixture of the simulator's rotation
// (apps/provider-sim/src/fixtures/README.md), applied in order feed-1..feed-4, by start then id.
const NOCHES = 'Noches del cambio de hora';
export const pantomima1642 = feedEvent('322', '1642', 'Pantomima Full', '2021-02-10T20:00:00', '2021-02-10T21:30:00', 55, 55);
export const pantomima1643 = (end: string) => feedEvent('322', '1643', 'Pantomima Full', '2021-02-11T20:00:00', end, 55, 55);
export const camela = (end: string, maxPrice: number) => feedEvent('291', '291', 'Camela en concierto', '2021-06-30T21:00:00', end, 15, maxPrice);
export const morancos = feedEvent('1591', '1642', 'Los Morancos', '2021-07-31T20:00:00', '2021-07-31T21:00:00', 65, 75);
// 1700/1: 01:30 CET -> 03:30 CEST on the last Sunday of March 2021 (00:30Z -> 01:30Z, one real hour).
export const spring = feedEvent('1700', '1', NOCHES, '2021-03-28T01:30:00', '2021-03-28T03:30:00', 25, 40);
// 1700/2: 01:30 CEST -> 03:30 CET (feed-3 on: 04:00) on the last Sunday of October 2021 (23:30Z -> 02:30Z, three real hours).
export const autumn = (end: string) => feedEvent('1700', '2', NOCHES, '2021-10-31T01:30:00', end, 25, 25);
export const evening = feedEvent('1700', '3', NOCHES, '2021-10-31T20:00:00', '2021-10-31T21:30:00', 18.5, 22);

export const CATALOG: Record<string, ProviderEventView[]> = {
  'feed-1': [pantomima1642, pantomima1643('2021-02-11T21:30:00'), camela('2021-06-30T22:00:00', 30), morancos],
  'feed-2': [pantomima1642, pantomima1643('2021-02-11T21:30:00'), spring, camela('2021-06-30T22:30:00', 30), morancos, autumn('2021-10-31T03:30:00'), evening],
  'feed-3': [pantomima1642, pantomima1643('2021-02-11T21:30:00'), spring, camela('2021-06-30T22:30:00', 30), morancos, autumn('2021-10-31T04:00:00'), evening],
  'feed-4': [pantomima1642, pantomima1643('2021-02-11T22:00:00'), spring, camela('2021-06-30T22:30:00', 20), morancos, autumn('2021-10-31T04:00:00'), evening],
};

// Each fixture's run, applied after the one before it.
export const RUNS: Record<string, RunCounts> = {
  // 291, 322/1642, 322/1643, 1591/1642 new; 444/1642 (offline, 2021-09-31) invalid.
  'feed-1': { status: 'succeeded', new: 4, changed: 0, unchanged: 0, invalid: 1 },
  // 555/1 and 1700/1-3 new; 291 and 322/1642 changed; 1591/1642 unchanged; 444/1642 invalid.
  'feed-2': { status: 'succeeded', new: 4, changed: 2, unchanged: 1, invalid: 1 },
  // 291, 1591/1642 (now offline) and 1700/2 changed; 1700/4 (2021-02-29) invalid.
  'feed-3': { status: 'succeeded', new: 0, changed: 3, unchanged: 4, invalid: 1 },
  // 291 (a zone fewer), 322/1643 (back) and 1591/1642 (online again) changed; 1700/5 and 1700/6 invalid.
  'feed-4': { status: 'succeeded', new: 0, changed: 3, unchanged: 4, invalid: 2 },
};

// Plans of the fixtures that must never be served: offline only (444/1642, 555/1) or invalid (1700/4-6).
export const NEVER_SERVED = [
  ['444', '1642'],
  ['555', '1'],
  ['1700', '4'],
  ['1700', '5'],
  ['1700', '6'],
].map(([basePlanId, planId]) => providerEventId(basePlanId, planId));
