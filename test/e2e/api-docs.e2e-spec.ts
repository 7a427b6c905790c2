import type { Browser } from 'playwright-core';
import { launchBrowser, watchCspViolations } from '../support/browser';
import { Platform, startPlatform } from '../support/platform';

// The two API documentation pages, as a reader opens them: each renders the gateway's own /openapi.json in a real
// browser, under its own Content-Security-Policy, with nothing fetched from another origin.
describe('API documentation pages (e2e, Chromium)', () => {
  let platform: Platform;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    platform = await startPlatform(3500, ['core', 'gateway']);
    baseUrl = platform.api.baseUrl;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  async function open(path: string): Promise<{ violations: string[]; foreign: string[]; title: () => Promise<string> }> {
    const page = await browser.newPage();
    const violations = await watchCspViolations(page);
    const foreign: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (!['blob:', 'data:'].includes(url.protocol) && url.origin !== baseUrl) foreign.push(request.url());
    });
    const response = await page.goto(`${baseUrl}${path}`);
    expect(response?.status()).toBe(200);
    return { violations, foreign, title: () => page.locator('h1').first().innerText() };
  }

  it('should render ReDoc at /redoc from /openapi.json with no CSP violation and no other origin', async () => {
    const { violations, foreign, title } = await open('/redoc');
    await expect(title()).resolves.toMatch(/Plans platform API/);
    expect(violations).toEqual([]);
    expect(foreign).toEqual([]);
  });

  it('should give /redoc a CSP without inline scripts and serve the bundle compressed and cacheable', async () => {
    const page = await fetch(`${baseUrl}/redoc`);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(await page.text()).not.toMatch(/<script>(?!<)|<script(?![^>]*\bsrc=)[^>]*>/);

    const bundle = await fetch(`${baseUrl}/redoc/redoc.standalone.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-encoding')).toBe('gzip');
    expect(bundle.headers.get('cache-control')).toMatch(/max-age=\d+/);
    expect((await bundle.text()).length).toBeGreaterThan(100_000);
  });

  it('should render Swagger UI at /docs under its own CSP with no violation and no other origin', async () => {
    const { violations, foreign } = await open('/docs');
    const csp = (await fetch(`${baseUrl}/docs`)).headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    const page = await browser.newPage();
    await page.goto(`${baseUrl}/docs`);
    await expect(page.locator('.swagger-ui .title').first().innerText()).resolves.toMatch(/Plans platform API/);
    expect(violations).toEqual([]);
    expect(foreign).toEqual([]);
  });
});
