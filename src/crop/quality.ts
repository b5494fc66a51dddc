/**
 * Flags faces whose score deserves less trust. Heuristics, documented in the
 * README: they do not change the score, they say how far to trust it.
 */
import { cutByEdge, type Box } from './geometry';
import type { Uncertainty } from '../respond/types';

/** A face narrower than this many source pixels is enlarged more than 2x into the 160 px crop. */
export const SMALL_FACE_PIXELS = 80;
/**
 * Variance of the 4-neighbour Laplacian of the crop's luma below which it is
 * called blurred. Faces are smooth: on 400 training crops
 * (`python -m sbi.blur_stats`) the median is 41 and the 5th percentile 9,
 * while the same crops blurred with sigma 2 have a median of 4.7 and a 90th
 * percentile of 7.2. So 8 flags about 4% of sharp photos and most blurred ones.
 */
export const BLUR_VARIANCE_THRESHOLD = 8;
/**
 * A crop that is not blurry is called smoothed when more than half its pixels have a |Laplacian| under this (its
 * median is under it): its edges are sharp but the fine texture between them (pores, hair, grain) is gone, as after
 * a beauty filter. The variance above is ruled by the few strong edges a beauty filter keeps; the median reads the
 * many pixels between them. The model flags such real faces often (smooth skin inside sharp outlines is what a
 * pasted face looks like), so the mark says to trust a high score less. Measured with `python -m sbi.smooth_stats`
 * (README): 1.5 is near the 5th percentile of sharp training faces' medians. Counting, not sorting, keeps it cheap.
 */
export const SMOOTH_THRESHOLD = 1.5;

/** The 4-neighbour Laplacian of the crop's luma inside its border (sbi.blur_stats.laplacian is its twin). */
export function laplacian(rgb: Uint8Array, size: number): Float64Array {
  const luma = new Float64Array(size * size);
  for (let i = 0; i < luma.length; i++) luma[i] = 0.299 * rgb[i * 3]! + 0.587 * rgb[i * 3 + 1]! + 0.114 * rgb[i * 3 + 2]!;
  const inner = size - 2;
  const values = new Float64Array(inner * inner);
  for (let y = 1; y < size - 1; y++) {
    for (let x = 1; x < size - 1; x++) {
      const at = y * size + x;
      values[(y - 1) * inner + x - 1] = luma[at - 1]! + luma[at + 1]! + luma[at - size]! + luma[at + size]! - 4 * luma[at]!;
    }
  }
  return values;
}

export function variance(values: Float64Array): number {
  let sum = 0;
  let squares = 0;
  for (const value of values) {
    sum += value;
    squares += value * value;
  }
  const mean = sum / values.length;
  return squares / values.length - mean * mean;
}

/** The share of `values` whose magnitude is under `limit`. */
export function shareUnder(values: Float64Array, limit: number): number {
  let under = 0;
  for (const value of values) if (Math.abs(value) < limit) under++;
  return under / values.length;
}

/**
 * A face cut off by the picture's edge (cutByEdge in geometry.ts) is cropped around its keypoints, but what the
 * crop shows past the edge is repeated pixels, not the face: its score is still less sure.
 */
export function uncertainty(face: Box, width: number, height: number, crop: Uint8Array, size: number): Uncertainty[] {
  const reasons: Uncertainty[] = [];
  if (Math.min(face.width, face.height) < SMALL_FACE_PIXELS) reasons.push('small');
  const detail = laplacian(crop, size);
  if (variance(detail) < BLUR_VARIANCE_THRESHOLD) reasons.push('blurry');
  else if (shareUnder(detail, SMOOTH_THRESHOLD) > 0.5) reasons.push('smoothed');
  if (cutByEdge(face, width, height)) reasons.push('cut');
  return reasons;
}
