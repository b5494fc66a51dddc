import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { checkFile, checkVideoFile, leaks, openApp, waitUntilReady } from './app.mjs';

// Clips made from the image fixtures by test/fixtures/make-videos.sh.
const fixture = (name) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
const faceMp4 = fixture('face.mp4');

/** Both responses found one face in each frame, at the same place (within 1% of the frame) and scored alike. */
function assertSameFaces(response, other, name) {
  assert.deepEqual(response.data.frames.map((frame) => frame.info.position), other.data.frames.map((frame) => frame.info.position), name);
  response.data.frames.forEach((frame, i) => {
    const twin = other.data.frames[i];
    const where = `${name} at ${frame.info.position} ms: ${JSON.stringify(frame.faces)} against ${JSON.stringify(twin.faces)}`;
    assert.equal(frame.faces.length, 1, where);
    assert.equal(twin.faces.length, 1, where);
    for (const corner of ['x1', 'y1', 'x2', 'y2']) assert.ok(Math.abs(frame.faces[0][corner] - twin.faces[0][corner]) < 0.01, where);
    assert.ok(Math.abs(frame.type.deepfake - twin.type.deepfake) < 0.05, where);
  });
}

describe('video checks in the built app', () => {
  let app;
  before(async () => {
    app = await openApp();
    await waitUntilReady(app.page);
  });
  after(() => app?.close());

  it('samples an H.264 clip once a second and finds the face in every frame', async () => {
    const { response, progress } = await checkVideoFile(app.page, faceMp4, 'face.mp4', 'video/mp4');
    assert.equal(response.status, 'success', JSON.stringify(response));
    const { frames } = response.data;
    assert.deepEqual(frames.map((frame) => frame.info.position), [0, 1000, 2000]);
    assert.deepEqual(frames.map((frame) => frame.info.id), [1, 2, 3].map((n) => `${response.media.id}_${n}`));
    assert.equal(response.request.operations, 3);
    assert.equal(response.media.uri, 'face.mp4');
    assert.equal(response.video.decoder, 'webcodecs');
    for (const frame of frames) {
      assert.equal(frame.faces.length, 1, JSON.stringify(frame));
      assert.equal(frame.type.deepfake, frame.faces[0].deepfake);
    }
    assert.ok(response.summary.deepfake >= 0 && response.summary.deepfake <= 1);
    assert.ok(response.summary.deepfake <= Math.max(...frames.map((frame) => frame.type.deepfake)));
    assert.deepEqual(progress.map(({ done, total }) => [done, total]), [[1, 3], [2, 3], [3, 3]]);
    assert.equal(progress.at(-1).remainingMs, 0);
  });

  it('samples a VP9 WebM clip at the interval asked for', async () => {
    const { response } = await checkVideoFile(app.page, fixture('face.webm'), 'face.webm', 'video/webm', { interval: 0.5 });
    assert.equal(response.status, 'success', JSON.stringify(response));
    assert.deepEqual(response.data.frames.map((frame) => frame.info.position), [0, 500, 1000, 1500]);
    assert.ok(response.data.frames.every((frame) => frame.faces.length === 1));
    assert.equal(response.video.interval, 500);
  });

  it('decodes files with WebCodecs and reads the same frames as the browser\'s player, a phone\'s rotated clip and an odd size included', async () => {
    for (const [name, type] of [['face.mp4', 'video/mp4'], ['face.webm', 'video/webm'], ['portrait-rotated.mp4', 'video/mp4'], ['odd-size.webm', 'video/webm']]) {
      const bytes = fixture(name);
      const codecs = (await checkVideoFile(app.page, bytes, name, type, { interval: 0.5 })).response;
      const player = (await checkVideoFile(app.page, bytes, name, type, { interval: 0.5, decoder: 'element' })).response;
      assert.equal(codecs.status, 'success', JSON.stringify(codecs));
      assert.equal(player.status, 'success', JSON.stringify(player));
      assert.deepEqual([codecs.video.decoder, player.video.decoder], ['webcodecs', 'element'], name);
      assertSameFaces(codecs, player, name);
    }
  });

  it('reads the same frames where VideoFrame.copyTo cannot convert to RGBA, drawing each frame instead', async () => {
    // Browsers whose copyTo cannot convert to RGBA (older ones) draw the whole frame for its detection copy and
    // its crops; upright and a phone's rotated clip, against what this browser's conversion gives.
    for (const name of ['face.mp4', 'portrait-rotated.mp4']) {
      const bytes = fixture(name);
      const converted = (await checkVideoFile(app.page, bytes, name, 'video/mp4')).response;
      await app.page.evaluate(() => {
        window.originalCopyTo = VideoFrame.prototype.copyTo;
        window.refusedCopies = 0;
        VideoFrame.prototype.copyTo = function (destination, options) {
          if (options?.format === 'RGBA') {
            window.refusedCopies++;
            return Promise.reject(new DOMException('no conversion here', 'NotSupportedError'));
          }
          return window.originalCopyTo.call(this, destination, options);
        };
      });
      let drawn;
      let refused;
      try {
        drawn = (await checkVideoFile(app.page, bytes, name, 'video/mp4')).response;
      } finally {
        refused = await app.page.evaluate(() => {
          VideoFrame.prototype.copyTo = window.originalCopyTo;
          return window.refusedCopies;
        });
      }
      assert.equal(drawn.status, 'success', JSON.stringify(drawn));
      // Each frame's detection copy asked for RGBA, and so did each face's crop of an upright frame.
      assert.ok(refused >= drawn.data.frames.length, `${name}: ${refused} conversions refused`);
      assert.equal(drawn.video.decoder, 'webcodecs');
      assertSameFaces(drawn, converted, name);
    }
  });

  it('reads the same frames through the player where a VideoFrame does not say how to turn it', async () => {
    // Browsers without VideoFrame.rotation (older Chromium, Firefox): the player's frames are taken with
    // createImageBitmap(video), which turns them itself; a phone's rotated clip shows whether they come out upright.
    for (const name of ['face.mp4', 'portrait-rotated.mp4']) {
      const bytes = fixture(name);
      const oriented = (await checkVideoFile(app.page, bytes, name, 'video/mp4', { decoder: 'element' })).response;
      const hidden = await app.page.evaluate(() => {
        window.savedOrientation = ['rotation', 'flip'].map((key) => [key, Object.getOwnPropertyDescriptor(VideoFrame.prototype, key)]);
        for (const [key] of window.savedOrientation) delete VideoFrame.prototype[key];
        return !('rotation' in VideoFrame.prototype);
      });
      let turned;
      try {
        turned = (await checkVideoFile(app.page, bytes, name, 'video/mp4', { decoder: 'element' })).response;
      } finally {
        await app.page.evaluate(() => {
          for (const [key, descriptor] of window.savedOrientation) Object.defineProperty(VideoFrame.prototype, key, descriptor);
        });
      }
      assert.equal(oriented.status, 'success', JSON.stringify(oriented));
      assert.equal(turned.status, 'success', JSON.stringify(turned));
      assert.ok(hidden, 'VideoFrame.rotation could not be hidden');
      assertSameFaces(turned, oriented, name);
    }
  });

  it('checks a <video> element the page already shows, through the player', async () => {
    const response = await app.page.evaluate(async (base64) => {
      const video = document.createElement('video');
      video.muted = true;
      video.src = URL.createObjectURL(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], 'face.mp4', { type: 'video/mp4' }));
      await new Promise((resolve, reject) => {
        video.addEventListener('loadeddata', resolve, { once: true });
        video.addEventListener('error', reject, { once: true });
      });
      const result = await window.deepfakeDetector.checkVideo({ media: video });
      URL.revokeObjectURL(video.src);
      return result;
    }, faceMp4.toString('base64'));
    assert.equal(response.status, 'success', JSON.stringify(response));
    assert.equal(response.video.decoder, 'element');
    assert.deepEqual(response.data.frames.map((frame) => [frame.info.position, frame.faces.length]), [[0, 1], [1000, 1], [2000, 1]]);
    assert.equal(response.media.uri, null, 'a blob: URL is never reported');
  });

  it('answers 0 for a clip without faces', async () => {
    const { response } = await checkVideoFile(app.page, fixture('no-face.webm'), 'no-face.webm', 'video/webm');
    assert.equal(response.status, 'success', JSON.stringify(response));
    assert.equal(response.data.frames.length, 2);
    assert.ok(response.data.frames.every((frame) => frame.faces.length === 0 && frame.type.deepfake === 0));
    assert.equal(response.summary.deepfake, 0);
  });

  it('answers a truncated clip and an audio-only file with media errors', async () => {
    const truncated = (await checkVideoFile(app.page, fixture('truncated.mp4'), 'truncated.mp4', 'video/mp4')).response;
    assert.deepEqual([truncated.status, truncated.error.type], ['failure', 'media_error'], JSON.stringify(truncated));
    assert.ok([21, 29].includes(truncated.error.code), JSON.stringify(truncated));
    const audio = (await checkVideoFile(app.page, fixture('audio-only.m4a'), 'audio-only.m4a', 'audio/mp4')).response;
    assert.deepEqual([audio.status, audio.error.type, audio.error.code], ['failure', 'media_error', 29], JSON.stringify(audio));
    assert.match(audio.error.message, /no video track/);
  });

  it('answers a clip whose frames are damaged with a media error from either decoder', async () => {
    // 3,000 bytes scrambled 40% into the file: inside the coded frames, past the headers.
    const damaged = Buffer.from(faceMp4);
    const start = Math.floor(damaged.length * 0.4);
    for (let i = start; i < start + 3000; i++) damaged[i] = (damaged[i] * 7 + 13) & 255;
    for (const decoder of ['auto', 'element']) {
      const { response } = await checkVideoFile(app.page, damaged, 'damaged.mp4', 'video/mp4', { interval: 0.5, decoder });
      assert.deepEqual([response.status, response.error?.type, response.error?.code], ['failure', 'media_error', 29], `${decoder}: ${JSON.stringify(response)}`);
    }
  });

  it('answers a codec this browser cannot decode with a clear media error', async () => {
    const { response } = await checkVideoFile(app.page, fixture('unsupported-codec.mp4'), 'unsupported-codec.mp4', 'video/mp4');
    assert.deepEqual([response.status, response.error?.type, response.error?.code], ['failure', 'media_error', 21], JSON.stringify(response));
    assert.match(response.error.message, /cannot decode the video's codec/);
  });

  it('stops at once when cancelled half-way, and checks again afterwards', async () => {
    const { response, progress } = await checkVideoFile(app.page, faceMp4, 'face.mp4', 'video/mp4', { interval: 0.2, abortAfter: 7 });
    assert.deepEqual([response.status, response.error?.type, response.error?.code], ['failure', 'unknown_error', 41], JSON.stringify(response));
    assert.equal(progress.length, 7, 'no frame was analysed after the abort');
    assert.equal(progress[0].total, 15);
    const again = await checkFile(app.page, faceMp4, 'face.mp4', 'video/mp4');
    assert.equal(again.status, 'success');
    assert.equal(again.data.frames.length, 3, 'check() answers a video file with the video object');
  });

  it('refuses an image in checkVideo and bad sampling options', async () => {
    const image = (await checkVideoFile(app.page, fixture('astronaut.jpg'), 'astronaut.jpg', 'image/jpeg')).response;
    assert.deepEqual([image.status, image.error.code], ['failure', 21]);
    const badInterval = (await checkVideoFile(app.page, faceMp4, 'face.mp4', 'video/mp4', { interval: -1 })).response;
    assert.deepEqual([badInterval.status, badInterval.error.type, badInterval.error.code], ['failure', 'argument_error', 12]);
  });

  it('shows progress, a timeline to seek with, and the face on the current frame in the page', async () => {
    const { page } = app;
    await page.setInputFiles('#file', { name: 'face.mp4', mimeType: 'video/mp4', buffer: faceMp4 });
    await page.waitForFunction(() => document.getElementById('status')?.textContent?.startsWith('Checked'), null, { timeout: 60_000 });
    assert.equal(await page.isVisible('#video-view'), true);
    assert.equal(await page.$eval('#video-view progress', (bar) => `${bar.value}/${bar.max}`), '3/3');
    const points = await page.$$('#video-view svg circle');
    assert.equal(points.length, 3);
    await points[2].focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => Math.abs(document.querySelector('#video-view video').currentTime - 2) < 0.05);
    assert.match(await page.textContent('#verdict'), /video/);
    assert.equal(JSON.parse(await page.textContent('#json')).data.frames.length, 3);
    // The overlay shows the face box of the frame the video is on.
    const painted = await page.$eval('#video-view canvas', (canvas) => {
      const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let count = 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) count++;
      return count;
    });
    assert.ok(painted > 100, `overlay pixels painted: ${painted}`);
  });

  it('never sent a request beyond the page\'s own origin, nor the media bytes anywhere', () => {
    assert.deepEqual(leaks(app), { foreign: [], uploads: [] });
  });

  it('logged no page errors and no failed requests', () => {
    assert.deepEqual(app.problems, []);
  });
});
