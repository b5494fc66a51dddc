#!/usr/bin/env node
/**
 * Where the CPU goes while the app loads: records a Chromium trace of one
 * first visit (a fresh browser, navigation until the detector is ready) and
 * prints each process's threads' busy time and the heaviest V8 and wasm
 * events under them. The page's own load steps (src/timeline.ts) say when
 * each stage loads; this says what the machine was doing meanwhile, which
 * matters on a machine whose cores are all busy during the load.
 *
 *   node bench/load-trace.mjs                   # 2 WASM threads, the build in dist/
 *   node bench/load-trace.mjs --threads 1 --out /tmp/load-trace.json
 *
 * Times are thread CPU time from the trace's top-level tasks; tracing itself
 * slows the load a little, so take the ready time from `npm run bench`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { readiness, serveApp } from '../test/e2e/app.mjs';
import { CHROMIUM_PATH, CHROMIUM_ARGS } from '../test/e2e/browser.mjs';

const { values } = parseArgs({ options: { threads: { type: 'string', default: '2' }, out: { type: 'string' } } });
const scratch = mkdtempSync(join(tmpdir(), 'deepfake-check-trace-'));
const tracePath = values.out ?? join(scratch, 'trace.json');

const { server, origin } = await serveApp();
// A non-persistent browser: only a Browser (not a persistent context) can record a trace.
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
let readyMs;
try {
  const page = await (await browser.newContext()).newPage();
  await page.goto('about:blank');
  await browser.startTracing(page, { path: tracePath, categories: ['toplevel', 'v8', 'v8.wasm', 'devtools.timeline', 'blink', 'loading'] });
  await page.goto(`${origin}/?threads=${values.threads}`);
  ({ readyMs } = await readiness(page));
  await browser.stopTracing();
} finally {
  await browser.close();
  await new Promise((resolve) => server.httpServer.close(resolve));
}

const trace = JSON.parse(readFileSync(tracePath, 'utf8'));
const events = Array.isArray(trace) ? trace : trace.traceEvents;
const processNames = new Map();
const threadNames = new Map();
for (const event of events) {
  if (event.ph !== 'M') continue;
  if (event.name === 'process_name') processNames.set(event.pid, event.args.name);
  if (event.name === 'thread_name') threadNames.set(`${event.pid}/${event.tid}`, event.args.name);
}
const threadOf = (event) => `${processNames.get(event.pid) ?? event.pid}: ${threadNames.get(`${event.pid}/${event.tid}`) ?? event.tid}`;
const busy = new Map();
const heaviest = new Map();
for (const event of events) {
  if (event.ph !== 'X') continue;
  const thread = threadOf(event);
  const cpuMs = (event.tdur ?? event.dur ?? 0) / 1000;
  if (event.cat.includes('toplevel')) busy.set(thread, (busy.get(thread) ?? 0) + cpuMs);
  else if (/^(v8|wasm)\./.test(event.name)) {
    const perThread = heaviest.get(thread) ?? new Map();
    perThread.set(event.name, (perThread.get(event.name) ?? 0) + cpuMs);
    heaviest.set(thread, perThread);
  }
}
// Threads of one name in one process (the workers, the thread pool's threads) are summed into one line.
console.log(`First visit with ${values.threads} WASM thread(s): detector ready ${readyMs.toFixed(0)} ms after navigation (traced).`);
console.log(`Busy time of the threads, ms of CPU over the load (total ${[...busy.values()].reduce((a, b) => a + b, 0).toFixed(0)}):`);
for (const [thread, ms] of [...busy].sort((a, b) => b[1] - a[1]).filter(([, ms]) => ms >= 20)) {
  const top = [...(heaviest.get(thread) ?? [])].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([name, ms]) => `${name} ${ms.toFixed(0)}`);
  console.log(`  ${ms.toFixed(0).padStart(6)}  ${thread}${top.length ? ` (${top.join(', ')})` : ''}`);
}
if (!values.out) rmSync(scratch, { recursive: true, force: true });
