import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';

// Builds provider feeds (planList > output > base_plan > plan > zone, values in attributes) for tests.
export type Attributes = Record<string, string | undefined>;

// The contract's provider-feed-sample.xml, vendored unchanged as the simulator's first fixture (a clean clone has
// no ../shared).
export const SAMPLE_FEED_PATH = join(__dirname, '../../apps/provider-sim/src/fixtures/feed-1.xml');
export const sampleFeed = (): string => readFileSync(SAMPLE_FEED_PATH, 'utf8');

const escape = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
const attributes = (values: Attributes) =>
  Object.entries(values)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => ` ${name}="${escape(value)}"`)
    .join('');

export const zoneXml = (overrides: Attributes = {}) =>
  `<zone${attributes({ zone_id: '1', capacity: '10', price: '20.00', name: 'Platea', numbered: 'true', ...overrides })}/>`;

export const planXml = (overrides: Attributes = {}, zones: string[] = [zoneXml()]) =>
  `<plan${attributes({
    plan_start_date: '2021-06-30T21:00:00',
    plan_end_date: '2021-06-30T22:00:00',
    plan_id: '1',
    sell_from: '2020-07-01T00:00:00',
    sell_to: '2021-06-30T20:00:00',
    sold_out: 'false',
    ...overrides,
  })}>${zones.join('')}</plan>`;

export const basePlanXml = (overrides: Attributes = {}, plans: string[] = [planXml()]) =>
  `<base_plan${attributes({ base_plan_id: '1', sell_mode: 'online', title: 'Concierto', ...overrides })}>${plans.join('')}</base_plan>`;

export const feedXml = (basePlans: string[]) => `<?xml version="1.0" encoding="UTF-8"?>\n<planList version="1.0"><output>${basePlans.join('\n')}</output></planList>`;

// The bytes of a text as a stream of chunks of `size` bytes (to cut through tags and multibyte characters).
export const chunked = (text: string, size: number): Readable => {
  const bytes = Buffer.from(text, 'utf8');
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return Readable.from(chunks);
};

export interface GeneratedFeed {
  body: Readable;
  produced: () => number; // plans the stream has produced so far
}

// A feed of `count` plans generated on demand (one chunk per plan), never held whole: `produced` tells how far
// a consumer has pulled. Plan i is base plan `g<i / 3>` (three plans each), plan id `p<i>`; `variant` changes
// every plan's content (capacity) and `online(basePlanIndex)` the sell mode.
export function generatedFeed(count: number, variant = 0, online: (i: number) => boolean = () => true): GeneratedFeed {
  let produced = 0;
  function* chunks() {
    yield '<?xml version="1.0" encoding="UTF-8"?>\n<planList version="1.0"><output>';
    for (let i = 0; i < count; i += 3) {
      const plans: string[] = [];
      for (let j = i; j < Math.min(i + 3, count); j++) {
        const day = String((j % 28) + 1).padStart(2, '0');
        plans.push(
          planXml({ plan_id: `p${j}`, plan_start_date: `2031-05-${day}T20:00:00`, plan_end_date: `2031-05-${day}T22:30:00` }, [
            zoneXml({ zone_id: 'z1', price: `${(j % 90) + 10}.50`, capacity: String(100 + variant) }),
            zoneXml({ zone_id: 'z1', price: '5.00', name: 'Grada', numbered: 'false' }),
          ]),
        );
        produced += 1;
      }
      yield basePlanXml({ base_plan_id: `g${i / 3}`, sell_mode: online(i / 3) ? 'online' : 'offline', title: `Generated ${i / 3}` }, plans);
    }
    yield '</output></planList>';
  }
  return { body: Readable.from(chunks(), { objectMode: false, highWaterMark: 1024 }), produced: () => produced };
}
