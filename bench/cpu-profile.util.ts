import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
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
// first. Idle time is left out of the shares: they say where the busy time went.
export function selfTimes(profile: CpuProfile, root = process.cwd()): { functions: SelfTime[]; owners: SelfTime[]; busyMs: number } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const functions = new Map<string, number>();
  const owners = new Map<string, number>();
  let busyMs = 0;
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)?.callFrame;
    const deltaMs = (profile.timeDeltas[i] ?? 0) / 1000;
    if (!frame || frame.functionName === IDLE) return;
    busyMs += deltaMs;
    const file = frame.url ? relative(root, frame.url.replace(/^file:\/\//, '')) : '';
    const name = `${frame.functionName || '(anonymous)'}${file ? ` (${file}:${frame.lineNumber + 1})` : ''}`;
    functions.set(name, (functions.get(name) ?? 0) + deltaMs);
    const where = frame.url ? owner(frame.url, root) : frame.functionName;
    owners.set(where, (owners.get(where) ?? 0) + deltaMs);
  });
  const rank = (totals: Map<string, number>) =>
    [...totals].map(([name, selfMs]) => ({ name, selfMs, share: busyMs > 0 ? selfMs / busyMs : 0 })).sort((a, b) => b.selfMs - a.selfMs);
  return { functions: rank(functions), owners: rank(owners), busyMs };
}

// node dist/bench/cpu-profile.util.js <file.cpuprofile> [top]
if (require.main === module) {
  const [file, top = '30'] = process.argv.slice(2);
  if (!file) throw new Error('usage: node dist/bench/cpu-profile.util.js <file.cpuprofile> [top]');
  const { functions, owners, busyMs } = selfTimes(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
  const print = (rows: SelfTime[]) => {
    for (const row of rows.slice(0, Number(top))) console.log(`${(row.share * 100).toFixed(1).padStart(5)} %  ${row.selfMs.toFixed(0).padStart(7)} ms  ${row.name}`);
  };
  console.log(`busy (not idle) ${busyMs.toFixed(0)} ms\n\nself time by function:`);
  print(functions);
  console.log('\nself time by package / project dir:');
  print(owners);
}
