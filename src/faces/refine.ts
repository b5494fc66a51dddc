/**
 * BlazeFace looks at 128x128. A face it sees at a few dozen pixels is often
 * boxed well, but there it also draws boxes that are not the face: around a
 * whole head, twice the face's width. In a 6000x4000 photo such a box was all
 * a pass found for a face a tenth to a twentieth of the long side wide in 10
 * of 50 checks, and its crop scored 0.14 to 0.52 where boxes on the face
 * scored 0.01 to 0.05 (`node bench/smallest-face.mjs`,
 * bench/results/smallest-face-*.md of 2026-12-06; with this second look, 1
 * of 50). So a face seen under REFINE_BELOW pixels gets a second look: a
 * window REFINE_WINDOW times its box, centred on it, where a face of that
 * size fills a third of what BlazeFace sees. The most confident face found
 * there whose centre lies inside the first box takes its place; a box the
 * closer look does not confirm is dropped.
 */
import type { Tile } from './tiles';
import type { DetectedFace } from './types';

/** BlazeFace's input side: whatever a pass hands MediaPipe is shrunk to this. */
export const MODEL_INPUT_SIDE = 128;
/**
 * Faces whose box BlazeFace saw narrower than this many pixels of its input get a second look: a quarter of it.
 * Every face of that run was seen under it (one a tenth of the long side wide is 12.8 px to the whole-image pass,
 * 25.6 px to a tile); the astronaut portrait's own face, 18% of its side, is seen at 23.5 px and looked at twice.
 */
export const REFINE_BELOW = 32;
/** The second look's window, in multiples of the first box's longer side. */
export const REFINE_WINDOW = 3;

/** A box's longer side as BlazeFace saw it, in pixels of its input, when the pass showed it `viewWidth` x `viewHeight`. */
export function seenSide(box: { width: number; height: number }, viewWidth: number, viewHeight: number): number {
  return (Math.max(box.width, box.height) * MODEL_INPUT_SIDE) / Math.max(viewWidth, viewHeight);
}

/**
 * The second look's window around `box`, in whole pixels, centred on it even where that crosses the image's edge:
 * the detector paints grey beyond it. A face cut by the edge, seen beside grey, is found; in a window moved back
 * inside the image it met the window's edge again and was dropped (the last frames of the bench's 1080p clip).
 */
export function refineWindow(box: { x: number; y: number; width: number; height: number }): Tile {
  const side = Math.max(1, Math.round(REFINE_WINDOW * Math.max(box.width, box.height)));
  return {
    x: Math.round(box.x + box.width / 2 - side / 2),
    y: Math.round(box.y + box.height / 2 - side / 2),
    width: side,
    height: side,
  };
}

/** The most confident of `found` whose centre lies inside `first`'s box; null when none does. */
export function confirmingFace<Face extends DetectedFace>(first: DetectedFace, found: readonly Face[]): Face | null {
  const inside = (face: DetectedFace) => {
    const x = face.x + face.width / 2;
    const y = face.y + face.height / 2;
    return x >= first.x && x <= first.x + first.width && y >= first.y && y <= first.y + first.height;
  };
  return found.filter(inside).reduce<Face | null>((best, face) => (best === null || face.score > best.score ? face : best), null);
}
