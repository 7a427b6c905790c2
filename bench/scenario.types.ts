import type Redis from 'ioredis';
import type { Target } from './results.util';

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

export interface Scenario {
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
  minRatio?: number; // target: median req/s project/floor >= minRatio
  maxCpuRatio?: number; // target: median CPU per request project/floor <= maxCpuRatio
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
