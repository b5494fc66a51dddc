/**
 * Bad input of every kind gets a failure object with a stable code, and the
 * page keeps working after each one.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { checkFile, leaks, openApp, waitUntilReady } from './app.mjs';

const fixture = (name) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
const astronaut = fixture('astronaut.jpg');

/** A PNG signature and IHDR chunk announcing the given size, and nothing else. */
function pngHeader(width, height) {
  const bytes = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]).copy(bytes);
  bytes.writeUInt32BE(width, 16);
  bytes.writeUInt32BE(height, 20);
  bytes[24] = 8;
  bytes[25] = 2;
  return bytes;
}

/** A GIF with a screen descriptor and a trailer, but no image in it. */
const gifWithoutFrames = Buffer.concat([Buffer.from('GIF89a'), Buffer.from([16, 0, 16, 0, 0, 0, 0]), Buffer.from(';')]);

/**
 * astronaut.avif claiming 9000x9000 (81 MP), with 300 KB of other boxes before its `meta` box: its size lies past
 * the first bytes the page reads, which must not let it past the pixel limit.
 */
function lateHeaderBomb() {
  const avif = Buffer.from(fixture('astronaut.avif'));
  const ispe = avif.indexOf('ispe'); // the type; then version and flags, width, height
  avif.writeUInt32BE(9000, ispe + 8);
  avif.writeUInt32BE(9000, ispe + 12);
  const free = Buffer.alloc(300 * 1024);
  free.writeUInt32BE(free.length, 0);
  free.write('free', 4, 'latin1');
  const ftypEnd = avif.readUInt32BE(0);
  return Buffer.concat([avif.subarray(0, ftypEnd), free, avif.subarray(ftypEnd)]);
}

