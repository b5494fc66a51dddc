import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { boxOverlap, checkFile, leaks, loadSteps, openApp, waitUntilReady } from './app.mjs';

const fixture = (name) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));
const astronaut = fixture('astronaut.jpg');

/** The answer for a 4800x6000 frame with the portrait at its top, 4800 px square: one face, where it is shown, unsquashed. */
function assertPortraitAtTop(response) {
  assert.equal(response.status, 'success', JSON.stringify(response));
  assert.equal(response.faces.length, 1, JSON.stringify(response));
  const [face] = response.faces;
  const [centerX, centerY] = [(face.x1 + face.x2) / 2, (face.y1 + face.y2) / 2];
  // The portrait's face (x 0.38-0.5, y 0.18-0.34 of the portrait) in the shown 4800x6000 frame.
  assert.ok(centerX > 0.38 && centerX < 0.5 && centerY > 0.14 && centerY < 0.28, JSON.stringify(face));
  // BlazeFace's boxes are square in pixels: a decode squashed by swapped width and height would show here.
  const aspect = ((face.x2 - face.x1) * 4800) / ((face.y2 - face.y1) * 6000);
  assert.ok(aspect > 0.8 && aspect < 1.25, `box aspect ${aspect}`);
}

describe('image checks in the built app', () => {
  let app;
  before(async () => {
    app = await openApp();
    await waitUntilReady(app.page);
  });
  after(() => app?.close());

  it('finds the astronaut\'s face and answers with the contract\'s success object', async () => {
    const response = await checkFile(app.page, astronaut, 'astronaut.jpg', 'image/jpeg');
    assert.equal(response.status, 'success', JSON.stringify(response));
    assert.match(response.request.id, /^req_[A-Za-z0-9_-]+$/);
    assert.match(response.media.id, /^med_[A-Za-z0-9_-]+$/);
    assert.equal(response.media.uri, 'astronaut.jpg');
    assert.equal(response.request.operations, 1);
    assert.ok(Math.abs(response.request.timestamp - Date.now() / 1000) < 120);
    assert.equal(response.faces.length, 1);
    const [face] = response.faces;
    // Her face spans roughly x 0.35-0.53, y 0.16-0.35 of the 512x512 portrait.
    const centerX = (face.x1 + face.x2) / 2;
    const centerY = (face.y1 + face.y2) / 2;
    assert.ok(centerX > 0.38 && centerX < 0.5 && centerY > 0.18 && centerY < 0.34, JSON.stringify(face));
    assert.ok(face.x2 - face.x1 > 0.12 && face.x2 - face.x1 < 0.3, JSON.stringify(face));
    assert.ok(face.deepfake >= 0 && face.deepfake <= 1);
    assert.equal(response.type.deepfake, face.deepfake);
    // The network's own time in the worker is part of the classify stage, which also hands the crop over and the score back.
    const { classify, inference } = response.timings;
    assert.ok(inference > 0 && inference <= classify, JSON.stringify(response.timings));
  });

  it('classifies with one WASM thread per core, at most 4, on the cross-origin isolated page', async () => {
    const { isolated, cores } = await app.page.evaluate(() => ({ isolated: crossOriginIsolated, cores: navigator.hardwareConcurrency }));
    assert.equal(isolated, true, 'preview must send COOP/COEP');
    const threads = Math.min(4, cores);
    assert.match(await app.page.textContent('#engine'), new RegExp(`\\(${threads} threads?\\)`));
  });

  it('respects EXIF orientation: a portrait stored sideways is checked upright', async () => {
    const upright = await checkFile(app.page, astronaut, 'astronaut.jpg');
    const rotated = await checkFile(app.page, fixture('astronaut-exif-rotated.jpg'), 'astronaut-exif-rotated.jpg');
    assert.equal(rotated.faces.length, 1, JSON.stringify(rotated));
    for (const key of ['x1', 'y1', 'x2', 'y2']) {
      assert.ok(Math.abs(rotated.faces[0][key] - upright.faces[0][key]) < 0.02, `${key}: ${rotated.faces[0][key]} vs ${upright.faces[0][key]}`);
    }
  });

  it('checks AVIF photos like JPEGs, and one stored turned (irot) upright', async () => {
    const jpeg = await checkFile(app.page, astronaut, 'astronaut.jpg');
    const avif = await checkFile(app.page, fixture('astronaut.avif'), 'astronaut.avif');
    // astronaut-irot.avif: x 64-448 of the portrait (384x512), stored a quarter turn clockwise, 'irot' turning it back.
    const turned = await checkFile(app.page, fixture('astronaut-irot.avif'), 'astronaut-irot.avif');
    for (const response of [avif, turned]) assert.equal(response.faces?.length, 1, JSON.stringify(response));
    const [expected] = jpeg.faces;
    const inCrop = { x1: (512 * expected.x1 - 64) / 384, x2: (512 * expected.x2 - 64) / 384, y1: expected.y1, y2: expected.y2 };
    for (const key of ['x1', 'y1', 'x2', 'y2']) {
      assert.ok(Math.abs(avif.faces[0][key] - expected[key]) < 0.02, `${key}: ${avif.faces[0][key]} vs ${expected[key]}`);
      assert.ok(Math.abs(turned.faces[0][key] - inCrop[key]) < 0.03, `turned ${key}: ${turned.faces[0][key]} vs ${inCrop[key]}`);
    }
    // The same face, coded differently: a real face stays real.
    for (const response of [avif, turned]) assert.ok(response.type.deepfake < 0.2, JSON.stringify(response.type));
  });

  it('answers a HEIC photo this browser cannot decode as unsupported, saying what to do', async () => {
    // The AVIF fixture with HEIC's brands: a HEIF file Chromium has no decoder for.
    const heic = Buffer.from(fixture('astronaut.avif'));
    heic.write('heic', 8, 'latin1');
    heic.write('heic', 16, 'latin1');
    const response = await checkFile(app.page, heic, 'photo.heic');
    assert.deepEqual([response.status, response.error?.type, response.error?.code], ['failure', 'media_error', 21], JSON.stringify(response));
    assert.match(response.error.message, /HEIC.*JPEG/);
  });

  // 4800x6000 as shown, with the portrait at the top: over the 8.4 MP decode bound. Upright, Chromium's ImageDecoder
  // decodes it straight at 4/8 scale (src/decode/decode-protocol.ts); stored sideways (EXIF orientation 6),
  // createImageBitmap decodes and turns it.
  for (const sideways of [false, true]) {
    it(`decodes a 29 MP photo ${sideways ? 'stored sideways' : 'upright'} downscaled, and finds the face where it is shown`, async () => {
      const response = await app.page.evaluate(async ({ portraitBase64, exifBase64, sideways }) => {
        const bytes = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
        const portrait = await createImageBitmap(new Blob([bytes(portraitBase64)]));
        // Stored sideways: the shown frame turned a quarter counter-clockwise (6000x4800).
        const canvas = sideways ? new OffscreenCanvas(6000, 4800) : new OffscreenCanvas(4800, 6000);
        const context = canvas.getContext('2d');
        context.fillStyle = '#8a8a8a';
        context.fillRect(0, 0, canvas.width, canvas.height);
        if (sideways) {
          context.translate(0, 4800);
          context.rotate(-Math.PI / 2);
        }
        context.drawImage(portrait, 0, 0, 4800, 4800);
        const jpeg = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.85 })).arrayBuffer());
        if (!sideways) return window.deepfakeDetector.check({ media: new File([jpeg], 'upright-29mp.jpg', { type: 'image/jpeg' }) });
        // Borrow the APP1 Exif segment (orientation 6) of the small rotated fixture.
        const exif = bytes(exifBase64);
        let at = 2;
        while (!(exif[at] === 0xff && exif[at + 1] === 0xe1)) at += 2 + ((exif[at + 2] << 8) | exif[at + 3]);
        const app1 = exif.subarray(at, at + 2 + ((exif[at + 2] << 8) | exif[at + 3]));
        const file = new File([jpeg.subarray(0, 2), app1, jpeg.subarray(2)], 'sideways-29mp.jpg', { type: 'image/jpeg' });
        return window.deepfakeDetector.check({ media: file });
      }, { portraitBase64: astronaut.toString('base64'), exifBase64: fixture('astronaut-exif-rotated.jpg').toString('base64'), sideways });
      assertPortraitAtTop(response);
    });
  }

  it('decodes a 29 MP AVIF stored sideways (irot) downscaled, and finds the face where it is shown', async () => {
    // The same 4800x6000 frame as above, made by test/fixtures/make-videos.sh: stored 6000x4800, turned back by 'irot'.
    assertPortraitAtTop(await checkFile(app.page, fixture('portrait-29mp-irot.avif'), 'portrait-29mp-irot.avif'));
  });

  it('finds the face in the same place when the photo is larger than the whole-image pass sees it', async () => {
    // 2048x1536 with the portrait at 1536x1536, 256 px from the left: the whole-image pass sees a 256x192 copy.
    const [small, large] = await app.page.evaluate(async (base64) => {
      const blob = new Blob([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], { type: 'image/jpeg' });
      const canvas = new OffscreenCanvas(2048, 1536);
      const context = canvas.getContext('2d');
      context.fillStyle = '#808080';
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(await createImageBitmap(blob), 256, 0, 1536, 1536);
      const large = new File([await canvas.convertToBlob({ type: 'image/png' })], 'large.png', { type: 'image/png' });
      return [await window.deepfakeDetector.check({ media: blob }), await window.deepfakeDetector.check({ media: large })];
    }, astronaut.toString('base64'));
    assert.equal(large.faces.length, 1, JSON.stringify(large));
    const [expected, found] = [small.faces[0], large.faces[0]];
    const where = { x1: (256 + 1536 * expected.x1) / 2048, x2: (256 + 1536 * expected.x2) / 2048, y1: expected.y1, y2: expected.y2 };
    for (const key of ['x1', 'y1', 'x2', 'y2']) {
      // BlazeFace's box moves by about a fiftieth of the side between two framings of one face (y1 0.139 here against
      // 0.160 in the portrait alone, before the whole-image pass had a copy of its own); a mapping off by the copy's
      // scale or offset would miss by far more.
      assert.ok(Math.abs(found[key] - where[key]) < 0.03, `${key}: ${found[key]} where ${where[key]} was expected`);
    }
  });

  it('boxes a face a fourteenth of a large photo\'s side around the face, not around the head it sees small', async () => {
    // 3000x2000 with the portrait at the given side and place: in each the whole-image pass, which sees the face at
    // about 18 px of BlazeFace's 128, boxed the head twice the face's width (bench/smallest-face.mjs, 2026-12-06).
    const cases = await app.page.evaluate(async (base64) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const portrait = await createImageBitmap(new Blob([bytes]));
      const alone = await window.deepfakeDetector.check({ media: new File([bytes], 'astronaut.jpg') });
      const results = [];
      for (const [side, left, top] of [[1200, 540, 240], [1100, 950, 540]]) {
        const canvas = new OffscreenCanvas(3000, 2000);
        const context = canvas.getContext('2d');
        context.fillStyle = '#808080';
        context.fillRect(0, 0, canvas.width, canvas.height);
        context.drawImage(portrait, left, top, side, side);
        const response = await window.deepfakeDetector.check({ media: new File([await canvas.convertToBlob({ type: 'image/jpeg' })], 'far.jpg') });
        const face = alone.faces[0];
        const expected = { x1: (left + face.x1 * side) / 3000, x2: (left + face.x2 * side) / 3000, y1: (top + face.y1 * side) / 2000, y2: (top + face.y2 * side) / 2000 };
        results.push({ response, expected });
      }
      return results;
    }, astronaut.toString('base64'));
    for (const { response, expected } of cases) {
      assert.equal(response.status, 'success', JSON.stringify(response));
      assert.equal(response.faces.length, 1, JSON.stringify(response.faces));
      const found = response.faces[0];
      const overlap = boxOverlap(found, expected);
      assert.ok(overlap >= 0.5, `found ${JSON.stringify(found)} where ${JSON.stringify(expected)} was expected (IoU ${overlap.toFixed(2)})`);
    }
  });

  it('marks a face cut off by the top or left edge as uncertain, and the whole portrait\'s not', async () => {
    const [whole, top, left] = await app.page.evaluate(async (base64) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const portrait = await createImageBitmap(new Blob([bytes]));
      // Her face's box spans about y 75-175 and x 175-275 of the 512 px portrait: a fifth of it cut away each time.
      const cut = async (left, top) => {
        const canvas = new OffscreenCanvas(512 - left, 512 - top);
        canvas.getContext('2d').drawImage(portrait, -left, -top);
        return window.deepfakeDetector.check({ media: new File([await canvas.convertToBlob({ type: 'image/png' })], 'cut.png') });
      };
      return [await window.deepfakeDetector.check({ media: new File([bytes], 'astronaut.jpg') }), await cut(0, 95), await cut(195, 0)];
    }, astronaut.toString('base64'));
    assert.equal(whole.faces[0].uncertain, undefined, JSON.stringify(whole.faces));
    for (const response of [top, left]) {
      assert.equal(response.faces.length, 1, JSON.stringify(response));
      assert.deepEqual(response.faces[0].uncertain, ['cut'], JSON.stringify(response.faces));
    }
  });

  it('leaves unjudged a face cut at the left through half its box, whose box the detector guesses short, and judges nothing else', async () => {
    // Her face's box spans about x 176-276 and y 75-175 of the 512 px portrait. Cut at x 226, through half of it, the
    // detector places her box only 24% past the edge, but her right eye's keypoint past it (eyePastSide in
    // src/faces/select.ts), so her face is not judged; judged, it scored 0.541 on commit b22154e. The detector also
    // boxes the name patch on her suit, which a second look at it does not find again
    // (src/faces/refine.ts); judged, it set the picture's score at 0.564 (this test fails so on commit be6393d).
    const response = await app.page.evaluate(async (base64) => {
      const portrait = await createImageBitmap(new Blob([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))]));
      const canvas = new OffscreenCanvas(512 - 226, 512);
      canvas.getContext('2d').drawImage(portrait, -226, 0);
      return window.deepfakeDetector.check({ media: new File([await canvas.convertToBlob({ type: 'image/png' })], 'cut.png') });
    }, astronaut.toString('base64'));
    assert.equal(response.status, 'success', JSON.stringify(response));
    assert.deepEqual(response.faces, [], 'too little of her face is left to judge, and nothing else is a face');
    assert.equal(response.type.deepfake, 0);
  });

  it('follows a face out of the top of a wide frame, and judges no fold of her collar in its place', async () => {
    // The bench's 1080p clip (bench/run.mjs): the portrait at 2200 px panning up; at 8.5 s and 9.5 s her face's box
    // is cut through its eyes. MediaPipe, padding the frame to a square itself, missed the face there, and the tiles
    // pass boxed her collar instead, which scored over 0.5 (this test fails so on commit 6392912).
    const [whole, leaving, out] = await app.page.evaluate(async (base64) => {
      const portrait = await createImageBitmap(new Blob([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))]));
      const frameAt = async (seconds) => {
        const canvas = new OffscreenCanvas(1920, 1080);
        canvas.getContext('2d').drawImage(portrait, (-140 * seconds) / 10, -(300 + (200 * seconds) / 10), 2200, 2200);
        const jpeg = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
        return window.deepfakeDetector.check({ media: new File([jpeg], `frame-${seconds}.jpg`) });
      };
      return [await frameAt(4), await frameAt(8.5), await frameAt(9.5)];
    }, astronaut.toString('base64'));
    assert.equal(whole.faces.length, 1, JSON.stringify(whole.faces));
    assert.deepEqual(whole.faces[0].uncertain, ['cut'], JSON.stringify(whole.faces));
    assert.ok(whole.faces[0].y1 === 0 && whole.faces[0].x1 > 0.33 && whole.faces[0].x2 < 0.62, JSON.stringify(whole.faces));
    for (const response of [leaving, out]) {
      assert.equal(response.status, 'success', JSON.stringify(response));
      assert.deepEqual(response.faces, [], 'too little of her face is left to judge, and nothing else is a face');
      assert.equal(response.type.deepfake, 0);
    }
  });

  it('checks ImageBitmap and HTMLImageElement media as well as files', async () => {
    const [bitmap, element] = await app.page.evaluate(async (base64) => {
      const blob = new Blob([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], { type: 'image/jpeg' });
      const fromBitmap = await window.deepfakeDetector.check({ media: await createImageBitmap(blob) });
      const image = new Image();
      image.src = URL.createObjectURL(blob);
      await image.decode();
      const fromElement = await window.deepfakeDetector.check({ media: image });
      return [fromBitmap, fromElement];
    }, astronaut.toString('base64'));
    for (const response of [bitmap, element]) {
      assert.equal(response.status, 'success', JSON.stringify(response));
      assert.equal(response.faces.length, 1);
      assert.equal(response.media.uri, null, 'neither a bitmap nor a blob: URL is reported as the uri');
    }
  });

  it('finds the faces of a group picture too small for the whole-image pass, keeping the 3 most prominent', async () => {
    const response = await app.page.evaluate(async (base64) => {
      const portrait = await createImageBitmap(new Blob([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))]));
      const canvas = new OffscreenCanvas(1024, 1024);
      const context = canvas.getContext('2d');
      for (let i = 0; i < 4; i++) context.drawImage(portrait, (i % 2) * 512, Math.floor(i / 2) * 512, 512, 512);
      return window.deepfakeDetector.check({ media: new File([await canvas.convertToBlob({ type: 'image/jpeg' })], 'group.jpg') });
    }, astronaut.toString('base64'));
    assert.equal(response.status, 'success', JSON.stringify(response));
    assert.equal(response.faces.length, 3, JSON.stringify(response.faces));
    // Each box lies in a different quadrant, around where the portrait's face is.
    const quadrants = new Set(response.faces.map((face) => `${Math.floor((face.x1 + face.x2))},${Math.floor((face.y1 + face.y2))}`));
    assert.equal(quadrants.size, 3, JSON.stringify(response.faces));
  });

  it('finds faces in pictures longer than 2:1, across and down, which it looks at in 2:1 panels', async () => {
    // The portrait 1000 px square in the middle of a 4000x1000 panorama and of its 1000x4000 turn; four portraits
    // (the second and fourth self-blended) side by side, 2048x512. Seen whole, none of the three showed a face.
    const [across, down, sideBySide] = await app.page.evaluate(async ([portraitBase64, blendedBase64]) => {
      const bitmap = async (base64) => createImageBitmap(new Blob([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))]));
      const [portrait, blended] = [await bitmap(portraitBase64), await bitmap(blendedBase64)];
      const check = async (width, height, draw) => {
        const canvas = new OffscreenCanvas(width, height);
        const context = canvas.getContext('2d');
        context.fillStyle = '#808080';
        context.fillRect(0, 0, width, height);
        draw(context);
        return window.deepfakeDetector.check({ media: new File([await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 })], 'long.jpg') });
      };
      return [
        await check(4000, 1000, (context) => context.drawImage(portrait, 1500, 0, 1000, 1000)),
        await check(1000, 4000, (context) => context.drawImage(portrait, 0, 1500, 1000, 1000)),
        await check(2048, 512, (context) => [portrait, blended, portrait, blended].forEach((image, i) => context.drawImage(image, 512 * i, 0, 512, 512))),
      ];
    }, [astronaut.toString('base64'), fixture('astronaut-sbi.jpg').toString('base64')]);
    const center = (face) => [(face.x1 + face.x2) / 2, (face.y1 + face.y2) / 2];
    // The portrait's face is centred near (0.44, 0.26) of the portrait.
    for (const [response, [x, y]] of [[across, [(1500 + 440) / 4000, 0.26]], [down, [0.44, (1500 + 260) / 4000]]]) {
      assert.equal(response.status, 'success', JSON.stringify(response));
      assert.ok(response.faces.some((face) => Math.hypot(center(face)[0] - x, center(face)[1] - y) < 0.03), JSON.stringify(response.faces));
    }
    // Three faces kept, each on a different portrait's face, the self-blended one among them scored highest.
    assert.equal(sideBySide.faces.length, 3, JSON.stringify(sideBySide.faces));
    const portraits = new Set(sideBySide.faces.map((face) => Math.floor(center(face)[0] * 4)));
    assert.equal(portraits.size, 3, JSON.stringify(sideBySide.faces));
    for (const face of sideBySide.faces) assert.ok(Math.abs(center(face)[0] * 4 - Math.floor(center(face)[0] * 4) - 0.44) < 0.1, JSON.stringify(face));
    const best = sideBySide.faces.reduce((a, b) => (a.deepfake >= b.deepfake ? a : b));
    assert.equal(Math.floor(center(best)[0] * 4) % 2, 1, `the highest score is not on a self-blended face: ${JSON.stringify(sideBySide.faces)}`);
  });

  it('finds a face that overflows a tight crop, which the whole-image pass misses', async () => {
    const response = await checkFile(app.page, fixture('tight-face.jpg'), 'tight-face.jpg');
    assert.equal(response.status, 'success', JSON.stringify(response));
    assert.equal(response.faces.length, 1, JSON.stringify(response.faces));
    const [face] = response.faces;
    // The face is larger than the frame: its box, mapped back from the zoomed-out canvas, spans it edge to edge.
    assert.ok(face.x1 === 0 && face.x2 === 1 && face.y1 === 0 && face.y2 === 1, JSON.stringify(face));
    assert.ok(face.deepfake >= 0 && face.deepfake <= 1);
  });

  it('answers 0 and no faces for a picture without a face', async () => {
    const response = await checkFile(app.page, fixture('no-face.png'), 'no-face.png', 'image/png');
    assert.equal(response.status, 'success');
    assert.equal(response.type.deepfake, 0);
    assert.deepEqual(response.faces, []);
  });

  it('scores a self-blended version of the portrait higher than the portrait', async () => {
    const original = await checkFile(app.page, astronaut, 'astronaut.jpg');
    const blended = await checkFile(app.page, fixture('astronaut-sbi.jpg'), 'astronaut-sbi.jpg');
    assert.equal(blended.faces.length, 1);
    assert.ok(blended.type.deepfake > original.type.deepfake, `blended ${blended.type.deepfake} vs original ${original.type.deepfake}`);
  });

  it('answers a corrupt file with a failure object and keeps working', async () => {
    const truncated = await checkFile(app.page, astronaut.subarray(0, 2000), 'truncated.jpg', 'image/jpeg');
    assert.equal(truncated.status, 'failure');
    assert.equal(truncated.error.type, 'media_error');
    assert.equal(truncated.error.code, 25);
    assert.equal(truncated.request.operations, 0);

    const random = await checkFile(app.page, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)), 'random.jpg');
    assert.deepEqual([random.status, random.error.type, random.error.code], ['failure', 'media_error', 21]);

    const empty = await checkFile(app.page, Buffer.alloc(0), 'empty.jpg');
    assert.deepEqual([empty.status, empty.error.code], ['failure', 22]);

    const again = await checkFile(app.page, astronaut, 'astronaut.jpg');
    assert.equal(again.status, 'success');
    assert.equal(again.faces.length, 1);
  });

  it('answers bad arguments with argument errors', async () => {
    const [unknownModel, empty] = await app.page.evaluate(async () => [
      await window.deepfakeDetector.check({ url: 'https://example.com/a.jpg' }, { models: 'deepfake,nudity' }),
      await window.deepfakeDetector.check({}),
    ]);
    assert.deepEqual([unknownModel.status, unknownModel.error.type, unknownModel.error.code], ['failure', 'argument_error', 11]);
    assert.deepEqual([empty.status, empty.error.type, empty.error.code], ['failure', 'argument_error', 10]);
  });

  it('shows the verdict, the face and the JSON when a file is picked in the page', async () => {
    await app.page.setInputFiles('#file', { name: 'astronaut.jpg', mimeType: 'image/jpeg', buffer: astronaut });
    await app.page.waitForFunction(() => document.getElementById('status')?.textContent?.startsWith('Checked'), null, { timeout: 30_000 });
    const verdict = await app.page.textContent('#verdict');
    assert.match(verdict, /face/i);
    const json = JSON.parse(await app.page.textContent('#json'));
    assert.equal(json.status, 'success');
    assert.match(await app.page.textContent('#faces-caption'), /Face 1: \d+%/);
  });

  it('puts its load steps on the page\'s timeline, the worker\'s each after those it needs', async () => {
    const steps = await loadSteps(app.page);
    const names = steps.map((step) => step.name);
    assert.ok(names.includes('face detector: load'), JSON.stringify(names));
    const classifier = new Map(steps.filter((step) => step.name.startsWith('classifier: ')).map((step) => [step.name.slice('classifier: '.length), step]));
    // The page checks the shipped model's hash; headless Chromium without a GPU answers the probe with no adapter.
    assert.deepEqual(
      [...classifier.keys()].sort(),
      ["check the model's SHA-256", 'create the wasm session', 'fetch the model', 'import onnxruntime-web', 'look for a hardware GPU'],
    );
    for (const step of classifier.values()) assert.ok(step.start > 0 && step.end >= step.start, JSON.stringify(step));
    // The model's fetch and hash on one side, the adapter query and the runtime's import on the other; the session
    // after both. A millisecond of slack: the page's measures are rounded.
    for (const [before, after] of [
      ['fetch the model', "check the model's SHA-256"],
      ["check the model's SHA-256", 'create the wasm session'],
      ['look for a hardware GPU', 'import onnxruntime-web'],
      ['import onnxruntime-web', 'create the wasm session'],
    ]) {
      assert.ok(classifier.get(after).start >= classifier.get(before).end - 1, `${after} after ${before}: ${JSON.stringify([...classifier])}`);
    }
  });

  it('never sent a request beyond the page\'s own origin, nor the media bytes anywhere', () => {
    assert.deepEqual(leaks(app), { foreign: [], uploads: [] });
    assert.ok(app.requests.length > 5, 'the recorder saw the page load');
  });

  it('decoded the files in its decoding worker, not on the page\'s thread', () => {
    assert.ok(app.requests.some((request) => /\/assets\/decode-worker-[^/]+\.js$/.test(request.url)), 'the decoding worker was loaded');
  });

  it('loaded onnxruntime-web\'s plain WASM build, not the twice larger WebGPU one, on a page without a hardware GPU', () => {
    // The service worker fetches every file of the build for offline use once the page is ready; the page itself needs one build.
    const loaded = app.requests.filter((request) => !request.byServiceWorker && /\/assets\/ort-wasm[^/]*\.wasm$/.test(request.url));
    assert.equal(loaded.length, 1, JSON.stringify(loaded.map((request) => request.url)));
    assert.doesNotMatch(loaded[0].url, /jsep/);
  });

  it('logged no page errors and no failed requests', () => {
    assert.deepEqual(app.problems, []);
  });
});

