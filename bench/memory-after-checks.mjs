#!/usr/bin/env node
/**
 * What stays in the renderer between checks: one photo (or video) checked again and again in one page, as `npm run
 * bench` does, with the renderers' private memory (bench/renderer-memory.mjs) read after each check, then after a
 * garbage collection of the page's own heap (the workers' heaps are not collected by it), and Chromium's own account
 * of the page's renderers by allocator (a memory-infra dump, which collects nothing) before the first check and after
 * the last. The bench's readings between checks say how much; this says what holds it.
 *
 *   node bench/memory-after-checks.mjs                          # the bench's 24 MP photo, 20 checks, 1 WASM thread
 *   node bench/memory-after-checks.mjs --video --decoder element  # the bench's 1080p clip, 3 checks, read by seeking
 *   node bench/memory-after-checks.mjs --file PHOTO --checks 40 --threads 2   # no account by allocator: Chromium dumps none here
 *
 * It measures the build already in dist/ (`npm run build`).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { openApp, readiness } from '../test/e2e/app.mjs';
import { rendererMemory, rendererPids } from './renderer-memory.mjs';
import { GENERATED_IMAGES, testImage, videoClip } from './test-media.mjs';

const { values } = parseArgs({
  options: {
    file: { type: 'string' },
    video: { type: 'boolean', default: false },
    decoder: { type: 'string', default: 'auto' },
    checks: { type: 'string' },
    threads: { type: 'string', default: '1' },
  },
});
const clip = values.video ? videoClip() : null;
const bytes = values.file
  ? readFileSync(values.file)
  : values.video
    ? clip && readFileSync(clip)
    : testImage(GENERATED_IMAGES.find(([label]) => label.startsWith('24 MP')));
if (!bytes) throw new Error('No media: pass --file, or install ffmpeg to make the bench\'s.');
const checks = Number(values.checks ?? (values.video ? 3 : 20));

const mib = (bytes) => (bytes / 2 ** 20).toFixed(1);
const privateMiB = () => Math.round(rendererMemory().private / 2 ** 20);

/** The allocators the breakdown lists: Blink's partitions, V8's heaps, and the image caches that hold decoded pixels. */
const SHOWN = /^(malloc|partition_alloc\/partitions\/[^/]+|v8\/(main|workers)|blink_gc|discardable|skia\/sk_resource_cache|canvas|shared_memory|gpu)$/;

/**
 * Sizes in bytes of the page's renderers' allocators, from one memory-infra dump, by allocator name; null where
 * Chromium makes none (here it never does for a page running onnxruntime-web with more than one thread).
 */
async function allocatorDump(cdp) {
  const events = [];
  const collect = ({ value }) => events.push(...value);
  cdp.on('Tracing.dataCollected', collect);
  await cdp.send('Tracing.start', {
    traceConfig: { includedCategories: ['disabled-by-default-memory-infra'], memoryDumpConfig: { triggers: [] } },
    transferMode: 'ReportEvents',
  });
  const { success } = await cdp.send('Tracing.requestMemoryDump', { deterministic: false, levelOfDetail: 'detailed' });
  const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.end');
  await complete;
  cdp.off('Tracing.dataCollected', collect);
  if (!success) return null;
  const renderers = new Set(rendererPids());
  const sizes = {};
  for (const event of events) {
    if (event.ph !== 'v' || !renderers.has(String(event.pid))) continue;
    for (const [name, { attrs }] of Object.entries(event.args?.dumps?.allocators ?? {})) {
      if (SHOWN.test(name) && attrs?.size) sizes[name] = (sizes[name] ?? 0) + parseInt(attrs.size.value, 16);
    }
  }
  return sizes;
}

const app = await openApp({ path: `/?threads=${values.threads}` });
try {
  await Promise.all(app.page.context().pages().filter((page) => page !== app.page).map((page) => page.close()));
  await readiness(app.page);
  const cdp = await app.page.context().newCDPSession(app.page);
  await app.page.evaluate((base64) => {
    window.media = new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], 'media');
  }, bytes.toString('base64'));
  await cdp.send('HeapProfiler.collectGarbage'); // the base64 text above is this script's garbage, not the app's
  const before = await allocatorDump(cdp);
  const readings = [privateMiB()];
  for (let i = 0; i < checks; i++) {
    // A video as the bench checks it: a frame every 0.5 s.
    const response = await app.page.evaluate(
      ({ video, decoder }) =>
        video ? window.deepfakeDetector.checkVideo({ media: window.media }, { interval: 0.5, decoder }) : window.deepfakeDetector.check({ media: window.media }),
      { video: values.video, decoder: values.decoder },
    );
    if (response.status !== 'success') throw new Error(JSON.stringify(response.error));
    readings.push(privateMiB());
  }
  const after = await allocatorDump(cdp);
  await cdp.send('HeapProfiler.collectGarbage');
  const collected = privateMiB();

  const what = values.video ? `video (decoder: ${values.decoder})` : 'file';
  console.log(`${(bytes.length / 2 ** 20).toFixed(2)} MiB ${what}, ${checks} checks, ${values.threads} WASM thread(s).`);
  console.log(`Renderers' private memory, MiB: before the checks ${readings[0]}; after each: ${readings.slice(1).join(' ')}; after collecting the page's heap ${collected}.`);
  if (!before || !after) {
    console.log('\nChromium made no memory-infra dump of this page, so there is no account by allocator (with more than one WASM thread it makes none here).');
  } else {
    // Chromium lists some memory under two names (Skia's cache lives in discardable memory, which is shared memory).
    console.log('\nThe renderers by allocator (memory-infra; some overlap, so they do not add up), MiB: before the checks / after them / change');
    for (const name of Object.keys({ ...before, ...after }).sort()) {
      const [b, a] = [before[name] ?? 0, after[name] ?? 0];
      if (Math.max(a, b) >= 2 ** 20) console.log(`  ${name.padEnd(44)} ${mib(b).padStart(7)} ${mib(a).padStart(7)} ${((a - b) / 2 ** 20 >= 0 ? '+' : '') + mib(a - b)}`);
    }
  }
} finally {
  await app.close();
}
