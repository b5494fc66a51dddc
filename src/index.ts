export {
  createDetector,
  type CheckOptions,
  type CheckRequest,
  type Detector,
  type DetectorOptions,
  type VideoCheckOptions,
  type VideoProgress,
} from './detector';
export { ERRORS, type ErrorType } from './respond/errors';
export type * from './respond/types';
export { DEFAULT_MODEL_URL } from './classify/classifier';
export type { VideoDecoderChoice, VideoDecoding } from './decode/video-source';
