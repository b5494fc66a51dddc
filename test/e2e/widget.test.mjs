/**
 * The library build embedded by another page: <deepfake-check> on a host page
 * that is not cross-origin isolated, and inside a sandboxed iframe.
 * Serves examples/ at / and dist-lib/ (npm run build:lib) at /deepfake-check/.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { launchBrowser } from './browser.mjs';

const root = new URL('../../', import.meta.url).pathname;
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };

/** A plain static server without COOP/COEP headers, like most pages that would embed the widget. */
function serve() {
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url, 'http://x').pathname);
    // dist-lib/ twice: where the widget's script is, and a second copy of its assets, as a page hosting them elsewhere would.
    const library = ['/deepfake-check/', '/elsewhere/'].find((prefix) => path.startsWith(prefix));
    const file = library ? join(root, 'dist-lib', path.slice(library.length)) : join(root, 'examples', path);
    if (!normalize(file).startsWith(root) || !existsSync(file) || file.endsWith('/')) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
    response.end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Picks `fixture` in the first widget of `frame` and resolves to the `result` event's response. */
async function checkInWidget(frame, selector = 'deepfake-check', fixture = 'astronaut.jpg') {
  const result = frame.evaluate(
    (selector) => new Promise((resolve) => document.querySelector(selector).addEventListener('result', (event) => resolve(event.detail), { once: true })),
    selector,
  );
  await frame.locator(selector).first().locator('input[type=file]').setInputFiles(new URL(`../fixtures/${fixture}`, import.meta.url).pathname);
  return result;
}

describe('the <deepfake-check> widget embedded in another page', () => {
  let server;
  let browser;
  let origin;
  const requests = [];
  const problems = [];

  before(async () => {
    assert.ok(existsSync(join(root, 'dist-lib/widget.js')), 'dist-lib/ is missing: run `npm run build:lib` first');
    server = await serve();
    origin = `http://127.0.0.1:${server.address().port}`;
    browser = await launchBrowser();
    browser.context.on('request', (request) => requests.push(request.url()));
    browser.context.on('console', (message) => {
      const text = message.text();
      // Not ours to fix: MediaPipe's own INFO/I…/W… log lines, Chromium's software-GL driver notes when
      // MediaPipe reads pixels back, and Chromium's warning about the example's own sandbox attributes.
      if (/^(INFO|I\d{4}|W\d{4})/.test(text) || text.includes('GL Driver Message') || text.includes('allow-scripts and allow-same-origin')) return;
      if (['error', 'warning'].includes(message.type())) problems.push(`${message.type()}: ${text}`);
    });
  });
  after(async () => {
    await browser?.close();
    server?.close();
  });

  it('checks an image on a page that is not cross-origin isolated, single-threaded, and emits `result`', async () => {
    const page = await browser.context.newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await page.goto(`${origin}/widget.html`);
    assert.equal(await page.evaluate(() => crossOriginIsolated), false);
    const response = await checkInWidget(page);
    assert.equal(response.status, 'success', JSON.stringify(response));
    assert.equal(response.faces.length, 1);
    assert.equal(response.model.backend, 'wasm');
    assert.match(await page.locator('deepfake-check .verdict').first().textContent(), /face/i);
    assert.equal(JSON.parse(await page.textContent('#log')).media.id, response.media.id, 'the host page got the response');
    const compact = await checkInWidget(page, 'deepfake-check[compact]');
    assert.equal(compact.status, 'success');
    assert.equal(await page.locator('deepfake-check[compact] canvas').isVisible(), false);
    await page.close();
  });

  it('checks a video, loading the WebCodecs demuxer from its own folder', async () => {
    const page = await browser.context.newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await page.goto(`${origin}/widget.html`);
    const before = requests.length;
    const response = await checkInWidget(page, 'deepfake-check', 'face.mp4');
    assert.equal(response.status, 'success', JSON.stringify(response));
    assert.equal(response.video.decoder, 'webcodecs');
    assert.deepEqual(response.data.frames.map((frame) => frame.faces.length), [1, 1, 1]);
    assert.ok(requests.slice(before).some((url) => /\/deepfake-check\/assets\/video-codecs-[^/]+\.js$/.test(url)), 'the demuxer chunk came from the widget\'s folder');
    await page.close();
  });

  it('loads its runtime files from the folder its `assets` attribute names', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${origin}/widget.html`);
    const before = requests.length;
    await page.evaluate(() => {
      const widget = document.createElement('deepfake-check');
      widget.id = 'moved';
      widget.setAttribute('assets', '/elsewhere/');
      document.body.append(widget);
    });
    const response = await checkInWidget(page, '#moved');
    assert.equal(response.status, 'success', JSON.stringify(response));
    const loaded = requests.slice(before);
    for (const file of [/\/elsewhere\/assets\/deepfake-[^/]+\.onnx$/, /\/elsewhere\/assets\/ort-wasm[^/]+\.wasm$/, /\/elsewhere\/assets\/vision_wasm_internal[^/]+\.wasm$/]) {
      assert.ok(loaded.some((url) => file.test(url)), `${file} among ${loaded.join(', ')}`);
    }
    await page.close();
  });

  it('works inside a sandboxed iframe', async () => {
    const page = await browser.context.newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await page.goto(`${origin}/sandboxed.html`);
    const frame = page.frameLocator('#frame');
    await frame.locator('deepfake-check').first().waitFor();
    const handle = await page.$('#frame');
    const response = await checkInWidget(await handle.contentFrame());
    assert.equal(response.status, 'success', JSON.stringify(response));
    assert.equal(response.faces.length, 1);
    await page.close();
  });

  it('loaded everything from the host page\'s origin, without errors or warnings', () => {
    assert.deepEqual(requests.filter((url) => !url.startsWith(origin) && !url.startsWith('blob:') && !url.startsWith('data:')), []);
    assert.deepEqual(problems, []);
  });
});
