import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const PLAN_EXAMPLE = readFileSync(join(resolve(__dirname, '..', '..'), 'test', 'fixtures', 'plan-example.json'), 'utf8');

// The example plan with every objectId made unique by the suffix, so each POST creates new objects.
export function planDocument(suffix: string): string {
  return PLAN_EXAMPLE.replace(/"objectId":\s*"([^"]+)"/g, (_match, id: string) => `"objectId": "${id}-${suffix}"`);
}
