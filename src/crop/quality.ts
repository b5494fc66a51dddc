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

export function laplacianVariance(rgb: Uint8Array, size: number): number {
  const luma = new Float64Array(size * size);
  for (let i = 0; i < luma.length; i++) luma[i] = 0.299 * rgb[i * 3]! + 0.587 * rgb[i * 3 + 1]! + 0.114 * rgb[i * 3 + 2]!;
  let sum = 0;
  let squares = 0;
  let count = 0;
  for (let y = 1; y < size - 1; y++) {
    for (let x = 1; x < size - 1; x++) {
      const at = y * size + x;
      const value = luma[at - 1]! + luma[at + 1]! + luma[at - size]! + luma[at + size]! - 4 * luma[at]!;
      sum += value;
      squares += value * value;
      count++;
    }
  }
  const mean = sum / count;
  return squares / count - mean * mean;
}

/**
 * A face cut off by the picture's edge (cutByEdge in geometry.ts) is cropped around its keypoints, but what the
 * crop shows past the edge is repeated pixels, not the face: its score is still less sure.
 */
export function uncertainty(face: Box, width: number, height: number, crop: Uint8Array, size: number): Uncertainty[] {
  const reasons: Uncertainty[] = [];
  if (Math.min(face.width, face.height) < SMALL_FACE_PIXELS) reasons.push('small');
  if (laplacianVariance(crop, size) < BLUR_VARIANCE_THRESHOLD) reasons.push('blurry');
  if (cutByEdge(face, width, height)) reasons.push('cut');
  return reasons;
}
