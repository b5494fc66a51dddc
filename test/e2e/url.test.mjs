import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { isOwnOrigin, openApp, waitUntilReady } from './app.mjs';

const astronaut = readFileSync(new URL('../fixtures/astronaut.jpg', import.meta.url));
const ALLOW = { 'Access-Control-Allow-Origin': '*' };

/** Another origin on loopback, standing in for the web servers users point the detector at. */
function startImageServer() {
  const server = createServer((request, response) => {
    const path = new URL(request.url, 'http://x').pathname;
    if (path === '/astronaut.jpg') return response.writeHead(200, { ...ALLOW, 'Content-Type': 'image/jpeg' }).end(astronaut);
    if (path === '/no-cors.jpg') return response.writeHead(200, { 'Content-Type': 'image/jpeg' }).end(astronaut);
    if (path === '/page.html') return response.writeHead(200, { ...ALLOW, 'Content-Type': 'text/html' }).end('<!doctype html><p>hello</p>');
    return response.writeHead(404, ALLOW).end('not found');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('URL checks', () => {
  let app;
  let server;
  let host;
  before(async () => {
    server = await startImageServer();
    host = `http://127.0.0.1:${server.address().port}`;
    app = await openApp();
    await waitUntilReady(app.page);
  });
  after(async () => {
    await app?.close();
    server?.close();
  });

  const check = (url) => app.page.evaluate((url) => window.deepfakeDetector.check({ url }), url);

  it('checks an image the browser fetches from another origin that allows it', async () => {
    const response = await check(`${host}/astronaut.jpg`);
    assert.equal(response.status, 'success', JSON.stringify(response));
    assert.equal(response.media.uri, `${host}/astronaut.jpg`);
    assert.equal(response.faces.length, 1);
  });

  it('answers CORS refusals, HTTP errors, non-images and bad URLs with failure objects', async () => {
    const cases = [
      [`${host}/no-cors.jpg`, 'media_error', 26],
      [`${host}/missing.jpg`, 'media_error', 27],
      [`${host}/page.html`, 'media_error', 21],
      ['http://127.0.0.1:9/unreachable.jpg', 'media_error', 26],
      ['ftp://example.test/a.jpg', 'argument_error', 13],
      ['http://[bad', 'argument_error', 13],
    ];
    for (const [url, type, code] of cases) {
      const response = await check(url);
      assert.deepEqual([response.status, response.error?.type, response.error?.code], ['failure', type, code], `${url}: ${JSON.stringify(response)}`);
      assert.ok(response.error.message.length > 20);
    }
  });

  it('sends nothing but the GETs for the URLs it was asked to check', () => {
    const foreign = app.requests.filter((request) => !isOwnOrigin(request.url, app.origin));
    const expected = ['astronaut.jpg', 'missing.jpg', 'no-cors.jpg', 'page.html'].map((name) => `GET ${host}/${name}`);
    assert.deepEqual([...new Set(foreign.map((request) => `${request.method} ${request.url}`))].sort(), [...expected, 'GET http://127.0.0.1:9/unreachable.jpg'].sort());
    assert.ok(foreign.every((request) => !request.body));
  });
});
