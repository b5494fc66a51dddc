/** The response contract of ../shared/spec/response.md, plus documented, additive extensions. */
import type { VideoDecoding } from '../decode/video-source';
import type { ErrorType } from './errors';

export interface RequestInfo {
  /** `req_` + URL-safe random id. */
  id: string;
  /** Seconds since the epoch. */
  timestamp: number;
  /** 1 per image checked, 1 per analysed video frame. */
  operations: number;
}

/** Why a face's score deserves less trust (extension). */
export type Uncertainty = 'small' | 'blurry' | 'smoothed' | 'cut';

export interface FaceResult {
  /** Box corners as fractions of the image width and height. */
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  /** Probability that this face was swapped or modified. */
  deepfake: number;
  /** Present when the face is too small, blurred, smoothed or cut off for a confident score (extension). */
  uncertain?: Uncertainty[];
}

export interface MediaInfo {
  /** `med_` + URL-safe random id. */
  id: string;
  /** The URL checked or the uploaded file's name; null when the media had neither. Never a blob:/data: URL. */
  uri: string | null;
}

/** Extension: where the time went, in milliseconds. */
export interface Timings {
  decode: number;
  detect: number;
  crop: number;
  classify: number;
  /** Of classify, the time the network itself ran in the classifier's worker; the rest is handing the crops over and the scores back. */
  inference: number;
  total: number;
}

/** Extension: which model and runtime produced the score. */
export interface ModelInfo {
  name: 'deepfake';
  version: string;
  backend: 'webgpu' | 'wasm';
}

export interface ImageSuccess {
  status: 'success';
  request: RequestInfo;
  type: { deepfake: number };
  media: MediaInfo;
  faces: FaceResult[];
  model: ModelInfo;
  timings: Timings;
}

export interface VideoFrameResult {
  /** `med_…_N`: the media id and the frame's 1-based number. */
  info: { id: string; position: number };
  type: { deepfake: number };
  faces: FaceResult[];
}

export interface VideoSuccess {
  status: 'success';
  request: RequestInfo;
  data: { frames: VideoFrameResult[] };
  /** Frame scores aggregated by `videoSummary` (src/score/video.ts). */
  summary: { deepfake: number };
  media: MediaInfo;
  model: ModelInfo;
  /** Extension: the video's length and the sampling used, in milliseconds, and the decoder that read the frames. */
  video: { duration: number; interval: number; decoder: VideoDecoding };
  /** Summed over the frames. */
  timings: Timings;
}

export interface Failure {
  status: 'failure';
  request: RequestInfo;
  error: { type: ErrorType; code: number; message: string };
}

export type CheckResponse = ImageSuccess | VideoSuccess | Failure;
export type VideoResponse = VideoSuccess | Failure;
