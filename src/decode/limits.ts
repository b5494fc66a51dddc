import { DetectorError } from '../respond/errors';

/** Input limits, enforced before decoding; at least as generous as the hosted API (12 MB, 64 MP, 60 s videos). */
export interface MediaLimits {
  /** Largest accepted file, in bytes. */
  maxFileBytes: number;
  /** Largest accepted image, in pixels (width x height). */
  maxPixels: number;
  /** Longest accepted video, in seconds. */
  maxVideoSeconds: number;
  /**
   * Larger images are decoded downscaled to this many pixels: it bounds the
   * memory the image holds through a check (4 bytes a pixel), well within
   * iOS Safari's canvas cap of 16,777,216 px. More pixels would give the
   * classifier nothing: no face narrower than 1/18 of the long side is found
   * (`node bench/smallest-face.mjs`), and at 8 MP the long side is at least
   * 2,896 px (a square), so the smallest face found is still 160 px, the
   * classifier's crop. JPEG's n/8 scales (decode-protocol.ts) may land lower,
   * down to 3/4 of the bound's side in the worst case. Only upright JPEGs,
   * decoded straight at a smaller scale where the browser can, are never
   * held at full size: other decodes hold the full-size pixels while they
   * scale them (`npm run bench`, memory during a check).
   */
  maxDecodedPixels: number;
}

export const DEFAULT_LIMITS: MediaLimits = {
  maxFileBytes: 50 * 1024 * 1024,
  maxPixels: 64_000_000,
  maxVideoSeconds: 600,
  maxDecodedPixels: 8_388_608,
};

/**
 * The size to decode an image at: its displayed size (EXIF orientations 5-8
 * turn it a quarter, swapping width and height), scaled down evenly to at
 * most `maxPixels`; null when it fits as it is.
 */
export function boundedDecodeSize(width: number, height: number, orientation: number, maxPixels: number): { width: number; height: number } | null {
  const [shownWidth, shownHeight] = orientation >= 5 ? [height, width] : [width, height];
  if (shownWidth * shownHeight <= maxPixels) return null;
  const scale = Math.sqrt(maxPixels / (shownWidth * shownHeight));
  return { width: Math.max(1, Math.floor(shownWidth * scale)), height: Math.max(1, Math.floor(shownHeight * scale)) };
}

/** Refuses an empty file or one over the size limit, before any byte of it is read. */
export function checkFileSize(blob: Blob, limits: MediaLimits): void {
  if (blob.size === 0) throw new DetectorError('empty_file');
  if (blob.size > limits.maxFileBytes) {
    throw new DetectorError('file_too_large', `It has ${megabytes(blob.size)} MB; the limit is ${megabytes(limits.maxFileBytes)} MB.`);
  }
}

function megabytes(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
