#!/usr/bin/env node
/**
 * Runs the app's own face detector (MediaPipe in headless Chromium, served by
 * Vite) over a folder of images and writes one JSON line per image:
 *   {"file": "...", "width": W, "height": H, "faces": [{x, y, width, height, score, keypoints}]}
 * Training and evaluation crops are cut from these boxes, so they are the
 * boxes users' checks get.
 *
 *   node training/harvest/harvest.mjs --dir ../shared/data/faces-utk --out ~/.cache/deepfake-check/utk.jsonl
 */
import { createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import { launchBrowser } from '../../test/e2e/browser.mjs';

const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    out: { type: 'string' },
    limit: { type: 'string' },
    batch: { type: 'string', default: '32' },
  },
});
if (!values.dir || !values.out) {
  console.error('usage: harvest.mjs --dir IMAGES --out FILE.jsonl [--limit N]');
  process.exit(2);
}
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const files = readdirSync(values.dir)
  .filter((name) => /\.(jpe?g|png|webp|bmp)$/i.test(name))
  .sort()
  .slice(0, values.limit ? Number(values.limit) : undefined);
mkdirSync(dirname(resolve(values.out)), { recursive: true });

const server = await createServer({ root, logLevel: 'warn', server: { port: 0 } });
await server.listen();
const browser = await launchBrowser();
try {
  const page = await browser.context.newPage();
  page.on('pageerror', (error) => console.error('page error:', error.message));
  await page.goto(new URL('/training/harvest/index.html', server.resolvedUrls.local[0]).href);
  await page.waitForFunction(() => window.harvestReady === true, null, { timeout: 120_000 });

  const out = createWriteStream(values.out);
  const batch = Number(values.batch);
  const started = Date.now();
  for (let i = 0; i < files.length; i += batch) {
    const names = files.slice(i, i + batch);
    const images = names.map((name) => readFileSync(join(values.dir, name)).toString('base64'));
    const results = await page.evaluate((list) => window.harvest(list), images);
    results.forEach((result, k) => out.write(JSON.stringify({ file: names[k], ...result }) + '\n'));
    if ((i / batch) % 20 === 0 || i + batch >= files.length) {
      const done = Math.min(i + batch, files.length);
      const rate = done / ((Date.now() - started) / 1000);
      process.stderr.write(`\r${done}/${files.length} images, ${rate.toFixed(0)}/s`);
    }
  }
  await new Promise((done) => out.end(done));
  process.stderr.write('\n');
} finally {
  await browser.close();
  await server.close();
}
if (!existsSync(values.out)) process.exit(1);
