/**
 * Detection runs on a copy whose longest side is at most this (a picture longer than 2:1, longer: see
 * DETECTION_MAX_LONG_SIDE): the tiles' pass (tiles.ts) sees half of it per tile.
 */
export const DETECTION_MAX_SIDE = 1024;
/**
 * An elongated image's copy is longer (src/decode/image.ts, detectionSize), so that each of its panels (tiles.ts) is
 * seen as a 2:1 image's copy is, up to this long side (8 MB of pixels at 4096x512).
 */
export const DETECTION_MAX_LONG_SIDE = 4096;
/**
 * Each pass (the whole image, each tile, the zoomed-out frame) shows MediaPipe a canvas whose longest side is at
 * most this. BlazeFace looks at 128x128 either way, but MediaPipe's own shrinking to it costs more the more pixels
 * it is handed (bench/HISTORY.md, "The whole-image pass's own copy"). Boxes come back in whole pixels of the
 * canvas, so at this size they are as fine, relative to what the pass sees, as on the 200 px face chips that the
 * classifier's training crops were cut from (whose own detection, like any image's of at most this size, is
 * unchanged).
 */
export const PASS_MAX_SIDE = 256;
/**
 * What the passes paint where the picture is not: the zoomed-out pass's frame (zoom.ts) and the sides that make a
 * pass's canvas square. Mid-grey has no edges of its own for the detector to take for a face's outline.
 */
export const DETECTION_BACKGROUND = '#808080';
/** Below this confidence a detection is dropped. */
export const MIN_DETECTION_CONFIDENCE = 0.5;
