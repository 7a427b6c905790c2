import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { DomainError, runApp } from '@app/common';
import { Actor } from '@app/contracts';
import { UsersRepository } from '@app/persistence';
import { loadCoreConfig } from '../apps/core/src/config/core.config';
import { CreateContentUseCase } from '../apps/core/src/content/create-content.use-case';
import { CoreModule } from '../apps/core/src/core.module';
import { StoreOrdersUseCase } from '../apps/core/src/orders/store-orders.use-case';
import { CreatePlanUseCase } from '../apps/core/src/plans/create-plan.use-case';
import { SalesViewRefresher } from '../apps/core/src/sales/sales-view-refresher';
import { CreateUserUseCase } from '../apps/core/src/users/create-user.use-case';
import { planVariant, SEED_ACCOUNTS, SEED_CONTENT, SEED_PASSWORD, seedOrders } from './seed/seed-data.util';

const PLAN_COUNT = 3;
const ORDER_BATCH = 500;

// `npm run seed`: sample data for a development database, written through core's own use cases (the same
// transactions, outbox events and caches as the API), by a short-lived core instance. Idempotent: accounts are
// found by email, plans and orders have fixed ids, an author's content is written once.
runApp('seed', async () => {
  const config = loadCoreConfig();
  if (config.NODE_ENV === 'production') throw new Error('npm run seed refuses to run with NODE_ENV=production: it is for development databases only');

  const app = await NestFactory.createApplicationContext(CoreModule.forRoot(config), { logger: ['error', 'warn'] });
  try {
    const counts = await seed(app);
    process.stdout.write(`${JSON.stringify(counts)}\n`);
    process.stdout.write(`Accounts (password for each: ${SEED_PASSWORD}):\n`);
    for (const account of SEED_ACCOUNTS) process.stdout.write(`  ${account.role.padEnd(8)} ${account.email}\n`);
  } finally {
    await app.close();
  }
});

async function seed(app: INestApplicationContext): Promise<Record<string, number>> {
  const users = app.get(UsersRepository, { strict: false });
  const actors = new Map<string, Actor>();
  let usersCreated = 0;
  for (const account of SEED_ACCOUNTS) {
    let found = await users.findLiveByEmail(account.email);
    if (!found) {
      const view = await app.get(CreateUserUseCase, { strict: false }).execute({ name: account.name, email: account.email, password: SEED_PASSWORD }, account.role);
      usersCreated++;
      found = await users.findLiveByEmail(view.email);
    }
    actors.set(account.email, { id: found!.id, role: found!.role });
  }
  const admin = actors.get('admin@seed.example.test')!;

  const example = JSON.parse(readFileSync(join(__dirname, '..', '..', 'test', 'fixtures', 'plan-example.json'), 'utf8')) as Record<string, unknown>;
  let plansCreated = 0;
  for (let n = 1; n <= PLAN_COUNT; n++) {
    try {
      await app.get(CreatePlanUseCase, { strict: false }).execute(admin, planVariant(example, String(n)));
      plansCreated++;
    } catch (error) {
      if (!(error instanceof DomainError && error.code === 'PLAN_EXISTS')) throw error;
    }
  }

  const dataSource = app.get(DataSource, { strict: false });
  let contentCreated = 0;
  for (const item of SEED_CONTENT) {
    const author = actors.get(item.author)!;
    const [{ exists }] = await dataSource.query<Array<{ exists: boolean }>>(`SELECT EXISTS (SELECT 1 FROM content_items WHERE author_id = $1 AND title = $2) AS exists`, [
      author.id,
      item.title,
    ]);
    if (exists) continue;
    await app.get(CreateContentUseCase, { strict: false }).execute(author, { title: item.title, content: item.content });
    contentCreated++;
  }

  const buyers = SEED_ACCOUNTS.filter((account) => account.role === 'user').map((account) => actors.get(account.email)!.id);
  const orders = seedOrders(buyers, new Date());
  const store = app.get(StoreOrdersUseCase, { strict: false });
  let ordersCreated = 0;
  for (let start = 0; start < orders.length; start += ORDER_BATCH) ordersCreated += (await store.execute(orders.slice(start, start + ORDER_BATCH))).inserted;

  // The dashboard reads the view: refresh it when this run added orders, so they show at once.
  let viewRefreshed = 0;
  if (ordersCreated > 0) {
    await app.get(SalesViewRefresher, { strict: false }).refreshNow();
    viewRefreshed = 1;
  }
  return { usersCreated, plansCreated, contentCreated, ordersCreated, ordersInSeed: orders.length, viewRefreshed };
}
