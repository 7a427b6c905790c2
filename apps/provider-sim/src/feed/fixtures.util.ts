import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FeedBody, feedBody } from './feed-body.util';

// Copied next to the compiled code by `npm run build`; see fixtures/README.md for what each one changes.
export const FIXTURES_DIR = join(__dirname, '..', 'fixtures');

// The *.xml files in natural name order (feed-2 before feed-10): the rotation order.
export function fixtureNames(dir = FIXTURES_DIR): string[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.xml'))
    .map((file) => file.slice(0, -'.xml'.length))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

export function loadFixtures(dir = FIXTURES_DIR): FeedBody[] {
  return fixtureNames(dir).map((name) => feedBody(name, readFileSync(join(dir, `${name}.xml`))));
}
