/** Detection runs on a copy whose longest side is at most this; BlazeFace looks at 128x128 anyway. */
export const DETECTION_MAX_SIDE = 1024;
/** Below this confidence a detection is dropped. */
export const MIN_DETECTION_CONFIDENCE = 0.5;
