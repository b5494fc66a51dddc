import { describe, expect, it } from 'vitest';
import { defaultThreads, toInputTensor } from '../../src/classify/classifier';
import { readFileSync } from 'node:fs';
import { BLUR_VARIANCE_THRESHOLD, laplacian, shareUnder, SMALL_FACE_PIXELS, SMOOTH_THRESHOLD, uncertainty, variance } from '../../src/crop/quality';
import { resampleSquare } from '../../src/crop/resample';
import { syntheticImage } from '../../src/crop/synthetic';

describe('classifier input', () => {
  it('turns HWC RGB bytes into one NCHW float batch', () => {
    const a = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const b = a.map((v) => v + 100);
    expect(Array.from(toInputTensor([a, b], 2))).toEqual([1, 4, 7, 10, 2, 5, 8, 11, 3, 6, 9, 12, 101, 104, 107, 110, 102, 105, 108, 111, 103, 106, 109, 112]);
  });

  it('refuses a crop of the wrong size', () => {
    expect(() => toInputTensor([new Uint8Array(5)], 2)).toThrow(RangeError);
  });

  it('writes into the buffer it is given, which must fit the batch exactly', () => {
    const out = new Float32Array(12);
    expect(toInputTensor([Uint8Array.from({ length: 12 }, (_, i) => i)], 2, out)).toBe(out);
    expect(Array.from(out)).toEqual([0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11]);
    expect(() => toInputTensor([new Uint8Array(12)], 2, new Float32Array(24))).toThrow(RangeError);
  });
});

describe('default WASM threads', () => {
  it('uses one per core, at most 4, where the page is cross-origin isolated', () => {
    expect(defaultThreads(true, 2)).toBe(2);
    expect(defaultThreads(true, 16)).toBe(4);
    expect(defaultThreads(true, 0)).toBe(1);
  });

  it('stays at one thread without isolation, where WASM threads cannot start', () => {
    expect(defaultThreads(false, 8)).toBe(1);
  });
});

/** A 3x3 box blur applied `passes` times: approximates a Gaussian blur. */
function boxBlur(rgb: Uint8Array, size: number, passes: number): Uint8Array {
  let current = rgb;
  for (let p = 0; p < passes; p++) {
    const next = new Uint8Array(current.length);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        for (let c = 0; c < 3; c++) {
          let sum = 0;
          let n = 0;
          for (let dy = -1; dy <= 1; dy++) {
            for (let dx = -1; dx <= 1; dx++) {
              const yy = Math.min(size - 1, Math.max(0, y + dy));
              const xx = Math.min(size - 1, Math.max(0, x + dx));
              sum += current[(yy * size + xx) * 3 + c]!;
              n++;
            }
          }
          next[(y * size + x) * 3 + c] = Math.round(sum / n);
        }
      }
    }
    current = next;
  }
  return current;
}

describe('face quality flags', () => {
  const sharp = resampleSquare(syntheticImage(160, 160), { x: 0, y: 0, side: 160 }, 160);
  const square = (x: number, y: number, side: number) => ({ x, y, width: side, height: side });
  /** Fine texture of a few pixels' period, like skin and hair at crop scale. */
  const texture = new Uint8Array(160 * 160 * 3);
  for (let i = 0; i < 160 * 160; i++) {
    const value = Math.round(128 + 50 * Math.sin((i % 160) * 0.9) * Math.sin(Math.floor(i / 160) * 0.7));
    texture.fill(value, i * 3, i * 3 + 3);
  }

  it('calls a textured crop sharp and the same crop blurred (six 3x3 box passes, sigma about 2) blurry', () => {
    expect(variance(laplacian(texture, 160))).toBeGreaterThan(BLUR_VARIANCE_THRESHOLD);
    expect(variance(laplacian(boxBlur(texture, 160, 6), 160))).toBeLessThan(BLUR_VARIANCE_THRESHOLD);
  });

  it('computes what training/sbi/blur_stats.py computes on the shared pattern', () => {
    const expected = JSON.parse(readFileSync(new URL('../fixtures/quality-cases.json', import.meta.url), 'utf8'));
    const pattern = resampleSquare(syntheticImage(expected.size, expected.size), { x: 0, y: 0, side: expected.size }, expected.size);
    const detail = laplacian(pattern, expected.size);
    expect(variance(detail)).toBeCloseTo(expected.laplacianVariance, 6);
    expect(shareUnder(detail, SMOOTH_THRESHOLD)).toBe(expected.shareUnderSmoothThreshold);
  });

  /** Skin colour against a dark half, as a face's outline, with grain of about `grain` grey levels. */
  const skinWithAnEdge = (grain: number) => {
    const rgb = new Uint8Array(160 * 160 * 3);
    let seed = 1;
    for (let i = 0; i < 160 * 160; i++) {
      const colour = i % 160 < 80 ? [200, 150, 130] : [40, 30, 30];
      for (let c = 0; c < 3; c++) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        rgb[i * 3 + c] = Math.round(colour[c]! + grain * (seed / 2 ** 31 - 0.5) * 2);
      }
    }
    return rgb;
  };

  it('marks sharp outlines without fine texture smoothed, and the same with grain neither smoothed nor blurry', () => {
    expect(uncertainty(square(10, 10, 400), 1000, 1000, skinWithAnEdge(0), 160)).toEqual(['smoothed']);
    expect(uncertainty(square(10, 10, 400), 1000, 1000, skinWithAnEdge(10), 160)).toEqual([]);
  });

  it('flags small faces and says nothing about sharp, large ones', () => {
    expect(uncertainty(square(10, 10, SMALL_FACE_PIXELS - 1), 1000, 1000, sharp, 160)).toEqual(['small']);
    expect(uncertainty(square(10, 10, 400), 1000, 1000, sharp, 160)).toEqual([]);
    expect(uncertainty(square(10, 10, 30), 1000, 1000, new Uint8Array(160 * 160 * 3).fill(90), 160)).toEqual(['small', 'blurry']);
  });

  it('flags a face cut by the picture\'s edge, and not one inside it (the rule: crop.test.ts)', () => {
    expect(uncertainty(square(100, 0, 200), 640, 480, sharp, 160)).toEqual(['cut']);
    expect(uncertainty(square(100, 100, 200), 640, 480, sharp, 160)).toEqual([]);
  });
});
