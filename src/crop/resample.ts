/**
 * Resamples a square of an RGBA image to an RGB crop with a separable
 * triangle filter whose support widens with the downscale factor (bilinear
 * when enlarging, area-like antialiasing when shrinking). Coordinates outside
 * the image repeat its edge pixels. Written without canvas so that Python
 * (training/sbi/crop.py) reproduces it exactly and unit tests need no browser.
 */
import type { CropSquare } from './geometry';

export interface RgbaImage {
  width: number;
  height: number;
  /** width * height * 4 bytes, row-major RGBA. */
  data: Uint8Array | Uint8ClampedArray;
}

interface Taps {
  first: number;
  weights: Float64Array;
}

/** Filter taps along one axis: for each output sample, the first source index and normalised weights. */
export function axisTaps(start: number, side: number, size: number): Taps[] {
  const scale = side / size;
  const support = Math.max(1, scale);
  return Array.from({ length: size }, (_, i) => {
    const center = start + (i + 0.5) * scale;
    const first = Math.floor(center - support);
    const last = Math.ceil(center + support);
    const weights = new Float64Array(last - first + 1);
    let sum = 0;
    for (let j = first; j <= last; j++) {
      const weight = Math.max(0, 1 - Math.abs(j + 0.5 - center) / support);
      weights[j - first] = weight;
      sum += weight;
    }
    for (let k = 0; k < weights.length; k++) weights[k]! /= sum;
    return { first, weights };
  });
}

const clampIndex = (index: number, length: number) => (index < 0 ? 0 : index >= length ? length - 1 : index);

/** The `size` x `size` RGB crop (row-major, 3 bytes a pixel) of `square`. */
export function resampleSquare(image: RgbaImage, square: CropSquare, size: number): Uint8Array {
  const columns = axisTaps(square.x, square.side, size);
  const rows = axisTaps(square.y, square.side, size);
  const rowFirst = Math.min(...rows.map((r) => r.first));
  const rowLast = Math.max(...rows.map((r) => r.first + r.weights.length - 1));

  // Horizontal pass over every source row the vertical pass will read.
  const band = new Float64Array((rowLast - rowFirst + 1) * size * 3);
  for (let j = rowFirst; j <= rowLast; j++) {
    const rowOffset = clampIndex(j, image.height) * image.width * 4;
    const bandOffset = (j - rowFirst) * size * 3;
    columns.forEach(({ first, weights }, x) => {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = 0; k < weights.length; k++) {
        const at = rowOffset + clampIndex(first + k, image.width) * 4;
        const w = weights[k]!;
        r += w * image.data[at]!;
        g += w * image.data[at + 1]!;
        b += w * image.data[at + 2]!;
      }
      band[bandOffset + x * 3] = r;
      band[bandOffset + x * 3 + 1] = g;
      band[bandOffset + x * 3 + 2] = b;
    });
  }

  const out = new Uint8Array(size * size * 3);
  rows.forEach(({ first, weights }, y) => {
    for (let x = 0; x < size * 3; x++) {
      let value = 0;
      for (let k = 0; k < weights.length; k++) value += weights[k]! * band[(first + k - rowFirst) * size * 3 + x]!;
      out[y * size * 3 + x] = Math.min(255, Math.max(0, Math.floor(value + 0.5)));
    }
  });
  return out;
}
