#!/usr/bin/env node
/**
 * npm run bench: times the built app in headless Chromium (WASM backend,
 * as on a machine without a GPU).
 *  - cold start: page load until the detector is ready, and the first check;
 *  - warm checks: median and p90 per stage over --runs checks of each image.
 * Writes bench/results/<date>.json and .md with the machine's details.
 *
 *   npm run bench                         # WASM, 1 thread
 *   npm run bench -- --threads 2 --runs 40
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { checkFile, openApp } from '../test/e2e/app.mjs';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '25' }, threads: { type: 'string', default: '1' } } });
const runs = Number(values.runs);
const images = [
  { name: 'astronaut.jpg (512x512, 1 face)', file: 'test/fixtures/astronaut.jpg' },
  { name: 'no-face.png (480x320, no face)', file: 'test/fixtures/no-face.png' },
];

const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};

const navigationStarted = performance.now();
const app = await openApp({ path: `/?threads=${Number(values.threads)}` });
await app.page.waitForFunction(() => window.deepfakeDetector !== undefined, null, { timeout: 120_000 });
const readyMs = performance.now() - navigationStarted;
const first = await checkFile(app.page, readFileSync(images[0].file), 'astronaut.jpg');
const firstCheckMs = performance.now() - navigationStarted;
const environment = await app.page.evaluate(() => ({
  userAgent: navigator.userAgent,
  crossOriginIsolated,
  hardwareConcurrency: navigator.hardwareConcurrency,
  backend: window.deepfakeDetector.model.backend,
  threads: window.deepfakeDetector.threads,
  model: window.deepfakeDetector.model.version,
}));

const results = [];
for (const image of images) {
  const bytes = readFileSync(image.file);
  const timings = [];
  for (let i = 0; i < runs; i++) {
    const response = await checkFile(app.page, bytes, image.file);
    if (response.status !== 'success') throw new Error(`${image.file}: ${JSON.stringify(response.error)}`);
    timings.push(response.timings);
  }
  const stages = Object.fromEntries(
    ['decode', 'detect', 'crop', 'classify', 'total'].map((stage) => {
      const list = timings.map((t) => t[stage]);
      return [stage, { median: quantile(list, 0.5), p90: quantile(list, 0.9) }];
    }),
  );
  results.push({ image: image.name, runs, stages });
}
await app.close();

const report = {
  date: new Date().toISOString(),
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), platform: `${os.platform()} ${os.release()}` },
  browser: environment,
  coldStart: { readyMs, firstCheckMs, firstCheckStatus: first.status },
  warm: results,
};
mkdirSync('bench/results', { recursive: true });
const stamp = report.date.replace(/[:.]/g, '-');
writeFileSync(`bench/results/${stamp}.json`, JSON.stringify(report, null, 2) + '\n');
const ms = (value) => value.toFixed(1);
const lines = [
  `# Benchmark ${report.date}`,
  '',
  `Machine: ${report.machine.cpus} × ${report.machine.cpuModel}, ${report.machine.memoryGiB} GiB, ${report.machine.platform}.`,
  `Browser: ${environment.userAgent}; backend ${environment.backend} with ${environment.threads} thread(s); crossOriginIsolated ${environment.crossOriginIsolated}; model ${environment.model}.`,
  '',
  `Cold start: detector ready ${ms(readyMs)} ms after navigation; first check answered at ${ms(firstCheckMs)} ms.`,
  '',
  '| image | runs | decode | detect | crop | classify | total (median) | total (p90) |',
  '|---|---|---|---|---|---|---|---|',
  ...results.map((r) => `| ${r.image} | ${r.runs} | ${ms(r.stages.decode.median)} | ${ms(r.stages.detect.median)} | ${ms(r.stages.crop.median)} | ${ms(r.stages.classify.median)} | ${ms(r.stages.total.median)} | ${ms(r.stages.total.p90)} |`),
  '',
  'Stage columns are medians in milliseconds, measured inside the page (performance.now()).',
];
writeFileSync(`bench/results/${stamp}.md`, lines.join('\n') + '\n');
console.log(lines.join('\n'));
