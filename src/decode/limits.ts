/** Input limits, enforced before decoding; at least as generous as the hosted API (12 MB, 64 MP). */
export interface MediaLimits {
  /** Largest accepted file, in bytes. */
  maxFileBytes: number;
  /** Largest accepted image, in pixels (width x height). */
  maxPixels: number;
}

export const DEFAULT_LIMITS: MediaLimits = {
  maxFileBytes: 50 * 1024 * 1024,
  maxPixels: 64_000_000,
};
