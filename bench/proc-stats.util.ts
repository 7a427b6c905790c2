import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

// CPU time and peak memory of a process, read from /proc (Linux), so the servers need no hook of their own.

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100; // the Linux default
    }
  }
  return ticksPerSecond;
}

// utime + stime (fields 14 and 15 of /proc/<pid>/stat, all threads of the process) in microseconds. The
// fields are counted after the command name, which is in parentheses and may itself hold spaces.
export function parseCpuMicros(stat: string, ticks: number): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so field n is fields[n - 3].
  const utime = Number(fields[14 - 3]);
  const stime = Number(fields[15 - 3]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`unreadable /proc stat line: ${stat.slice(0, 200)}`);
  return ((utime + stime) * 1_000_000) / ticks;
}

export function cpuMicros(pid: number): number {
  return parseCpuMicros(readFileSync(`/proc/${pid}/stat`, 'utf8'), clockTicks());
}

// VmHWM: the most resident memory the process has had since it started, in bytes.
export function parsePeakRssBytes(status: string): number {
  const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
  if (!match) throw new Error('no VmHWM line in /proc/<pid>/status');
  return Number(match[1]) * 1024;
}

export function peakRssBytes(pid: number): number {
  return parsePeakRssBytes(readFileSync(`/proc/${pid}/status`, 'utf8'));
}

// Total CPU of a set of processes, by name, at one moment; the difference of two is a round's cost.
export type CpuSnapshot = Record<string, number>;

export function cpuSnapshot(processes: Array<{ name: string; pid: number }>): CpuSnapshot {
  return Object.fromEntries(processes.map(({ name, pid }) => [name, cpuMicros(pid)]));
}

export function cpuSpent(before: CpuSnapshot, after: CpuSnapshot): CpuSnapshot {
  return Object.fromEntries(Object.keys(before).map((name) => [name, after[name] - before[name]]));
}
