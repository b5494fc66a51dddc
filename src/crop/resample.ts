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

/**
 * One axis's taps flattened for the inner loops: for output sample i, taps
 * start[i] .. start[i + 1] - 1, each a source index (clamped into the image)
 * and its weight, in the order axisTaps gives them, so every sum adds the
 * same terms in the same order as the plain formulation (and Python's).
 */
function flatTaps(taps: Taps[], length: number) {
  const start = new Int32Array(taps.length + 1);
  taps.forEach((tap, i) => (start[i + 1] = start[i]! + tap.weights.length));
  const index = new Int32Array(start[taps.length]!);
  const weight = new Float64Array(start[taps.length]!);
  taps.forEach(({ first, weights }, i) => {
    for (let k = 0; k < weights.length; k++) {
      index[start[i]! + k] = clampIndex(first + k, length);
      weight[start[i]! + k] = weights[k]!;
    }
  });
  return { start, index, weight };
}

/** The `size` x `size` RGB crop (row-major, 3 bytes a pixel) of `square`. */
export function resampleSquare(image: RgbaImage, square: CropSquare, size: number): Uint8Array {
  const columnTaps = axisTaps(square.x, square.side, size);
  const rowTaps = axisTaps(square.y, square.side, size);
  const rowFirst = Math.min(...rowTaps.map((r) => r.first));
  const rowLast = Math.max(...rowTaps.map((r) => r.first + r.weights.length - 1));
  const columns = flatTaps(columnTaps, image.width);
  const data = image.data;
  const stride = size * 3;

  // Horizontal pass over every source row the vertical pass will read.
  const band = new Float64Array((rowLast - rowFirst + 1) * stride);
  for (let j = rowFirst; j <= rowLast; j++) {
    const rowOffset = clampIndex(j, image.height) * image.width * 4;
    const bandOffset = (j - rowFirst) * stride;
    for (let x = 0; x < size; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let t = columns.start[x]!, end = columns.start[x + 1]!; t < end; t++) {
        const at = rowOffset + columns.index[t]! * 4;
        const w = columns.weight[t]!;
        r += w * data[at]!;
        g += w * data[at + 1]!;
        b += w * data[at + 2]!;
      }
      band[bandOffset + x * 3] = r;
      band[bandOffset + x * 3 + 1] = g;
      band[bandOffset + x * 3 + 2] = b;
    }
  }

  // Vertical pass, a whole output row at a time so that the inner loop runs along memory.
  const out = new Uint8Array(size * stride);
  const sums = new Float64Array(stride);
  rowTaps.forEach(({ first, weights }, y) => {
    sums.fill(0);
    for (let k = 0; k < weights.length; k++) {
      const w = weights[k]!;
      const from = (first + k - rowFirst) * stride;
      for (let x = 0; x < stride; x++) sums[x]! += w * band[from + x]!;
    }
    for (let x = 0; x < stride; x++) out[y * stride + x] = Math.min(255, Math.max(0, Math.floor(sums[x]! + 0.5)));
  });
  return out;
}
