import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cropSquare, cutByEdge, EDGE_TOLERANCE, keypointCentre, TIGHT_CROP_SHARE } from '../../src/crop/geometry';
import { axisTaps, resampleSquare } from '../../src/crop/resample';
import { syntheticImage } from '../../src/crop/synthetic';

const FIXTURE = new URL('../fixtures/crop-cases.json', import.meta.url);

interface CropCase {
  name: string;
  image: { width: number; height: number };
  face: { x: number; y: number; width: number; height: number; keypoints?: Array<{ x: number; y: number }> };
  size: number;
  square?: { x: number; y: number; side: number };
  rgbBase64?: string;
}

const CASES: CropCase[] = [
  { name: 'face inside, downscaled', image: { width: 120, height: 90 }, face: { x: 30, y: 20, width: 50, height: 60 }, size: 16 },
  { name: 'face at the left edge, shifted inside', image: { width: 120, height: 90 }, face: { x: -5, y: 10, width: 40, height: 40 }, size: 16 },
  { name: 'tiny face, upscaled', image: { width: 64, height: 64 }, face: { x: 20.5, y: 30.25, width: 6, height: 5 }, size: 16 },
  { name: 'face larger than the image, edge-padded', image: { width: 40, height: 70 }, face: { x: 0, y: 10, width: 40, height: 55 }, size: 24 },
  { name: 'portrait image, fractional box', image: { width: 33, height: 97 }, face: { x: 3.7, y: 41.2, width: 21.9, height: 26.3 }, size: 20 },
  {
    name: 'face cut by the top edge, centred on its keypoints',
    image: { width: 120, height: 90 },
    face: { x: 40.5, y: 0, width: 30, height: 30, keypoints: [{ x: 49, y: 2.5 }, { x: 62, y: 3 }, { x: 55.5, y: 9 }, { x: 55, y: 16.25 }, { x: 41, y: 5 }, { x: 70, y: 6 }] },
    size: 16,
  },
];

function run(c: CropCase) {
  const square = cropSquare(c.face, c.image.width, c.image.height);
  const rgb = resampleSquare(syntheticImage(c.image.width, c.image.height), square, c.size);
  return { square, rgb };
}

describe('crop geometry', () => {
  it('centres a square of the longest side on the face', () => {
    expect(cropSquare({ x: 100, y: 100, width: 50, height: 80 }, 1000, 1000)).toEqual({ x: 85, y: 100, side: 80 });
  });

  it('shifts the square inside the image at every edge', () => {
    expect(cropSquare({ x: -10, y: -10, width: 40, height: 40 }, 100, 100)).toEqual({ x: 0, y: 0, side: 40 });
    expect(cropSquare({ x: 80, y: 90, width: 40, height: 40 }, 100, 100)).toEqual({ x: 60, y: 60, side: 40 });
  });

  it('keeps a square larger than the image centred on the face (non-square image)', () => {
    const square = cropSquare({ x: 0, y: 40, width: 50, height: 120 }, 60, 200);
    expect(square.side).toBe(120);
    expect(square.x).toBe(25 - 60);
    expect(square.y).toBe(40);
  });

  it('centres the square of a face cut by the picture\'s edge on its eyes and mouth, without moving it inside', () => {
    const keypoints = [{ x: 30, y: 4 }, { x: 50, y: 6 }, { x: 40, y: 12 }, { x: 40, y: 20 }, { x: 22, y: 8 }, { x: 58, y: 9 }];
    expect(keypointCentre(keypoints)).toEqual({ x: 40, y: 12.5 });
    // MediaPipe clamped this box at the top: centred on the keypoints, the square reaches 2.5 px past it.
    expect(cropSquare({ x: 25, y: 0, width: 30, height: 30, keypoints }, 200, 200)).toEqual({ x: 25, y: -2.5, side: 30 });
    // The same face wholly inside the picture keeps its box's square.
    const inside = keypoints.map(({ x, y }) => ({ x, y: y + 50 }));
    expect(cropSquare({ x: 25, y: 50, width: 30, height: 30, keypoints: inside }, 200, 200)).toEqual({ x: 25, y: 50, side: 30 });
  });

  it('calls a face cut when its box meets an edge, unless it spans half the picture along that axis', () => {
    const square = (x: number, y: number, side: number) => ({ x, y, width: side, height: side });
    expect(cutByEdge(square(100, 100, 200), 640, 480)).toBe(false);
    for (const face of [square(0, 100, 200), square(100, 0, 200), square(440, 100, 200), square(100, 280, 200), square(100, 282, 200)]) {
      expect(cutByEdge(face, 640, 480), JSON.stringify(face)).toBe(true);
    }
    expect(cutByEdge(square(100, EDGE_TOLERANCE * 200 * 2, 200), 640, 1000)).toBe(false);
    // A face photo cropped tight (a dfdc-dev crop): the box meets the edges with nothing cut away.
    expect(cutByEdge({ x: 0, y: 12, width: 207, height: 207 }, 224, 224)).toBe(false);
    expect(cutByEdge(square(0, 100, TIGHT_CROP_SHARE * 640), 640, 1000)).toBe(false);
  });

  it('is linear in the margin', () => {
    expect(cropSquare({ x: 40, y: 40, width: 20, height: 20 }, 100, 100, 2).side).toBe(40);
  });
});

describe('crop resampling', () => {
  it('weights of every output sample sum to one', () => {
    for (const [side, size] of [[10, 160], [160, 160], [2000, 160]] as const) {
      for (const taps of axisTaps(3.3, side, size)) {
        expect(taps.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      }
    }
  });

  it('copies pixels exactly when the square is the image at its own size', () => {
    const image = syntheticImage(16, 16);
    const rgb = resampleSquare(image, { x: 0, y: 0, side: 16 }, 16);
    for (let i = 0; i < 16 * 16; i++) {
      expect([rgb[i * 3], rgb[i * 3 + 1], rgb[i * 3 + 2]]).toEqual([image.data[i * 4], image.data[i * 4 + 1], image.data[i * 4 + 2]]);
    }
  });

  it('averages a flat colour to the same colour at any scale, also past the edges', () => {
    const flat = { width: 50, height: 30, data: new Uint8Array(50 * 30 * 4).fill(77) };
    for (const square of [{ x: -20, y: -20, side: 90 }, { x: 10, y: 5, side: 3 }, { x: 0, y: 0, side: 30 }]) {
      expect(new Set(resampleSquare(flat, square, 12))).toEqual(new Set([77]));
    }
  });

  it('matches the fixture that the Python twin (training/sbi/crop.py) must also reproduce', () => {
    if (process.env.UPDATE_FIXTURES || !existsSync(FIXTURE)) {
      const cases = CASES.map((c) => {
        const { square, rgb } = run(c);
        return { ...c, square, rgbBase64: Buffer.from(rgb).toString('base64') };
      });
      writeFileSync(FIXTURE, JSON.stringify(cases, null, 1) + '\n');
    }
    const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as CropCase[];
    expect(fixture.map((c) => c.name)).toEqual(CASES.map((c) => c.name));
    for (const c of fixture) {
      const { square, rgb } = run(c);
      expect(square).toEqual(c.square);
      expect(Buffer.from(rgb).toString('base64')).toBe(c.rgbBase64);
    }
  });
});
