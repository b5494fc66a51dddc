/** Detection runs on a copy whose longest side is at most this: the tiles' pass (tiles.ts) sees half of it per tile. */
export const DETECTION_MAX_SIDE = 1024;
/**
 * The whole-image pass shrinks that copy further, to this longest side. BlazeFace looks at 128x128 either way, but
 * MediaPipe's own shrinking to it costs more the more pixels it is handed (README, Performance). Boxes come back
 * in whole pixels of what the detector was handed, so at this size they are as fine, relative to the image, as on
 * the 200 px face chips that the classifier's training crops were cut from (whose own detection is unchanged).
 */
export const WHOLE_PASS_MAX_SIDE = 256;
/** Below this confidence a detection is dropped. */
export const MIN_DETECTION_CONFIDENCE = 0.5;