describe('the warm-up after loading', () => {
  let app;
  before(async () => {
    app = await openApp();
    await waitUntilReady(app.page);
  });
  after(() => app?.close());

  it('runs on its own once the page has loaded: the decoding worker starts before any check is made', async () => {
    // The page's own request, not the service worker's, which fetches every file of the build for offline use.
    const started = () => app.requests.some((request) => !request.byServiceWorker && /\/assets\/decode-worker-[^/]+\.js$/.test(request.url));
    for (let waited = 0; waited < 30_000 && !started(); waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.ok(started(), 'no check was made, yet the warm-up should have decoded its blank picture in the worker');
  });

  it('answers the same whether the warm-up after loading finished, was cut short by a check, or was turned off', async () => {
    const scores = await app.page.evaluate(async (base64) => {
      const media = new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], 'astronaut.jpg', { type: 'image/jpeg' });
      const scoreWith = async (options, idleMs) => {
        const detector = await window.createDeepfakeDetector(options);
        await new Promise((resolve) => setTimeout(resolve, idleMs));
        const response = await detector.check({ media });
        detector.close();
        return response.status === 'success' ? response.faces.map((face) => face.deepfake) : response;
      };
      return {
        warmedUp: await scoreWith({}, 3000),
        checkedAtOnce: await scoreWith({}, 0),
        withoutWarmUp: await scoreWith({ warmUp: false }, 0),
        pageDetector: (await window.deepfakeDetector.check({ media })).faces.map((face) => face.deepfake),
      };
    }, astronaut.toString('base64'));
    assert.equal(scores.pageDetector.length, 1, JSON.stringify(scores));
    for (const [name, faces] of Object.entries(scores)) {
      assert.ok(Array.isArray(faces) && faces.length === 1, `${name}: ${JSON.stringify(faces)}`);
      assert.ok(Math.abs(faces[0] - scores.pageDetector[0]) < 1e-6, JSON.stringify(scores));
    }
  });

  it('logged no page errors and no failed requests', () => {
    assert.deepEqual(app.problems, []);
  });
});

describe('two WASM threads under the page\'s strict CSP', () => {
  it('loads and checks with ?threads=2, no CSP violation and nothing from elsewhere', async () => {
    const app = await openApp({ path: '/?threads=2' });
    try {
      await waitUntilReady(app.page);
      assert.match(await app.page.textContent('#engine'), /2 threads/);
      const response = await checkFile(app.page, astronaut, 'astronaut.jpg');
      assert.deepEqual([response.status, response.faces.length], ['success', 1]);
      assert.deepEqual(app.problems, [], 'a CSP violation is logged as a console error');
      assert.deepEqual(leaks(app), { foreign: [], uploads: [] });
    } finally {
      await app.close();
    }
  });
});
