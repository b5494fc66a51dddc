/** respond: ids, timestamps and the contract's success and failure objects. */
import { type DetectorError } from './errors';
import type { Failure, FaceResult, ImageSuccess, MediaInfo, ModelInfo, RequestInfo, Timings, VideoSuccess } from './types';

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A `prefix_` id of 20 random URL-safe characters (about 119 bits). */
export function randomId(prefix: 'req' | 'med'): string {
  const bytes = crypto.getRandomValues(new Uint8Array(20));
  // 248 is the largest multiple of 62 below 256; higher bytes are rare, and their bias is negligible here.
  return `${prefix}_${Array.from(bytes, (byte) => ID_ALPHABET[byte % ID_ALPHABET.length]).join('')}`;
}

export function requestInfo(operations: number, now: number = Date.now()): RequestInfo {
  return { id: randomId('req'), timestamp: Math.round(now) / 1000, operations };
}

/** Never reveal a blob: or data: URL (they carry or point at the media itself); keep plain names and http(s) URLs. */
export function mediaUri(candidate: string | null | undefined): string | null {
  if (!candidate) return null;
  return /^(blob|data):/i.test(candidate.trim()) ? null : candidate;
}

export function mediaInfo(uri: string | null | undefined): MediaInfo {
  return { id: randomId('med'), uri: mediaUri(uri) };
}

/** Stage timings to 0.1 ms: performance.now() differences carry float noise (41.535000000149) that says nothing. */
function tidyTimings(timings: Timings): Timings {
  const tenth = (ms: number) => Math.round(ms * 10) / 10;
  const { decode, detect, crop, classify, inference, total } = timings;
  return { decode: tenth(decode), detect: tenth(detect), crop: tenth(crop), classify: tenth(classify), inference: tenth(inference), total: tenth(total) };
}

export function imageSuccess(args: {
  deepfake: number;
  faces: FaceResult[];
  uri: string | null | undefined;
  model: ModelInfo;
  timings: Timings;
}): ImageSuccess {
  return {
    status: 'success',
    request: requestInfo(1),
    type: { deepfake: args.deepfake },
    media: mediaInfo(args.uri),
    faces: args.faces,
    model: args.model,
    timings: tidyTimings(args.timings),
  };
}

export interface AnalysedFrame {
  position: number;
  deepfake: number;
  faces: FaceResult[];
}

export function videoSuccess(args: {
  frames: AnalysedFrame[];
  summary: number;
  uri: string | null | undefined;
  model: ModelInfo;
  video: VideoSuccess['video'];
  timings: Timings;
}): VideoSuccess {
  const media = mediaInfo(args.uri);
  return {
    status: 'success',
    request: requestInfo(args.frames.length),
    data: {
      frames: args.frames.map((frame, i) => ({
        info: { id: `${media.id}_${i + 1}`, position: Math.round(frame.position) },
        type: { deepfake: frame.deepfake },
        faces: frame.faces,
      })),
    },
    summary: { deepfake: args.summary },
    media,
    model: args.model,
    video: args.video,
    timings: tidyTimings(args.timings),
  };
}

export function failure(error: DetectorError, operations = 0): Failure {
  return { status: 'failure', request: requestInfo(operations), error: { type: error.type, code: error.code, message: error.message } };
}
