#!/usr/bin/env node
/**
 * npm run bench: times the built app in headless Chromium (no GPU, so WASM).
 * For each runtime setting (1 WASM thread, 2 threads):
 *  - cold start: page load until the detector is ready, and the first check, made at once and (in a
 *    fresh page) 2 s after ready, as a person choosing a file would; the same load on a returning visit
 *    (service worker installed) and on a first visit in a browser already running;
 *  - warm checks: median and p90 per stage over --runs checks of each image
 *    (0.26 to 24 megapixels; one face, four faces, none; a 4:1 panorama);
 *  - memory: the page's JS heap and the renderer processes' private and resident memory, peak, between checks
 *    and (sampled) within one;
 *  - video: analysed frames per second on a 1080p H.264 clip made with ffmpeg,
 *    read by each decoder (WebCodecs, and the browser's player seeking);
 *  - sustained use: --sustained consecutive checks in one page (first setting
 *    only), JS heap after a forced garbage collection before and after.
 * Writes bench/results/<date>.json and .md with the machine's details.
 *
 *   npm run bench                              # both settings, 20 runs each
 *   npm run bench -- --runs 40 --threads 1     # one setting
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { checkFile, checkVideoFile, openApp, readiness, serveApp } from '../test/e2e/app.mjs';
import { buildCommit } from './build-commit.mjs';
import { interfaceRendererPrivate, maxMemory, rendererMemory } from './renderer-memory.mjs';
import { GENERATED_IMAGES, testImage, videoClip } from './test-media.mjs';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '20' }, threads: { type: 'string', multiple: true }, sustained: { type: 'string', default: '500' } },
});
const runs = Number(values.runs);
const settings = (values.threads ?? ['1', '2']).map(Number);

const quantile = (list, q) => [...list].sort((a, b) => a - b)[Math.min(list.length - 1, Math.floor(q * list.length))];
const ms = (value) => value.toFixed(1);
const mib = (bytes) => (bytes / 2 ** 20).toFixed(0);

/**
 * The renderers' memory at its highest while `work` runs, sampled every `everyMs` (each sample blocks this process
 * for a few ms, so timed checks are never sampled): what a check holds while it decodes and crops, which the readings
 * between checks miss.
 */
async function peakDuring(work, everyMs = 20) {
  let peak = rendererMemory();
  const sampler = setInterval(() => {
    peak = maxMemory(peak, rendererMemory());
  }, everyMs);
  try {
    await work();
  } finally {
    clearInterval(sampler);
  }
  return maxMemory(peak, rendererMemory());
}

/** JS heap after a full garbage collection, so that growth means memory kept, not garbage not yet collected. */
async function settledHeap(cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  return usedSize;
}

async function sustainedUse(page, cdp, count) {
  const before = await settledHeap(cdp);
  // The renderers' private memory too: the classifier's wasm heap, which never shrinks, is not in the JS heap.
  const renderersBefore = rendererMemory().private;
  const started = performance.now();
  const failures = await page.evaluate(async (count) => {
    let failed = 0;
    for (let i = 0; i < count; i++) {
      const response = await window.deepfakeDetector.check({ media: window.benchImages['astronaut.jpg (0.26 MP, 1 face)'] });
      if (response.status !== 'success') failed++;
    }
    return failed;
  }, count);
  const seconds = (performance.now() - started) / 1000;
  const after = await settledHeap(cdp);
  const renderersAfter = rendererMemory().private;
  return { checks: count, failures, seconds, heapBefore: before, heapAfter: after, growth: (after - before) / before, renderersBefore, renderersAfter };
}

/** Time a person takes to choose a file once the page says it is ready. */
const IDLE_BEFORE_FIRST_CHECK_MS = 2000;

/**
 * In a fresh browser, what the cold start in benchSetting does not show:
 *  - the first check's own time when it comes IDLE_BEFORE_FIRST_CHECK_MS after the detector is ready;
 *  - a returning visit: the page reloaded once its service worker is installed, so that the build's files come from
 *    its cache and the browser has compiled their code before (a person opening the app again);
 *  - a first visit in a browser that is already running: the same build served from a second origin, whose files no
 *    cache holds, so that only the browser's own start-up is left out (a fresh browser pays for that on top).
 */
