import AxeBuilder from '@axe-core/playwright';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expectErrorEnvelope, loginAdmin, signupAndLogin, TestUser } from '../support/api-client';
import { launchBrowser, watchCspViolations } from '../support/browser';
import { eventually } from '../support/eventually';
import { Platform, startPlatform } from '../support/platform';
import { EventTap } from '../support/rmq-probe';
import { TEST_ENV } from '../support/test-env';

// Screenshots go to docs/ (the README shows them) when UPDATE_SCREENSHOTS is set, else to a temp folder.
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS ? join(__dirname, '..', '..', 'docs') : tmpdir();

// The operator console as an admin uses it, in Chromium: served by the gateway under its own CSP, signed in with
// tokens kept in memory, each view driving the real admin API.
describe('operator console at /admin (e2e, Chromium)', () => {
  let platform: Platform;
  let browser: Browser;
  let baseUrl: string;
  let admin: { accessToken: string };

  beforeAll(async () => {
    platform = await startPlatform(3540, ['core', 'gateway', 'indexer', 'scheduler', 'provider-sim'], {
      gateway: { RABBITMQ_MANAGEMENT_URL: process.env.TEST_RABBITMQ_MANAGEMENT_URL ?? 'http://guest:guest@127.0.0.1:15672' },
    });
    baseUrl = platform.api.baseUrl;
    admin = await loginAdmin(platform.api);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  async function signedIn(width = 1280): Promise<{ context: BrowserContext; page: Page; violations: string[]; tokenBodies: string[] }> {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    const violations = await watchCspViolations(page);
    const tokenBodies: string[] = [];
    page.on('response', (response) => {
      if (response.url().endsWith('/api/v1/auth/token')) void response.text().then((body) => tokenBodies.push(body));
    });
    await page.goto(`${baseUrl}/admin`);
    await page.getByLabel('Email').fill(TEST_ENV.ADMIN_EMAIL);
    await page.getByLabel('Password').fill(TEST_ENV.ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Views' }).waitFor();
    return { context, page, violations, tokenBodies };
  }

  // The views' own links (the Overview's tiles link to the same views).
  const viewLink = (page: Page, name: string) => page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name, exact: true });

  async function expectNoAxeViolations(page: Page): Promise<void> {
    const results = await new AxeBuilder({ page }).analyze();
    expect(results.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)).toEqual([]);
  }

  describe('serving', () => {
    it('should serve the page with a strict CSP, no-cache, and explicit client-side paths only', async () => {
      for (const path of ['/admin', '/admin/sales', '/admin/users']) {
        const response = await fetch(`${baseUrl}${path}`);
        expect(response.status).toBe(200);
        expect(response.headers.get('cache-control')).toBe('no-cache');
        const csp = response.headers.get('content-security-policy') ?? '';
        expect(csp).toContain("default-src 'none'");
        expect(csp).not.toContain('unsafe-inline');
        expect(await response.text()).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>|<style/);
      }
      expectErrorEnvelope(await platform.api.get('/admin/no-such-view'), 404, 'ROUTE_NOT_FOUND');
    });

    it('should cache hashed assets for a year and keep the first load under 100 KB of gzipped JavaScript', async () => {
      const html = await (await fetch(`${baseUrl}/admin`)).text();
      const scripts = [...html.matchAll(/src="(\/admin\/assets\/[^"]+\.js)"/g)].map((match) => match[1]);
      expect(scripts.length).toBeGreaterThan(0);
      let gzipped = 0;
      for (const script of scripts) {
        const response = await fetch(`${baseUrl}${script}`);
        expect(response.status).toBe(200);
        expect(response.headers.get('cache-control')).toMatch(/max-age=31536000.*immutable|immutable.*max-age=31536000/);
        gzipped += gzipSync(Buffer.from(await response.arrayBuffer())).length;
      }
      expect(gzipped).toBeLessThan(100 * 1024);
    });

    it('should leave /docs without the console CSP', async () => {
      const response = await fetch(`${baseUrl}/docs`);
      expect(response.headers.get('content-security-policy') ?? '').not.toBe((await fetch(`${baseUrl}/admin`)).headers.get('content-security-policy'));
    });
  });

  describe('sign-in', () => {
    it('should tell a non-admin they are not allowed and show nothing else', async () => {
      const user: TestUser = await signupAndLogin(platform.api);
      const page = await browser.newPage();
      await page.goto(`${baseUrl}/admin`);
      await page.getByLabel('Email').fill(user.email);
      await page.getByLabel('Password').fill(user.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect(page.getByRole('alert').innerText()).resolves.toContain('not an admin');
      expect(await page.getByRole('navigation', { name: 'Views' }).count()).toBe(0);
      await page.close();
    });

    it('should keep tokens out of the URL and of every store a script can read, and revoke the refresh token on Sign out', async () => {
      const { context, page, violations, tokenBodies } = await signedIn();
      const stored = await page.evaluate<string>('JSON.stringify([{ ...localStorage }, { ...sessionStorage }, document.cookie])');
      expect(stored).toBe('[{},{},""]');
      expect(page.url()).not.toMatch(/token/i);
      await eventually(() => expect(tokenBodies).toHaveLength(1));
      const { refresh_token: refreshToken } = JSON.parse(tokenBodies[0]) as { refresh_token: string };

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      await eventually(async () => expect((await platform.api.post('/api/v1/auth/refresh', { refresh_token: refreshToken })).status).toBe(401));
      expect(violations).toEqual([]);
      await context.close();
    });

    it('should show the envelope message and request id of a failed sign-in', async () => {
      const page = await browser.newPage();
      await page.goto(`${baseUrl}/admin`);
      await page.getByLabel('Email').fill(TEST_ENV.ADMIN_EMAIL);
      await page.getByLabel('Password').fill('not-the-password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expect(page.getByRole('alert').innerText()).resolves.toMatch(/INVALID_CREDENTIALS.*request id [0-9a-f-]{36}/s);
      await page.close();
    });
  });

  describe('views', () => {
    it('should open on the Overview with every app up, at 1280 and 390 px, with no axe violation', async () => {
      for (const width of [1280, 390]) {
        const { context, page, violations } = await signedIn(width);
        await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
        await page.getByText(/^Updated /).waitFor();
        const apps = page.getByRole('region', { name: 'Apps' });
        await eventually(
          async () => {
            const text = await apps.innerText();
            for (const app of ['gateway', 'core', 'indexer', 'scheduler']) expect(text).toContain(`${app}: up`);
          },
          30_000,
          500,
        );
        // Each queue's row: ready, unacked (from the management API) and consumers, all known.
        const queues = page.getByRole('region', { name: 'Queues' });
        await expect(queues.getByRole('columnheader').allInnerTexts()).resolves.toEqual(['Queue', 'Ready', 'Unacked', 'Consumers']);
        await eventually(
          async () => {
            const rows = await queues.getByRole('row').allInnerTexts();
            expect(rows.slice(1).map((row) => row.split('\t')[0])).toEqual(['core.orders', 'core.rpc', 'indexer.events', 'scheduler.rpc', 'platform.dead-letters']);
            for (const row of rows.slice(1)) expect(row).toMatch(/^\S+\t\d+\t\d+\t\d+$/);
            await expect(queues.innerText()).resolves.toContain('Unacked as the broker last sampled it');
          },
          15_000,
          500,
        );
        // The table fits its tile at both widths: no column cut off under the next tile.
        const overflowPx = await queues.evaluate((tile) => tile.querySelector('table')!.getBoundingClientRect().right - tile.getBoundingClientRect().right);
        expect(overflowPx).toBeLessThanOrEqual(0);
        await expectNoAxeViolations(page);
        await page.screenshot({ path: join(SCREENSHOTS, `console-overview-${width}.png`), fullPage: true });
        expect(violations).toEqual([]);
        await context.close();
      }
    });
    it("should show today's sales after Refresh view, at 1280 and 390 px, with no axe violation", async () => {
      const buyer = await signupAndLogin(platform.api);
      for (let n = 0; n < 3; n++) {
        expect((await platform.api.post('/api/v1/orders', { product_name: `console order ${n}`, amount: 10 }, { token: buyer.accessToken })).status).toBe(202);
      }
      const today = new Date().toISOString().slice(0, 10);
      for (const width of [1280, 390]) {
        const { context, page, violations } = await signedIn(width);
        await viewLink(page, 'Sales').click();
        await eventually(
          async () => {
            await page.getByRole('button', { name: 'Refresh view' }).click();
            await expect(page.getByText(/View refreshed at .* in \d+ ms/).count()).resolves.toBe(1);
            const row = page.getByRole('row').filter({ hasText: today });
            await expect(row.count()).resolves.toBe(1);
            await expect(row.innerText()).resolves.toMatch(/\t\d+\.\d{2}\t[1-9]\d*$/);
          },
          30_000,
          500,
        );
        await expectNoAxeViolations(page);
        await page.screenshot({ path: join(SCREENSHOTS, `console-sales-${width}.png`), fullPage: true });
        expect(violations).toEqual([]);
        await context.close();
      }
    });

    it('should start a sync with Sync now and show its run', async () => {
      const { context, page } = await signedIn();
      await viewLink(page, 'Provider').click();
      await page.getByRole('button', { name: 'Sync now' }).click();
      const status = page.getByText(/^Sync run [0-9a-f-]{36}/);
      await status.waitFor();
      const runId = /Sync run ([0-9a-f-]{36})/.exec(await status.innerText())![1];
      await eventually(
        async () => {
          await page.getByRole('button', { name: 'Reload' }).click();
          await expect(page.getByRole('row').filter({ hasText: runId }).count()).resolves.toBe(1);
        },
        30_000,
        500,
      );
      await expectNoAxeViolations(page);
      await context.close();
    });

    it("should change a user's role behind a confirmation", async () => {
      const target = await signupAndLogin(platform.api);
      const { context, page } = await signedIn();
      await viewLink(page, 'Users').click();
      const row = page.getByRole('row').filter({ hasText: target.email });
      await row.getByLabel(`Role for ${target.email}`).selectOption('readonly');
      await row.getByRole('button', { name: 'Change role' }).click();
      await row.getByRole('button', { name: 'Confirm' }).click();
      await eventually(async () => expect((await platform.api.get(`/api/v1/users/${target.id}`, { token: admin.accessToken })).body.role).toBe('readonly'));
      await expectNoAxeViolations(page);
      await context.close();
    });

    it('should find a poisoned message with a filter, dry-run and replay it, and show the replay in the audit view', async () => {
      const marker = `console-${randomUUID()}`;
      // The tap stays open until the letter is stored: closing it at once could drop the unconfirmed publish.
      const tap = await new EventTap().open('plan.*');
      const pending = async () => (await platform.api.get(`/api/v1/admin/dead-letters?text=${marker}`, { token: admin.accessToken })).body.data as Array<{ id: string }>;
      let poisoned: { id: string };
      try {
        await tap.publishRaw('plan.created', { pattern: 'plan.created', data: { event_type: 'plan.created', event_id: 'not-a-uuid', data: marker } }, randomUUID());
        [poisoned] = await eventually(async () => {
          const letters = await pending();
          expect(letters).toHaveLength(1);
          return letters;
        }, 20_000);
      } finally {
        await tap.close();
      }

      const { context, page } = await signedIn();
      await viewLink(page, 'Dead letters').click();
      await page.getByLabel('Error text').fill(marker);
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await page.getByText('Pending dead letters, newest first (1)').waitFor();
      await page.getByRole('button', { name: 'Replay all matching', exact: true }).click();
      await page.getByRole('button', { name: 'Replay all matching (1)' }).click();
      await page.getByRole('button', { name: 'Confirm' }).click();
      await page.getByText('Replayed 1 letter(s).').waitFor();
      // The replayed letter is no longer pending (the indexer refuses it again, so a new one may arrive).
      await eventually(async () => expect((await pending()).map((letter) => letter.id)).not.toContain(poisoned.id));

      await viewLink(page, 'Audit').click();
      await page.getByLabel('Action').fill('dead_letters.replayed');
      await page.getByRole('button', { name: 'Apply filters' }).click();
      const row = page.getByRole('row').filter({ hasText: poisoned.id });
      await eventually(async () => expect(row.count()).resolves.toBe(1));
      await expect(row.innerText()).resolves.toMatch(/admin .*\tdead_letters\.replayed\tsuccess\t.*\t1\t[0-9a-f-]{36}\t/);
      await expectNoAxeViolations(page);
      await context.close();
    });

    it('should reindex plans from the Search view and show its progress until it succeeds', async () => {
      const { context, page } = await signedIn();
      await viewLink(page, 'Search').click();
      await page.getByRole('button', { name: 'Reindex plans' }).click();
      await page.getByRole('button', { name: 'Confirm' }).click();
      const run = page.getByText(/^Run [0-9a-f-]{36}:/);
      await run.waitFor();
      await eventually(async () => expect(run.innerText()).resolves.toMatch(/: succeeded$/), 30_000, 250);
      await expect(page.getByText(/^plans: \d+ of \d+ \(succeeded\)/).count()).resolves.toBe(1);
      const runId = /Run ([0-9a-f-]{36})/.exec(await run.innerText())![1];
      expect((await platform.api.get(`/api/v1/admin/reindex/${runId}`, { token: admin.accessToken })).body.status).toBe('succeeded');
      await expectNoAxeViolations(page);
      await context.close();
    });

    it('should pass axe on every other view', async () => {
      const { context, page } = await signedIn();
      for (const view of ['Overview', 'Dead letters', 'Search', 'Audit']) {
        await viewLink(page, view).click();
        await page.getByRole('heading', { level: 1 }).waitFor();
        await expectNoAxeViolations(page);
      }
      await context.close();
    });
  });
});
