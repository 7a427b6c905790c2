import { v5 as uuidv5 } from 'uuid';
import type { OrderPlacement } from '@app/contracts';
import { createHash } from 'node:crypto';

// Everything the seed makes is derived from fixed names and one fixed random stream, so a second run computes the
// same ids and rows and the database's uniqueness turns it into a no-op.
const SEED_NAMESPACE = '6f1c1d0e-4b7a-4c59-9a51-2f0e2a9c7d10';
export const seedId = (name: string): string => uuidv5(name, SEED_NAMESPACE);

export const SEED_PASSWORD = 'seed-password-1';
export const SEED_ACCOUNTS = [
  { role: 'admin', name: 'Ada Admin', email: 'admin@seed.example.test' },
  { role: 'user', name: 'Uma User', email: 'user@seed.example.test' },
  { role: 'readonly', name: 'Rita Readonly', email: 'readonly@seed.example.test' },
  { role: 'user', name: 'Otto Author', email: 'author@seed.example.test' },
] as const;

// mulberry32: a tiny deterministic PRNG (the same stream on every run).
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Share of a day's orders placed in each UTC hour: quiet nights, a late-morning rise and an evening peak.
const HOURLY_WEIGHTS = [1, 1, 1, 1, 1, 2, 3, 5, 7, 8, 9, 9, 10, 9, 8, 8, 8, 9, 10, 11, 9, 6, 3, 2];
// Monday..Sunday: weekdays busier than the weekend.
const WEEKDAY_FACTOR = [1.05, 1.1, 1.1, 1.05, 1.0, 0.7, 0.6];
const PRODUCTS = [
  { name: 'Basic plan', price: 19 },
  { name: 'Family plan', price: 49 },
  { name: 'Dental add-on', price: 12.5 },
  { name: 'Vision add-on', price: 9.9 },
  { name: 'Premium plan', price: 99 },
];

function pickHour(random: () => number): number {
  const total = HOURLY_WEIGHTS.reduce((sum, weight) => sum + weight, 0);
  let target = random() * total;
  for (let hour = 0; hour < 24; hour++) {
    target -= HOURLY_WEIGHTS[hour];
    if (target < 0) return hour;
  }
  return 23;
}

// About `days` days of orders ending yesterday (UTC), with a weekly shape, slow growth and some noise; the same list
// for the same `today` whatever the run.
export function seedOrders(buyers: string[], today: Date, days = 90): OrderPlacement[] {
  const random = seededRandom(20261206);
  const start = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()) - days * 86_400_000;
  const orders: OrderPlacement[] = [];
  for (let day = 0; day < days; day++) {
    const dayStart = start + day * 86_400_000;
    const weekday = (new Date(dayStart).getUTCDay() + 6) % 7;
    const count = Math.round((40 + day * 0.5) * WEEKDAY_FACTOR[weekday] * (0.85 + random() * 0.3));
    for (let n = 0; n < count; n++) {
      const product = PRODUCTS[Math.floor(random() * PRODUCTS.length)];
      const quantity = random() < 0.8 ? 1 : 2;
      const at = dayStart + pickHour(random) * 3_600_000 + Math.floor(random() * 3_600_000);
      const key = `order:${new Date(dayStart).toISOString().slice(0, 10)}:${n}`;
      const id = seedId(key);
      orders.push({
        id,
        user_id: buyers[Math.floor(random() * buyers.length)],
        product_name: product.name,
        amount: (product.price * quantity).toFixed(2),
        currency: 'USD',
        plan_id: null,
        idempotency_key: null,
        request_hash: createHash('sha256').update(key).digest('hex'),
        created_at: new Date(at).toISOString(),
      });
    }
  }
  return orders;
}

// A copy of the schema's example plan with every objectId made unique to `suffix`, so several can be stored.
export function planVariant(example: Record<string, unknown>, suffix: string): Record<string, unknown> {
  return JSON.parse(JSON.stringify(example), (key, value: unknown) => (key === 'objectId' && typeof value === 'string' ? `${value}-seed-${suffix}` : value)) as Record<
    string,
    unknown
  >;
}

export const SEED_CONTENT = [
  {
    author: 'author@seed.example.test',
    title: 'Choosing a plan for a family of four',
    content: 'Compare deductibles first, then the copays of the services you use most.',
  },
  { author: 'author@seed.example.test', title: 'What a deductible is', content: 'The amount you pay each year before the plan starts to share the cost.' },
  { author: 'admin@seed.example.test', title: 'Open enrolment starts next month', content: 'Review your plan and its linked services before the window closes.' },
  { author: 'user@seed.example.test', title: 'My experience with the dental add-on', content: 'Two cleanings a year were covered in full; fillings at 80 %.' },
];
