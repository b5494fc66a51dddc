/**
 * Every way a check can fail, with the hosted API's error type names and a
 * stable integer code per cause. Codes are part of the public contract
 * (listed in the README): never renumber, only add.
 */
export type ErrorType = 'argument_error' | 'media_error' | 'api_error' | 'unknown_error';

export const ERRORS = {
  empty_request: { type: 'argument_error', code: 10, message: 'The request names no media: pass { media } or { url }.' },
  unknown_model: { type: 'argument_error', code: 11, message: 'Unknown model name: only "deepfake" is available.' },
  invalid_argument: { type: 'argument_error', code: 12, message: 'An argument has an invalid value.' },
  invalid_url: { type: 'argument_error', code: 13, message: 'The URL is not a valid http(s) URL.' },
  unsupported_media: { type: 'media_error', code: 21, message: 'The file is not a supported image or video.' },
  empty_file: { type: 'media_error', code: 22, message: 'The file is empty (0 bytes).' },
  file_too_large: { type: 'media_error', code: 23, message: 'The file is larger than the size limit.' },
  too_many_pixels: { type: 'media_error', code: 24, message: 'The image has more pixels than the limit.' },
  corrupt_media: { type: 'media_error', code: 25, message: 'The image could not be decoded: the file is corrupt or truncated.' },
  url_unreachable: { type: 'media_error', code: 26, message: 'The URL could not be fetched (network error, or the server refused cross-origin access).' },
  url_http_error: { type: 'media_error', code: 27, message: 'The server answered the URL with an HTTP error.' },
  video_too_long: { type: 'media_error', code: 28, message: 'The video is longer than the length limit.' },
  no_video_frames: { type: 'media_error', code: 29, message: 'The video has no decodable frames.' },
  model_unavailable: { type: 'api_error', code: 30, message: 'The detector could not load its model or runtime files.' },
  model_integrity: { type: 'api_error', code: 31, message: 'A model file failed its integrity check.' },
  inference_failed: { type: 'api_error', code: 32, message: 'The detector could not run its model.' },
  out_of_memory: { type: 'api_error', code: 33, message: 'The device ran out of memory while checking the media.' },
  unknown: { type: 'unknown_error', code: 40, message: 'Something unexpected went wrong while checking the media.' },
  cancelled: { type: 'unknown_error', code: 41, message: 'The check was cancelled by its caller (AbortSignal).' },
} as const satisfies Record<string, { type: ErrorType; code: number; message: string }>;

export type ErrorCause = keyof typeof ERRORS;

/** A failure of one pipeline stage, carrying the cause that the response will report. */
export class DetectorError extends Error {
  override name = 'DetectorError';
  readonly reason: ErrorCause;
  readonly type: ErrorType;
  readonly code: number;

  constructor(cause: ErrorCause, detail?: string, options?: { cause?: unknown }) {
    super(detail ? `${ERRORS[cause].message} ${detail}` : ERRORS[cause].message, options);
    this.reason = cause;
    this.type = ERRORS[cause].type;
    this.code = ERRORS[cause].code;
  }
}

/** Maps anything thrown inside a check to the error the caller sees. */
export function toDetectorError(error: unknown): DetectorError {
  if (error instanceof DetectorError) return error;
  if (error instanceof DOMException && error.name === 'AbortError') return new DetectorError('cancelled', undefined, { cause: error });
  if (error instanceof RangeError || (error instanceof Error && /out of memory|allocation failed/i.test(error.message))) {
    return new DetectorError('out_of_memory', undefined, { cause: error });
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new DetectorError('unknown', detail ? `(${detail})` : undefined, { cause: error });
}
