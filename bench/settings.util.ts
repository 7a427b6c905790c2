// The harness's knobs: BENCH_* from the environment over the defaults of a full run, or of a quick one
// (`npm run bench -- --quick`: fewer and shorter rounds, smaller data sets, about three minutes). An explicit
// BENCH_* wins over either. Pure, so the unit tier checks it.

export interface BenchSettings {
  quick: boolean;
  rounds: number; // interleaved rounds per target and scenario
  roundS: number;
  warmUpS: number;
  durationS: number; // measured part of an index-lag run
  connections: number;
  drainEvents: number; // indexer drain
  rateStepS: number;
  ordersDrain: number; // orders put on core's queue with core stopped
  dashboardOrders: number; // rows in the orders table when the dashboard is read
  eventsPlans: number; // the provider feed's size
  eventsRate: number; // GET /events/search per second, open loop
}

const FULL: Omit<BenchSettings, 'quick'> = {
  rounds: 6,
  roundS: 5,
  warmUpS: 2,
  durationS: 10,
  connections: 50,
  drainEvents: 20_000,
  rateStepS: 4,
  ordersDrain: 200_000,
  dashboardOrders: 1_000_000,
  eventsPlans: 10_000,
  eventsRate: 2000,
};

const QUICK: Omit<BenchSettings, 'quick'> = {
  ...FULL,
  rounds: 2,
  roundS: 2,
  warmUpS: 1,
  durationS: 4,
  drainEvents: 5000,
  rateStepS: 2,
  ordersDrain: 20_000,
  dashboardOrders: 100_000,
  eventsPlans: 2000,
};

const VARIABLES: Record<keyof Omit<BenchSettings, 'quick'>, string> = {
  rounds: 'BENCH_ROUNDS',
  roundS: 'BENCH_ROUND_S',
  warmUpS: 'BENCH_WARMUP_S',
  durationS: 'BENCH_DURATION_S',
  connections: 'BENCH_CONNECTIONS',
  drainEvents: 'BENCH_DRAIN_EVENTS',
  rateStepS: 'BENCH_RATE_STEP_S',
  ordersDrain: 'BENCH_ORDERS_DRAIN',
  dashboardOrders: 'BENCH_DASHBOARD_ORDERS',
  eventsPlans: 'BENCH_EVENTS_PLANS',
  eventsRate: 'BENCH_EVENTS_RATE',
};

// A positive integer from the environment, or the default when unset.
export function positiveIntFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

export function benchSettings(argv: string[], env: NodeJS.ProcessEnv): BenchSettings {
  const unknown = argv.filter((arg) => arg !== '--quick');
  if (unknown.length > 0) throw new Error(`unknown argument(s) ${unknown.join(' ')}: the only one is --quick`);
  const quick = argv.includes('--quick');
  const defaults = quick ? QUICK : FULL;
  const settings = { quick } as BenchSettings;
  for (const [key, name] of Object.entries(VARIABLES) as Array<[keyof typeof VARIABLES, string]>) settings[key] = positiveIntFrom(env, name, defaults[key]);
  return settings;
}

// What differs from a full run, for the console and the record: a quick run says so.
export function settingsLine(settings: BenchSettings): string {
  const base =
    `${settings.rounds} interleaved rounds of ${settings.roundS} s per target after a ${settings.warmUpS} s warm-up of each; ${settings.connections} connections unless the conns column says otherwise; ` +
    `indexer drain of ${settings.drainEvents} events; orders drain of ${settings.ordersDrain}; dashboard at ${settings.dashboardOrders} orders; ` +
    `events search at ${settings.eventsRate} req/s over ${settings.eventsPlans} plans; rate steps of ${settings.rateStepS} s; index-lag runs ${settings.warmUpS} s warm-up + ${settings.durationS} s`;
  return settings.quick ? `QUICK RUN (npm run bench -- --quick: a look, not a record): ${base}` : base;
}
