import { Browser, chromium, Page } from 'playwright-core';

// Debian's Chromium (`apt-get install -y chromium`; .ci/run installs it when missing), driven by playwright-core.
// The flags keep it off the network: this machine reaches nothing but loopback.
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: FLAGS });
}

// Every Content-Security-Policy violation a page reports, as "directive blocked-uri" strings: a page that needs
// something its CSP refuses shows up here instead of failing silently.
export async function watchCspViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  await page.exposeFunction('__reportCspViolation', (violation: string) => violations.push(violation));
  // Runs in the page (a string: this project's TypeScript has no DOM types).
  await page.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (event) => {
      window.__reportCspViolation(event.violatedDirective + ' ' + event.blockedURI);
    });`,
  });
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  return violations;
}