async function freshBrowserVisits(threads, bytes) {
  const app = await openApp({ path: `/?threads=${threads}` });
  const otherOrigin = await serveApp();
  const settle = () => new Promise((resolve) => setTimeout(resolve, IDLE_BEFORE_FIRST_CHECK_MS));
  try {
    await readiness(app.page);
    await settle();
    const afterIdleMs = await app.page.evaluate(async (base64) => {
      const media = new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], 'astronaut.jpg');
      const started = performance.now();
      const response = await window.deepfakeDetector.check({ media });
      if (response.status !== 'success') throw new Error(`first check: ${JSON.stringify(response.error)}`);
      return performance.now() - started;
    }, bytes.toString('base64'));

    // Each visit below starts from a quiet page, as the first check did: the page's warm-up after loading
    // (src/warm-up.ts) and the service worker's install would otherwise still be running.
    await app.page.evaluate(() => navigator.serviceWorker.ready);
    await settle();
    await app.page.reload();
    const returning = await readiness(app.page);
    const returningFromCache = await app.page.evaluate(() => navigator.serviceWorker.controller !== null);
    await settle();

    await app.page.goto(`${otherOrigin.origin}/?threads=${threads}`);
    const runningBrowser = await readiness(app.page);
    return { afterIdleMs, returning: { ...returning, fromServiceWorker: returningFromCache }, runningBrowser };
  } finally {
    await app.close();
    await new Promise((resolve) => otherOrigin.server.httpServer.close(resolve));
  }
}

async function benchSetting(threads, sustainedChecks) {
  const astronaut = readFileSync('test/fixtures/astronaut.jpg');
  const visits = await freshBrowserVisits(threads, astronaut);
  const app = await openApp({ path: `/?threads=${threads}` });
  // The persistent profile's blank first tab has a renderer of its own, which rendererMemory would count.
  await Promise.all(app.page.context().pages().filter((page) => page !== app.page).map((page) => page.close()));
  const { readyMs, loadSteps } = await readiness(app.page);
  const first = await checkFile(app.page, astronaut, 'astronaut.jpg');
  const firstCheckMs = await app.page.evaluate(() => performance.now());
  const loaded = rendererMemory();
  const interfacePrivate = interfaceRendererPrivate();
  const cdp = await app.page.context().newCDPSession(app.page);
  await cdp.send('Performance.enable');
  const heap = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'JSHeapUsedSize').value;
  const environment = await app.page.evaluate(() => ({
    userAgent: navigator.userAgent,
    crossOriginIsolated,
    hardwareConcurrency: navigator.hardwareConcurrency,
    backend: window.deepfakeDetector.model.backend,
    threads: window.deepfakeDetector.threads,
    model: window.deepfakeDetector.model.version,
  }));

  const files = [
    ['astronaut.jpg (0.26 MP, 1 face)', astronaut],
    // The model looks at a face's mirror image only when the face itself scores from models/deepfake.json's
    // second_view.from_score up: real faces mostly take one view, this pseudo-fake takes both.
    ['astronaut-sbi.jpg (0.26 MP, 1 self-blended face)', readFileSync('test/fixtures/astronaut-sbi.jpg')],
    ['no-face.png (0.15 MP, no face)', readFileSync('test/fixtures/no-face.png')],
    ...GENERATED_IMAGES.map((image) => [image[0], testImage(image)]).filter(([, bytes]) => bytes !== null),
  ];
  await app.page.evaluate((files) => {
    window.benchImages = Object.fromEntries(
      files.map(([label, base64]) => [label, new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], `${label}.jpg`)]),
    );
  }, files.map(([label, bytes]) => [label, bytes.toString('base64')]));
  // The files' base64 text and the arrays it was decoded through are the bench's garbage, not the app's: until
  // collected they stood in every reading below (about 28 MiB on 2026-12-07).
  await cdp.send('HeapProfiler.collectGarbage');

  const baseline = { heap: await heap(), renderers: rendererMemory() };
  const peak = { ...baseline, within: baseline.renderers };
  const images = [];
  for (const label of await app.page.evaluate(() => Object.keys(window.benchImages))) {
    const timings = [];
    let faces = 0;
    let score = 0;
    let privateAfter = 0;
    const check = async () => {
      const response = await app.page.evaluate((name) => window.deepfakeDetector.check({ media: window.benchImages[name] }), label);
      if (response.status !== 'success') throw new Error(`${label}: ${JSON.stringify(response.error)}`);
      return response;
    };
    for (let i = 0; i < runs; i++) {
      const response = await check();
      timings.push(response.timings);
      faces = response.faces.length;
      score = response.type.deepfake;
      peak.heap = Math.max(peak.heap, await heap());
      const renderers = rendererMemory();
      peak.renderers = maxMemory(peak.renderers, renderers);
      privateAfter = Math.max(privateAfter, renderers.private);
    }
    const during = await peakDuring(check); // one more, untimed check
    peak.within = maxMemory(peak.within, during);
    const stages = Object.fromEntries(
      ['decode', 'detect', 'crop', 'classify', 'inference', 'total'].map((stage) => {
        const list = timings.map((t) => t[stage]);
        return [stage, { median: quantile(list, 0.5), p90: quantile(list, 0.9) }];
      }),
    );
    images.push({ image: label, runs, faces, score, stages, privateAfter, privateDuring: during.private });
  }

  const peakOverImages = structuredClone(peak);
  const sustained = sustainedChecks > 0 ? await sustainedUse(app.page, cdp, sustainedChecks) : null;

  const video = [];
  const clip = videoClip();
  // Both decoders on the same clip: WebCodecs decodes forwards, the player seeks from the keyframe for every frame.
  const clipBytes = clip ? readFileSync(clip) : null;
  for (const decoder of clip ? ['auto', 'element'] : []) {
    const started = performance.now();
    const { response } = await checkVideoFile(app.page, clipBytes, 'clip.mp4', 'video/mp4', { interval: 0.5, decoder });
    const wallMs = performance.now() - started;
    if (response.status !== 'success') throw new Error(`video: ${JSON.stringify(response.error)}`);
    const frames = response.data.frames.length;
    const frameScores = response.data.frames.map((frame) => frame.type.deepfake);
    video.push({
      clip: '1920x1080 H.264, 10 s, keyframes at 0 and 8.3 s, sampled every 0.5 s',
      decoder: response.video.decoder,
      frames,
      wallMs,
      framesPerSecond: frames / (wallMs / 1000),
      // Which faces took the model's second view shows in their scores (models/deepfake.json, second_view).
      scores: { min: Math.min(...frameScores), max: Math.max(...frameScores) },
      perFrame: Object.fromEntries(Object.entries(response.timings).map(([k, v]) => [k, v / frames])),
      renderersAfter: rendererMemory(),
    });
    peak.renderers = maxMemory(peak.renderers, video.at(-1).renderersAfter);
  }
  await app.close();
  return { threads, environment, coldStart: { readyMs, firstCheckMs, firstCheckStatus: first.status, afterIdleMs: visits.afterIdleMs, loadSteps }, returning: visits.returning, runningBrowser: visits.runningBrowser, warm: images, memory: { loaded, baseline, peakOverImages, peak, interfacePrivate }, sustained, video };
}

