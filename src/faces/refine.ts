/**
 * Every box a pass finds gets a second look: a window REFINE_WINDOW times its
 * box, centred on it, where a face of that size fills a third of what
 * BlazeFace sees. The most confident face found there whose centre lies
 * inside the first box confirms it; a box the closer look does not confirm
 * is dropped.
 *
 * A face seen small (under REFINE_BELOW pixels of BlazeFace's input) also
 * takes the confirming box's place. BlazeFace often boxes such a face well,
 * but it also draws boxes that are not the face: around a whole head, twice
 * the face's width. In a 6000x4000 photo such a box was all a pass found for
 * a face a tenth to a twentieth of the long side wide in 10 of 50 checks, and
 * its crop scored 0.14 to 0.52 where boxes on the face scored 0.01 to 0.05
 * (`node bench/smallest-face.mjs`, bench/results/smallest-face-*.md of
 * 2026-12-06; with the second look, 1 of 50).
 *
 * A face seen larger keeps its own box, the framing the classifier was
 * trained and calibrated on; for it the second look only asks whether it is
 * a face. BlazeFace also draws boxes on things that are not faces: a patch
 * on a space suit, cells, a clock, coins. Seen again at another scale many
 * are not found: on 27 pictures without a person, 13 boxes were judged
 * before and 9 with the second look (`node bench/not-faces.mjs`). Real faces
 * are: of UTKFace's 23,707 chips, 3 lost their only box (two of them show no
 * face) and 8 a small second box inside the face; every other answer stayed
 * the same, as did all 2,000 of dfdc-dev's (training/harvest/harvest.mjs,
 * before and after).
 */
import type { Tile } from './tiles';
import type { DetectedFace } from './types';

/** A face as a pass found it, with its box's longer side as BlazeFace saw it (seenSide). */
export interface SeenFace extends DetectedFace {
  seenSide: number;
}

/** BlazeFace's input side: whatever a pass hands MediaPipe is shrunk to this. */
export const MODEL_INPUT_SIDE = 128;
/**
 * Faces whose box BlazeFace saw narrower than this many pixels of its input take the second look's box: a quarter of it.
 * Every face of that run was seen under it (one a tenth of the long side wide is 12.8 px to the whole-image pass,
 * 25.6 px to a tile); the astronaut portrait's own face, 18% of its side, is seen at 23.5 px and takes it.
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

/**
 * What the second look makes of `first`, given the faces `found` in its window: the confirming face for a box seen
 * small, `first` itself for one seen larger, null (dropped) where nothing confirms it.
 */
export function afterSecondLook<Face extends SeenFace>(first: Face, found: readonly Face[]): Face | null {
  const confirmed = confirmingFace(first, found);
  if (confirmed === null) return null;
  return first.seenSide < REFINE_BELOW ? confirmed : first;
}
