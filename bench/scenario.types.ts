import type Redis from 'ioredis';
import type { Client } from 'pg';
import type { ManagedChild } from './child-process.util';
import type { Section, Target } from './results.util';
import type { BenchSettings } from './settings.util';
import type { ScenarioTargets, SummaryRow } from './summary.util';

// The bench's shared types: what a scenario is and what it runs against. Types only, so every bench module can
// import them without an import circle.

// How one connection of a round sends: its own path (a function: called just before each request is written, it
// may also prepare it, e.g. drop a cache entry), a fresh body per request (none for GET), headers that may change
// per request (If-Match from the last answer) and a look at each answer.
export interface ConnectionLoad {
  path: string | (() => string);
  body?: () => string;
  headers?: () => Record<string, string>;
  onResponse?: (status: number, headers: Record<string, string>) => void;
}

// Open-loop load (the events search at 2k req/s): request i is due at i/rate, latency counted from the due time.
export interface PacedRequests {
  ratePerSecond: number;
  maxInFlight: number;
  path: (index: number, round: number) => string;
}

export interface Scenario extends ScenarioTargets {
  key: string; // for BENCH_ONLY
  name: string;
  kind: 'read' | 'write'; // a write round lasts until the outbox is published and the indexer has caught up
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  headers: Record<string, string>; // a body goes as application/json unless these name a content-type
  body?: unknown;
  expectStatus: number;
  // Checked on one request per target before measuring (reads; writes are checked row by row instead).
  expectHeaders?: Record<string, string>;
  // Headers the floor and the project must answer with the same value (checked with the bodies).
  sameHeaders?: string[];
  // true when the floor serves the same route; its answer must then equal the project's.
  floor: boolean;
  connections?: number; // default BENCH_CONNECTIONS
  // Absent: every request of a round is the same. Writes that must not collide give each connection its own.
  connection?: (target: Target, index: number) => ConnectionLoad;
  beforeRound?: (target: Target) => Promise<void>; // outside the measured window
  afterRound?: (target: Target) => void; // outside the measured window; throws when the round was not what it claims
  // Once, before the scenario's probe and warm-up (memoised by the scenario module: seeding, a floor to start).
  prepare?: () => Promise<void>;
  // Where each target listens and which processes serve it, when not the harness's gateway and plans floor.
  urls?: () => Record<Target, string>;
  processes?: Record<Target, string[]>;
  // A write round ends when this resolves (inside the CPU window), instead of the plan writes' settle.
  settle?: (target: Target) => Promise<void>;
  paced?: PacedRequests; // open loop instead of autocannon's closed loop
}

export interface LagScenario {
  key: string;
  name: string;
  ratePerSecond?: number; // undefined: the highest rate the stack sustains, found by the harness
  maxP99S: number; // target: p99 within this bucket
}

export interface BenchUser {
  id: string;
  accessToken: string;
}

export interface WritePlan {
  id: string;
  suffix: string; // planDocument(suffix) is its document
}

export interface BenchPlans {
  read: { id: string; etag: string };
  put: Record<Target, WritePlan[]>;
  patch: Record<Target, WritePlan[]>;
}

export interface BenchContent {
  read: { id: string; etag: string }; // the item of the hit scenarios (never dropped)
  items: string[]; // the others, oldest first: MISS_ITEMS_PER_CONNECTION per miss connection
}

export interface ScenarioContext {
  user: BenchUser;
  plans: BenchPlans;
  content: BenchContent;
  redis: Redis; // the bench's Redis database, for the miss scenarios' per-request drops
  // Reads a path through the gateway until it answers X-Cache: HIT (a fill, then the hit).
  ensureCached: (path: string) => Promise<void>;
  runTag: string;
  // The stored ETags of these plans in the target's database, to start a round's If-Match from.
  currentEtags: (target: Target, ids: string[]) => Promise<Map<string, string>>;
}

// What the harness lends the scenario modules under bench/scenarios/ (orders, dashboard, events): its fixed
// resources, its settings and its way of starting a process, so every hot path runs in the one harness.
export interface Harness {
  settings: BenchSettings;
  gatewayUrl: string;
  databaseUrl: string; // the project's database
  redisUrl: string;
  rabbitmqUrl: string;
  timeZone: string; // PROVIDER_TIMEZONE of the apps
  anonLimitPerHour: string;
  keyFile: string; // the JWT private key the apps sign with
  appEnv: NodeJS.ProcessEnv; // the environment the project's apps run with
  admin: { email: string; password: string };
  db: Client; // the harness's connection to the project's database
  redis: Redis;
  // Starts a process from dist/ (a path relative to it) and waits until GET <readyUrl> answers 200.
  start: (name: string, script: string, env: NodeJS.ProcessEnv, readyUrl: string) => Promise<ManagedChild>;
  url: (port: number) => string;
  port: (name: 'sim' | 'scheduler' | 'ordersFloor' | 'eventsFloor') => number;
  primePrincipal: (user: BenchUser) => Promise<void>;
  user: () => BenchUser; // the signed-up bench user (after the fixtures)
  log: (message: string) => void;
}

// A scenario module: its scenarios (run by the harness like any other), and after the run its rows for the one
// table and its own detailed sections.
export interface BenchModule {
  scenarios: Scenario[];
  summary: () => SummaryRow[];
  sections: () => Section[];
}
