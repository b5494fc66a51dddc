#!/usr/bin/env node
/** Runs the end-to-end tests against dist/ (build it first: `npm run build`). */
import { existsSync } from 'node:fs';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { CHROMIUM_PATH } from './browser.mjs';

if (!existsSync('dist/index.html')) {
  console.error('dist/ is missing: run `npm run build` first.');
  process.exit(1);
}
if (!existsSync(CHROMIUM_PATH)) {
  console.error(`No Chromium at ${CHROMIUM_PATH}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH.`);
  process.exit(1);
}
const files = ['image.test.mjs', 'url.test.mjs', 'video.test.mjs', 'bad-input.test.mjs', 'offline.test.mjs', 'widget.test.mjs', 'webgpu.test.mjs', 'eval.test.mjs'].map((name) => new URL(name, import.meta.url).pathname);
const stream = run({ files, concurrency: 1, timeout: 180_000 });
stream.on('test:fail', () => (process.exitCode = 1));
stream.compose(spec).pipe(process.stdout);
