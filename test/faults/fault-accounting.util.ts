// The fault runner's Jepsen-style accounting, kept pure so each failure kind can be checked with crafted inputs
// (fault-accounting.spec.ts): what the clients saw against what Postgres stored.

export interface Attempt {
  name: string;
  started: number;
  status: number; // 0: no answer (connection dropped or refused)
  id?: string;
  outcome?: string;
  envelopeOk: boolean;
}

export interface Row {
  scenario: string;
  attempted: number;
  acknowledged: number;
  failed: number;
  indeterminate: number;
  stored: number;
  lost: number;
  unexpected: number;
  duplicated: number;
  recovered: number;
  recoveryMs: number;
  statuses: string;
  problems: string[];
}

export interface AccountingInput {
  scenario: string;
  attempts: Attempt[];
  // The orders Postgres holds for the scenario's user (product_name is the attempt's unique name).
  stored: Array<{ product_name: string }>;
  // A connection may drop only from 15 s before windowFrom (a request in flight at the kill) to windowTo.
  windowFrom: number;
  windowTo: number;
  recoveryMs: number;
  problems?: string[];
}

const isIndeterminate = (attempt: Attempt) => attempt.status === 0 || attempt.status === 504 || attempt.outcome === 'unknown';
// The contract's 5xx: 503 (a certain refusal or an unknown outcome) and 504; anything else is outside it.
const CONTRACT_5XX = new Set([503, 504]);
const KILL_WINDOW_LEAD_MS = 15_000;

export function account(input: AccountingInput): Row {
  const { attempts, stored } = input;
  const sent = new Set(attempts.map((attempt) => attempt.name));
  const byName = new Map<string, number>();
  for (const row of stored) byName.set(row.product_name, (byName.get(row.product_name) ?? 0) + 1);
  const acked = attempts.filter((attempt) => attempt.status === 202);
  const indeterminate = attempts.filter(isIndeterminate);
  const failed = attempts.filter((attempt) => attempt.status !== 202 && !isIndeterminate(attempt));
  const statuses = new Map<string, number>();
  for (const attempt of attempts) statuses.set(String(attempt.status || 'dropped'), (statuses.get(String(attempt.status || 'dropped')) ?? 0) + 1);

  const problems = [...(input.problems ?? [])];
  const lost = acked.filter((attempt) => !byName.has(attempt.name)).length;
  const unexpected = stored.filter((row) => !sent.has(row.product_name)).length;
  const duplicated = [...byName.values()].filter((count) => count > 1).length;
  const storedFailures = failed.filter((attempt) => byName.has(attempt.name)).length;
  if (lost) problems.push(`${lost} acknowledged order(s) lost`);
  if (unexpected) problems.push(`${unexpected} stored order(s) nobody sent`);
  if (duplicated) problems.push(`${duplicated} order(s) stored twice`);
  if (storedFailures) problems.push(`${storedFailures} order(s) refused as not_accepted yet stored`);
  const badStatus = attempts.filter((attempt) => attempt.status >= 500 && !CONTRACT_5XX.has(attempt.status));
  if (badStatus.length) problems.push(`statuses outside the contract: ${[...new Set(badStatus.map((attempt) => attempt.status))].join(', ')}`);
  const badBodies = attempts.filter((attempt) => attempt.status !== 202 && attempt.status !== 0 && !attempt.envelopeOk);
  if (badBodies.length) problems.push(`${badBodies.length} answer(s) outside the envelope`);
  const droppedOutside = attempts.filter(
    (attempt) => attempt.status === 0 && (attempt.started < input.windowFrom - KILL_WINDOW_LEAD_MS || attempt.started > input.windowTo),
  );
  if (droppedOutside.length) problems.push(`${droppedOutside.length} dropped connection(s) outside the kill window`);

  return {
    scenario: input.scenario,
    attempted: attempts.length,
    acknowledged: acked.length,
    failed: failed.length,
    indeterminate: indeterminate.length,
    stored: stored.length,
    lost,
    unexpected,
    duplicated,
    recovered: indeterminate.filter((attempt) => byName.has(attempt.name)).length,
    recoveryMs: input.recoveryMs,
    statuses: [...statuses].map(([status, count]) => `${status}×${count}`).join(' '),
    problems,
  };
}

export const TABLE_HEADER =
  '| scenario | attempted | acknowledged | failed | indeterminate | stored | lost | unexpected | duplicated | recovered | recovery ms | statuses |';

export function tableOf(rows: Row[]): string {
  return [TABLE_HEADER, `|${'---|'.repeat(12)}`]
    .concat(
      rows.map(
        (r) =>
          `| ${r.scenario} | ${r.attempted} | ${r.acknowledged} | ${r.failed} | ${r.indeterminate} | ${r.stored} | ${r.lost} | ${r.unexpected} | ${r.duplicated} | ${r.recovered} | ${r.recoveryMs} | ${r.statuses} |`,
      ),
    )
    .join('\n');
}
