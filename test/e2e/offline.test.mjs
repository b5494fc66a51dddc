/** A second visit works with the network off: the service worker serves every file of the app from Cache Storage. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { checkFile, leaks, openApp, waitUntilReady } from './app.mjs';

const astronaut = readFileSync(new URL('../fixtures/astronaut.jpg', import.meta.url));
const faceMp4 = readFileSync(new URL('../fixtures/face.mp4', import.meta.url));
const manifest = JSON.parse(readFileSync(new URL('../../models/deepfake.json', import.meta.url), 'utf8'));

describe('offline use of the built app', () => {
  let app;
  before(async () => {
    app = await openApp();
    await waitUntilReady(app.page);
    await app.page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 60_000 });
  });
  after(() => app?.close());

  it('shows the model version in the page and in responses', async () => {
    assert.match(await app.page.textContent('#engine'), new RegExp(manifest.version));
    const response = await checkFile(app.page, astronaut, 'astronaut.jpg');
    assert.equal(response.model.version, manifest.version);
  });

  it('reloads and checks an image and a video with the network off', async () => {
    await app.page.context().setOffline(true);
    try {
      const served = [];
      app.page.on('response', (response) => served.push(response.fromServiceWorker()));
      await app.page.reload();
      await waitUntilReady(app.page);
      const response = await checkFile(app.page, astronaut, 'astronaut.jpg');
      assert.equal(response.status, 'success', JSON.stringify(response));
      assert.equal(response.faces.length, 1);
      // The video decoder's chunk loads on the first video: it too must come from the precache.
      const video = await checkFile(app.page, faceMp4, 'face.mp4', 'video/mp4');
      assert.equal(video.status, 'success', JSON.stringify(video));
      assert.equal(video.video.decoder, 'webcodecs');
      assert.ok(served.length > 3 && served.every(Boolean), `responses from the service worker: ${served.join(',')}`);
    } finally {
      await app.page.context().setOffline(false);
    }
  });

  it('sent nothing beyond the page\'s own origin', () => {
    assert.deepEqual(leaks(app), { foreign: [], uploads: [] });
  });
});
