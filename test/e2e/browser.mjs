/**
 * Launches Debian's Chromium through playwright-core with the flags our
 * DEVELOPERS.md prescribes (no downloads, no background traffic) and a fresh
 * profile that is removed on close.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * `serviceWorkers: 'block'` keeps the app's service worker out (it would answer requests that Playwright's routes should);
 * `extraArgs` go after CHROMIUM_ARGS.
 */
export async function launchBrowser({ serviceWorkers = 'allow', extraArgs = [] } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'deepfake-check-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    serviceWorkers,
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
