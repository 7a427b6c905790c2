import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

// Seconds since the profile started (the app's start with --cpu-prof); samples outside are left out.
export interface Window {
  fromS: number;
  toS: number;
}

export interface SelfTime {
  name: string;
  selfMs: number;
  share: number; // of the busy (non-idle) sampled time
}

const IDLE = '(idle)';

// Where a frame's code lives: the npm package, the project file's app or lib, or the runtime.
function owner(url: string, root: string): string {
  if (!url) return '(native / V8)';
  if (url.startsWith('node:')) return 'node internals';
  const path = relative(root, url.replace(/^file:\/\//, ''));
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (inModules) return inModules[1];
  const project = /^dist\/((?:apps|libs)\/[^/]+)/.exec(path);
  return project ? project[1] : path;
}

// Self time of a --cpu-prof profile per function and per owner (sample deltas go to the node they hit), largest
// first, optionally within a time window (the measured rounds, not start-up). Idle time is left out of the
// shares: they say where the busy time went. `callers` charges native frames and Node's own JavaScript (socket
// writes, streams, crypto...) to the nearest package or project file up the stack, so a writev issued by pg
// counts for pg.
export function selfTimes(
  profile: CpuProfile,
  root = process.cwd(),
  window?: Window,
): { functions: SelfTime[]; owners: SelfTime[]; callers: SelfTime[]; busyMs: number } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const childId of node.children ?? []) parents.set(childId, node.id);
  const functions = new Map<string, number>();
  const owners = new Map<string, number>();
  const callers = new Map<string, number>();
  const add = (totals: Map<string, number>, key: string, ms: number) => totals.set(key, (totals.get(key) ?? 0) + ms);
  const callerOwner = (id: number): string => {
    for (let current: number | undefined = id; current !== undefined; current = parents.get(current)) {
      const url = byId.get(current)?.callFrame.url;
      if (url && !url.startsWith('node:')) return owner(url, root);
    }
    return byId.get(id)?.callFrame.functionName ?? '(unknown)';
  };
  let busyMs = 0;
  let atUs = 0;
  profile.samples.forEach((id, i) => {
    const deltaUs = profile.timeDeltas[i] ?? 0;
    atUs += deltaUs;
    if (window && (atUs < window.fromS * 1e6 || atUs > window.toS * 1e6)) return;
    const frame = byId.get(id)?.callFrame;
    const deltaMs = deltaUs / 1000;
    if (!frame || frame.functionName === IDLE) return;
    busyMs += deltaMs;
    const file = frame.url ? relative(root, frame.url.replace(/^file:\/\//, '')) : '';
    add(functions, `${frame.functionName || '(anonymous)'}${file ? ` (${file}:${frame.lineNumber + 1})` : ''}`, deltaMs);
    const ownerKey = frame.url ? owner(frame.url, root) : frame.functionName;
    add(owners, ownerKey, deltaMs);
    // (garbage collector), (program) and the like have no caller worth naming.
    const native = !frame.url || frame.url.startsWith('node:');
    add(callers, native && !frame.functionName.startsWith('(') ? callerOwner(id) : ownerKey, deltaMs);
  });
  const rank = (totals: Map<string, number>) =>
    [...totals].map(([name, selfMs]) => ({ name, selfMs, share: busyMs > 0 ? selfMs / busyMs : 0 })).sort((a, b) => b.selfMs - a.selfMs);
  return { functions: rank(functions), owners: rank(owners), callers: rank(callers), busyMs };
}

// Inclusive time of the samples whose stack passes through a frame whose file path contains each pattern (a
// package, a project file): what a subsystem costs with everything it calls. A sample can count for several.
export function throughTimes(profile: CpuProfile, patterns: string[], window?: Window): { through: SelfTime[]; busyMs: number } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const childId of node.children ?? []) parents.set(childId, node.id);
  const totals = new Map(patterns.map((pattern) => [pattern, 0]));
  let busyMs = 0;
  let atUs = 0;
  profile.samples.forEach((id, i) => {
    const deltaUs = profile.timeDeltas[i] ?? 0;
    atUs += deltaUs;
    if (window && (atUs < window.fromS * 1e6 || atUs > window.toS * 1e6)) return;
    if (byId.get(id)?.callFrame.functionName === IDLE) return;
    busyMs += deltaUs / 1000;
    const matched = new Set<string>();
    for (let current: number | undefined = id; current !== undefined; current = parents.get(current)) {
      const url = byId.get(current)?.callFrame.url ?? '';
      for (const pattern of patterns) if (url.includes(pattern)) matched.add(pattern);
    }
    for (const pattern of matched) totals.set(pattern, totals.get(pattern)! + deltaUs / 1000);
  });
  const through = [...totals].map(([name, selfMs]) => ({ name, selfMs, share: busyMs > 0 ? selfMs / busyMs : 0 })).sort((a, b) => b.selfMs - a.selfMs);
  return { through, busyMs };
}

// node dist/bench/cpu-profile.util.js <file.cpuprofile> [--top=30] [--from=S --to=S] [--requests=N] [--through=a,b]
// --from/--to: seconds since the app started (run.ts prints them for each profiled scenario, with the requests
// served in that window); --requests adds µs per request; --through lists inclusive time through those paths.
if (require.main === module) {
  const [file, ...flags] = process.argv.slice(2);
  if (!file) throw new Error('usage: node dist/bench/cpu-profile.util.js <file.cpuprofile> [--top=30] [--from=S --to=S] [--requests=N] [--through=a,b]');
  const option = (name: string) => flags.find((flag) => flag.startsWith(`--${name}=`))?.slice(name.length + 3);
  const top = Number(option('top') ?? 30);
  const requests = option('requests') ? Number(option('requests')) : undefined;
  const window = option('from') !== undefined && option('to') !== undefined ? { fromS: Number(option('from')), toS: Number(option('to')) } : undefined;
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const { functions, owners, callers, busyMs } = selfTimes(profile, process.cwd(), window);
  const perRequest = (ms: number) => (requests ? `  ${((ms * 1000) / requests).toFixed(0).padStart(6)} µs/req` : '');
  const print = (rows: SelfTime[]) => {
    for (const row of rows.slice(0, top))
      console.log(`${(row.share * 100).toFixed(1).padStart(5)} %  ${row.selfMs.toFixed(0).padStart(7)} ms${perRequest(row.selfMs)}  ${row.name}`);
  };
  console.log(`busy (not idle) ${busyMs.toFixed(0)} ms${perRequest(busyMs)}${window ? ` between ${window.fromS} s and ${window.toS} s` : ''}\n\nself time by function:`);
  print(functions);
  console.log('\nself time by package / project dir:');
  print(owners);
  console.log('\nself time by package, native frames charged to their JavaScript caller:');
  print(callers);
  const patterns = (option('through') ?? '').split(',').filter(Boolean);
  if (patterns.length > 0) {
    console.log('\ninclusive time of stacks through:');
    print(throughTimes(profile, patterns, window).through);
  }
}
