#!/usr/bin/env node
/**
 * npm run eval -- --real DIR --fake DIR [--threshold 0.5] [--out PREFIX]
 *
 * Accuracy of the shipped model through the real browser pipeline: the built
 * app in headless Chromium checks every image and video of the two folders
 * exactly as a user's check would (decode, detect, crop, classify, score).
 * Prints AUC, accuracy and false-positive/negative rates at the threshold;
 * writes per-file scores as CSV and the summary as JSON. Files the app cannot
 * check are listed, and counted as score 0 (what a user would be shown). It
 * also counts the files whose faces the app marked uncertain, by reason.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { openApp, waitUntilReady } from '../test/e2e/app.mjs';
import { toCsv } from './csv.mjs';
import { aucInterval, rateInterval, rocAuc } from './metrics.mjs';

const { values } = parseArgs({
  options: {
    real: { type: 'string' },
    fake: { type: 'string' },
    threshold: { type: 'string', default: '0.5' },
    out: { type: 'string' },
    limit: { type: 'string' },
  },
});
if (!values.real || !values.fake) {
  console.error('usage: npm run eval -- --real DIR --fake DIR [--threshold 0.5] [--out PREFIX] [--limit N per folder]');
  process.exit(2);
}
const threshold = Number(values.threshold);
const VIDEO = /\.(mp4|m4v|mov|webm|mkv)$/i;
const MEDIA = /\.(jpe?g|png|webp|bmp|gif|mp4|m4v|mov|webm|mkv)$/i;

function mediaFiles(dir, label) {
  return readdirSync(dir)
    .filter((name) => MEDIA.test(name) && statSync(join(dir, name)).isFile())
    .sort()
    .slice(0, values.limit ? Number(values.limit) : undefined)
    .map((name) => ({ path: join(dir, name), name, label }));
}
const files = [...mediaFiles(values.real, 0), ...mediaFiles(values.fake, 1)];
if (files.length === 0) {
  console.error('No images or videos found in those folders.');
  process.exit(2);
}

// No service worker: it would fetch /__eval/ itself, past the route that serves the files.
const app = await openApp({ serviceWorkers: 'block' });
// The files are served to the page from its own origin, so checks see them as a user's upload.
await app.page.route(`${app.origin}/__eval/*`, (route) => {
  const index = Number(new URL(route.request().url()).pathname.split('/').pop());
  route.fulfill({ status: 200, body: readFileSync(files[index].path), contentType: 'application/octet-stream' });
});
await waitUntilReady(app.page);

const rows = [];
const started = Date.now();
for (const [index, file] of files.entries()) {
  const response = await app.page.evaluate(
    async ({ index, name, video }) => {
      const blob = await (await fetch(`/__eval/${index}`)).blob();
      const media = new File([blob], name);
      return video ? window.deepfakeDetector.checkVideo({ media }) : window.deepfakeDetector.check({ media });
    },
    { index, name: file.name, video: VIDEO.test(file.name) },
  );
  const ok = response.status === 'success';
  const score = !ok ? 0 : 'summary' in response ? response.summary.deepfake : response.type.deepfake;
  // The faces of each frame (an image is one frame): a file counts the most faces any frame had.
  const framesFaces = !ok ? [] : 'summary' in response ? response.data.frames.map((f) => f.faces) : [response.faces];
  const faces = Math.max(0, ...framesFaces.map((frameFaces) => frameFaces.length));
  const uncertain = [...new Set(framesFaces.flat().flatMap((face) => face.uncertain ?? []))].sort();
  rows.push({ file: file.path, label: file.label, score, faces, uncertain, status: response.status, error: ok ? '' : `${response.error.code} ${response.error.message}` });
  if ((index + 1) % 50 === 0 || index + 1 === files.length) {
    process.stderr.write(`\r${index + 1}/${files.length} files, ${((index + 1) / ((Date.now() - started) / 1000)).toFixed(1)}/s`);
  }
}
process.stderr.write('\n');
await app.close();

const positives = rows.filter((row) => row.label === 1);
const negatives = rows.filter((row) => row.label === 0);
const flagged = (row) => row.score >= threshold;
const summary = {
  model: await modelVersion(),
  real: values.real,
  fake: values.fake,
  threshold,
  count: { real: negatives.length, fake: positives.length },
  auc: rocAuc(rows.map((row) => row.label), rows.map((row) => row.score)),
  // 95% intervals: they count these files' sampling noise, as the model card's do.
  auc95: aucInterval(rows.map((row) => row.label), rows.map((row) => row.score)),
  accuracy: rows.filter((row) => flagged(row) === (row.label === 1)).length / rows.length,
  falsePositiveRate: negatives.filter(flagged).length / Math.max(1, negatives.length),
  falsePositiveRate95: rateInterval(negatives.filter(flagged).length, negatives.length),
  falseNegativeRate: positives.filter((row) => !flagged(row)).length / Math.max(1, positives.length),
  falseNegativeRate95: rateInterval(positives.filter((row) => !flagged(row)).length, positives.length),
  noFace: { real: negatives.filter((row) => row.faces === 0).length, fake: positives.filter((row) => row.faces === 0).length },
  // Files with a face marked uncertain for each reason (src/crop/quality.ts).
  uncertain: { real: reasonCounts(negatives), fake: reasonCounts(positives) },
  failures: rows.filter((row) => row.status !== 'success').map((row) => `${row.file}: ${row.error}`),
};

function reasonCounts(group) {
  const counts = {};
  for (const reason of group.flatMap((row) => row.uncertain)) counts[reason] = (counts[reason] ?? 0) + 1;
  return counts;
}

async function modelVersion() {
  return JSON.parse(readFileSync('models/deepfake.json', 'utf8')).version;
}

const prefix = values.out ?? `bench/results/eval-${basename(values.fake)}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
mkdirSync(prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '.', { recursive: true });
writeFileSync(`${prefix}.csv`, toCsv(['file', 'label', 'score', 'faces', 'uncertain', 'status', 'error'],
  rows.map((r) => [r.file, r.label ? 'fake' : 'real', r.score, r.faces, r.uncertain.join('+'), r.status, r.error])));
writeFileSync(`${prefix}.json`, JSON.stringify(summary, null, 2) + '\n');
const pct = (value) => `${(100 * value).toFixed(1)}%`;
console.log(`${summary.count.real} real, ${summary.count.fake} fake (model ${summary.model})`);
const interval = ([low, high], show) => `(95% interval ${show(low)}–${show(high)})`;
const auc = (value) => value.toFixed(3);
console.log(`AUC ${auc(summary.auc)} ${interval(summary.auc95, auc)}; at ${threshold}: accuracy ${pct(summary.accuracy)}, ` +
  `false positives ${pct(summary.falsePositiveRate)} ${interval(summary.falsePositiveRate95, pct)}, ` +
  `false negatives ${pct(summary.falseNegativeRate)} ${interval(summary.falseNegativeRate95, pct)}`);
console.log(`no face found: ${summary.noFace.real} real, ${summary.noFace.fake} fake (scored 0); failures: ${summary.failures.length}`);
const reasons = (counts) => Object.entries(counts).map(([reason, count]) => `${reason} ${count}`).join(', ') || 'none';
console.log(`files with a face marked uncertain: real ${reasons(summary.uncertain.real)}; fake ${reasons(summary.uncertain.fake)}`);
console.log(`per-file scores: ${prefix}.csv`);
