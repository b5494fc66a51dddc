/** Input limits, enforced before decoding; at least as generous as the hosted API (12 MB, 64 MP, 60 s videos). */
export interface MediaLimits {
  /** Largest accepted file, in bytes. */
  maxFileBytes: number;
  /** Largest accepted image, in pixels (width x height). */
  maxPixels: number;
  /** Longest accepted video, in seconds. */
  maxVideoSeconds: number;
}

export const DEFAULT_LIMITS: MediaLimits = {
  maxFileBytes: 50 * 1024 * 1024,
  maxPixels: 64_000_000,
  maxVideoSeconds: 600,
};
