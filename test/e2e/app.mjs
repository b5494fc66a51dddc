/**
 * Serves the built app (dist/) with `vite preview`, opens it in Debian's
 * Chromium and records every request the page makes.
 */
import { preview } from 'vite';
import { launchBrowser } from './browser.mjs';

/** Serves the built app (dist/) on a free port; `origin` is where it answers. Close it with `server.httpServer.close()`. */
export async function serveApp() {
  // An explicit IPv4 loopback address: 'localhost' may resolve to ::1 where another process holds the same port.
  const server = await preview({ logLevel: 'warn', preview: { host: '127.0.0.1', port: 0, strictPort: false } });
  return { server, origin: new URL(server.resolvedUrls.local[0]).origin };
}

export async function openApp({ path = '/', serviceWorkers = 'allow', browserArgs = [] } = {}) {
  const { server, origin } = await serveApp();
  const browser = await launchBrowser({ serviceWorkers, extraArgs: browserArgs });
  const requests = [];
  const problems = [];
  browser.context.on('request', (request) =>
    requests.push({ url: request.url(), method: request.method(), body: request.postDataBuffer(), byServiceWorker: request.serviceWorker() !== null }),
  );
  const page = await browser.context.newPage();
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // MediaPipe's wasm prints its INFO lines through console.error.
    if (message.type() === 'error' && !message.text().startsWith('INFO:')) problems.push(`console error: ${message.text()}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.url()}`);
  });
  await page.goto(origin + path);
  return {
    page,
    origin,
    requests,
    problems,
    async close() {
      await browser.close();
      await new Promise((resolve) => server.httpServer.close(resolve));
    },
  };
}

/**
 * The detector's load steps, which its stages record as User Timing measures
 * named `deepfake-check: …` (src/timeline.ts): names without that prefix, in
 * ms of the page's clock, in the order they were recorded.
 */
export function loadSteps(page) {
  return page.evaluate(() =>
    performance
      .getEntriesByType('measure')
      .filter((entry) => entry.name.startsWith('deepfake-check: '))
      .map((entry) => ({ name: entry.name.slice('deepfake-check: '.length), start: entry.startTime, end: entry.startTime + entry.duration })),
  );
}

/**
 * Navigation → detector ready in `page`, from the page's own clock (which starts at navigation, so it leaves out
 * starting the browser and the server), with the load steps; `window.deepfakeDetector` is set once the detector is.
 */
export async function readiness(page) {
  await page.waitForFunction(() => window.deepfakeDetector !== undefined, null, { timeout: 120_000 });
  return { readyMs: await page.evaluate(() => performance.now()), loadSteps: await loadSteps(page) };
}

/** Resolves once the page says the detector has loaded. */
export function waitUntilReady(page) {
  return page.waitForFunction(() => document.getElementById('status')?.textContent?.startsWith('Ready'), null, { timeout: 60_000 });
}

/** Requests that left the page's origin, and requests that carried a body (the media must never be uploaded). */
export function leaks(app) {
  return {
    foreign: app.requests.filter((request) => !isOwnOrigin(request.url, app.origin)).map((request) => request.url),
    uploads: app.requests.filter((request) => request.body && request.body.length > 0).map((request) => request.url),
  };
}

/** True for requests that stay on the page's origin: its own URLs, its blob: URLs and inline data: URLs. */
export function isOwnOrigin(url, origin) {
  if (url.startsWith('data:')) return true;
  return new URL(url).origin === origin;
}

/** Intersection over union of two boxes as the response gives them (x1, y1, x2, y2). */
export function boxOverlap(a, b) {
  const width = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
  const height = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
  if (width <= 0 || height <= 0) return 0;
  const overlap = width * height;
  return overlap / ((a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - overlap);
}

/** Runs detector.check in the page on a File made from `bytes`. */
export function checkFile(page, bytes, name, type = '') {
  return page.evaluate(
    async ({ base64, name, type }) => {
      const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      return window.deepfakeDetector.check({ media: new File([data], name, { type }) });
    },
    { base64: Buffer.from(bytes).toString('base64'), name, type },
  );
}

/**
 * Runs detector.checkVideo in the page on a File made from `bytes`; with
 * `abortAfter`, aborts once that many frames are done. Answers the response
 * and the progress updates seen.
 */
export function checkVideoFile(page, bytes, name, type = '', { interval, abortAfter, decoder } = {}) {
  return page.evaluate(
    async ({ base64, name, type, interval, abortAfter, decoder }) => {
      const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const controller = new AbortController();
      const progress = [];
      const response = await window.deepfakeDetector.checkVideo(
        { media: new File([data], name, { type }) },
        {
          interval,
          decoder,
          signal: controller.signal,
          onProgress: ({ done, total, remainingMs }) => {
            progress.push({ done, total, remainingMs });
            if (done === abortAfter) controller.abort();
          },
        },
      );
      return { response, progress };
    },
    { base64: Buffer.from(bytes).toString('base64'), name, type, interval, abortAfter, decoder },
  );
}