const failures = [
  ['a zero-byte file', Buffer.alloc(0), 'empty.jpg', 'media_error', 22],
  ['a truncated JPEG', astronaut.subarray(0, 3000), 'cut.jpg', 'media_error', 25],
  ['random bytes named .jpg', Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919 + 13) % 251)), 'random.jpg', 'media_error', 21],
  ['a PNG whose header claims 30000x30000', pngHeader(30000, 30000), 'bomb.png', 'media_error', 24],
  ['an AVIF whose header, 300 KB into the file, claims 9000x9000', lateHeaderBomb(), 'late.avif', 'media_error', 24],
  ['an SVG', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><circle r="5"/></svg>'), 'a.svg', 'media_error', 21],
  ['a HEIC', Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic\0\0\0\0mif1heic')]), 'a.heic', 'media_error', 21],
  ['a TIFF', Buffer.concat([Buffer.from([0x49, 0x49, 0x2a, 0, 8, 0, 0, 0]), Buffer.alloc(64)]), 'a.tiff', 'media_error', 21],
  ['a PDF', Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n'), 'a.pdf', 'media_error', 21],
  ['plain text', Buffer.from('just some words, not a picture\n'), 'notes.txt', 'media_error', 21],
  ['a GIF with no frames', gifWithoutFrames, 'empty.gif', 'media_error', 25],
  ['an MP4 without a video track', fixture('audio-only.m4a'), 'audio.m4a', 'media_error', 29],
  ['a truncated MP4', fixture('truncated.mp4'), 'cut.mp4', 'media_error', 29],
];

describe('bad input in the built app', () => {
  let app;
  before(async () => {
    app = await openApp();
    await waitUntilReady(app.page);
  });
  after(() => app?.close());

  for (const [label, bytes, name, type, code] of failures) {
    it(`answers ${label} with ${type} ${code}`, async () => {
      const response = await checkFile(app.page, bytes, name);
      assert.deepEqual([response.status, response.error?.type, response.error?.code], ['failure', type, code], JSON.stringify(response));
      assert.equal(response.request.operations, 0);
      assert.ok(response.error.message.length > 20, response.error.message);
    });
  }

  it('still checks a good image after all of those', async () => {
    const response = await checkFile(app.page, astronaut, 'astronaut.jpg');
    assert.deepEqual([response.status, response.faces?.length], ['success', 1]);
  });

  it('checks the first frame of an animated GIF', async () => {
    const response = await checkFile(app.page, fixture('animated.gif'), 'animated.gif');
    assert.equal(response.status, 'success', JSON.stringify(response));
    assert.equal(response.faces.length, 1);
  });

  it('checks a 1x1 image and a real 8000x8000 image, and refuses one pixel row more than 64 MP', async () => {
    const [tiny, huge, tooHuge] = await app.page.evaluate(async () => {
      const image = async (width, height) => {
        const canvas = new OffscreenCanvas(width, height);
        const context = canvas.getContext('2d');
        context.fillStyle = '#b0a090';
        context.fillRect(0, 0, width, height);
        return new File([await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.5 })], `${width}x${height}.jpg`);
      };
      const check = async (width, height) => window.deepfakeDetector.check({ media: await image(width, height) });
      return [await check(1, 1), await check(8000, 8000), await check(8000, 8001)];
    });
    assert.deepEqual([tiny.status, tiny.type?.deepfake, tiny.faces?.length], ['success', 0, 0], JSON.stringify(tiny));
    assert.deepEqual([huge.status, huge.type?.deepfake, huge.faces?.length], ['success', 0, 0], JSON.stringify(huge));
    assert.deepEqual([tooHuge.status, tooHuge.error?.code], ['failure', 24], JSON.stringify(tooHuge));
  });

  it('answers a missing, corrupt or tampered model file with api_error, without breaking the page', async () => {
    const [missing, corrupt, tampered] = await app.page.evaluate(async () => {
      const answer = async (modelUrl) => {
        const detector = await window.createDeepfakeDetector({ modelUrl });
        const response = await detector.check({ media: new Blob([new Uint8Array([0xff, 0xd8, 0xff])]) });
        detector.close();
        return response;
      };
      const shipped = new Uint8Array(await (await fetch(window.deepfakeModelUrl)).arrayBuffer());
      shipped[shipped.length >> 1] ^= 1; // one bit flipped
      const blobUrl = (bytes) => URL.createObjectURL(new Blob([bytes]));
      const gone = blobUrl(shipped);
      URL.revokeObjectURL(gone); // fetching it now fails, as for a file missing from the server
      return [await answer(gone), await answer(blobUrl(new Uint8Array(4096).fill(7))), await answer(blobUrl(shipped))];
    });
    assert.deepEqual([missing.status, missing.error.type, missing.error.code], ['failure', 'api_error', 30], JSON.stringify(missing));
    assert.deepEqual([corrupt.status, corrupt.error.type, corrupt.error.code], ['failure', 'api_error', 31], JSON.stringify(corrupt));
    assert.deepEqual([tampered.status, tampered.error.type, tampered.error.code], ['failure', 'api_error', 31], JSON.stringify(tampered));
    assert.match(tampered.error.message, /SHA-256/);
    const again = await checkFile(app.page, astronaut, 'astronaut.jpg');
    assert.equal(again.status, 'success');
  });

  it('queues concurrent checks instead of racing them', async () => {
    const responses = await app.page.evaluate(async (base64) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      return Promise.all(Array.from({ length: 6 }, (_, i) => window.deepfakeDetector.check({ media: new File([bytes], `copy-${i}.jpg`) })));
    }, astronaut.toString('base64'));
    assert.deepEqual(responses.map((r) => r.media.uri), [0, 1, 2, 3, 4, 5].map((i) => `copy-${i}.jpg`));
    assert.equal(new Set(responses.map((r) => JSON.stringify(r.faces))).size, 1, 'every copy got the same faces and scores');
  });

  it('sent nothing beyond the page\'s own origin', () => {
    assert.deepEqual(leaks(app), { foreign: [], uploads: [] });
  });

  it('logged no page errors', () => {
    assert.deepEqual(app.problems, []);
  });
});