const report = {
  date: new Date().toISOString(),
  commit: buildCommit(),
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), platform: `${os.platform()} ${os.release()}`, loadAverage: os.loadavg()[0] },
  settings: [],
};
for (const [index, threads] of settings.entries()) report.settings.push(await benchSetting(threads, index === 0 ? Number(values.sustained) : 0));

mkdirSync('bench/results', { recursive: true });
const stamp = report.date.replace(/[:.]/g, '-');
writeFileSync(`bench/results/${stamp}.json`, JSON.stringify(report, null, 2) + '\n');
const steps = (list) => list.map((step) => `${step.name} ${step.start.toFixed(0)}–${step.end.toFixed(0)}`).join('; ');
const lines = [
  `# Benchmark ${report.date}`,
  '',
  `Machine: ${report.machine.cpus} × ${report.machine.cpuModel}, ${report.machine.memoryGiB} GiB, ${report.machine.platform}; 1-minute load average at start ${report.machine.loadAverage.toFixed(2)}.`,
  `Browser: ${report.settings[0]?.environment.userAgent}; crossOriginIsolated ${report.settings[0]?.environment.crossOriginIsolated}; model ${report.settings[0]?.environment.model}; build of commit ${report.commit}.`,
  '',
];
for (const s of report.settings) {
  lines.push(
    `## ${s.environment.backend.toUpperCase()}, ${s.environment.threads} thread(s)`,
    '',
    `Cold start: detector ready ${ms(s.coldStart.readyMs)} ms after navigation; a first check of the 0.26 MP portrait made at once answered at ${ms(s.coldStart.firstCheckMs)} ms (${ms(s.coldStart.firstCheckMs - s.coldStart.readyMs)} ms after ready); in a fresh page, made ${IDLE_BEFORE_FIRST_CHECK_MS / 1000} s after ready, it took **${ms(s.coldStart.afterIdleMs)} ms** (its warm checks below: ${ms(s.warm[0].stages.total.median)} ms).`,
    '',
    `Load steps, in ms after navigation: ${steps(s.coldStart.loadSteps)}.`,
    '',
    `Returning visit (the page reloaded once its service worker is installed${s.returning.fromServiceWorker ? '' : '; it did not control the page'}): detector ready **${ms(s.returning.readyMs)} ms** after navigation (${steps(s.returning.loadSteps)}).`,
    '',
    `First visit in a browser already running (the build served from a second origin, after the visits above): detector ready **${ms(s.runningBrowser.readyMs)} ms** after navigation (${steps(s.runningBrowser.loadSteps)}).`,
    '',
    '| image | faces | score | runs | decode | detect | crop | classify | of which the network | total (median) | total (p90) | private memory after (MiB) | private memory during, peak (MiB) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...s.warm.map((r) => `| ${r.image} | ${r.faces} | ${r.score.toFixed(3)} | ${r.runs} | ${ms(r.stages.decode.median)} | ${ms(r.stages.detect.median)} | ${ms(r.stages.crop.median)} | ${ms(r.stages.classify.median)} | ${ms(r.stages.inference.median)} | ${ms(r.stages.total.median)} | ${ms(r.stages.total.p90)} | ${mib(r.privateAfter)} | ${mib(r.privateDuring)} |`),
    '',
    `Memory: JS heap ${mib(s.memory.baseline.heap)} MiB before the checks, peak ${mib(s.memory.peak.heap)} MiB; renderer processes (page, workers, wasm heaps) private memory ${mib(s.memory.loaded.private)} MiB after the first check, ${mib(s.memory.baseline.renderers.private)} MiB once the test files are in the page, peak over the images ${mib(s.memory.peakOverImages.renderers.private)} MiB between checks and ${mib(s.memory.peakOverImages.within.private)} MiB within one, over everything ${mib(s.memory.peak.renderers.private)} MiB (not counted: Chromium's own interface renderer, ${mib(s.memory.interfacePrivate)} MiB private); resident, with the code shared with Chromium's other processes counted in each, ${mib(s.memory.loaded.rss)} / ${mib(s.memory.baseline.renderers.rss)} / ${mib(s.memory.peakOverImages.renderers.rss)} / ${mib(s.memory.peak.renderers.rss)} MiB.`,
    ...(s.sustained
      ? [`Sustained use: ${s.sustained.checks} consecutive checks of the 0.26 MP portrait in ${s.sustained.seconds.toFixed(0)} s, ${s.sustained.failures} failed; JS heap after garbage collection ${mib(s.sustained.heapBefore)} → ${mib(s.sustained.heapAfter)} MiB (**${(100 * s.sustained.growth).toFixed(1)}%** growth); renderers' private memory ${mib(s.sustained.renderersBefore)} → ${mib(s.sustained.renderersAfter)} MiB.`]
      : []),
    ...(s.video.length > 0
      ? s.video.map(
          (v) =>
            `Video (${v.decoder}): ${v.clip}: ${v.frames} frames in ${ms(v.wallMs)} ms = **${v.framesPerSecond.toFixed(1)} frames/s** (per frame: decode ${ms(v.perFrame.decode)}, detect ${ms(v.perFrame.detect)}, crop ${ms(v.perFrame.crop)}, classify ${ms(v.perFrame.classify)} ms; frames' scores ${v.scores.min.toFixed(3)}–${v.scores.max.toFixed(3)}); renderers' private memory after it ${mib(v.renderersAfter.private)} MiB (resident ${mib(v.renderersAfter.rss)}).`,
        )
      : ['Video: not measured (no ffmpeg).']),
    '',
  );
}
lines.push('Stage columns are medians in milliseconds, measured inside the page (performance.now()); "of which the network" is the part of classify spent running the network in the classifier\'s worker, timed there. Private memory is read between checks ("after": the highest over the runs) and, every 20 ms, during one more check that is not timed ("during").');
writeFileSync(`bench/results/${stamp}.md`, lines.join('\n') + '\n');
console.log(lines.join('\n'));
