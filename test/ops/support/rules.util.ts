import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const REPO = join(__dirname, '../../..');
export const RULES_DIR = join(REPO, 'ops/prometheus/rules');
export const OPS_TESTS_DIR = join(REPO, 'test/ops');
export const PROMTOOL = process.env.PROMTOOL ?? '/usr/bin/promtool';

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface RuleFile {
  file: string;
  groups: Array<{ name: string; rules: Array<AlertRule | { record: string; expr: string }> }>;
}

export function ruleFiles(): string[] {
  return readdirSync(RULES_DIR)
    .filter((name) => name.endsWith('.yml'))
    .map((name) => join(RULES_DIR, name));
}

export function loadRules(): RuleFile[] {
  return ruleFiles().map((file) => ({ file, ...(parse(readFileSync(file, 'utf8')) as Omit<RuleFile, 'file'>) }));
}

export function alertsOf(files: RuleFile[]): AlertRule[] {
  return files.flatMap(({ groups }) => groups.flatMap(({ rules }) => rules.filter((rule): rule is AlertRule => 'alert' in rule)));
}

// promtool's own exit status and output; stderr carries the failures.
export function promtool(args: string[], cwd = REPO): { ok: boolean; output: string } {
  try {
    return { ok: true, output: execFileSync(PROMTOOL, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}
