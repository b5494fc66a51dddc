import type { DetectedFace } from './types';

export interface FaceSelection {
  /** How many faces to analyse at most (the most prominent ones). */
  maxFaces: number;
  /** Faces whose box is narrower than this many pixels are ignored: too small to judge at all. */
  minFaceSize: number;
}

export const DEFAULT_FACE_SELECTION: FaceSelection = { maxFaces: 3, minFaceSize: 20 };

/**
 * Faces the detector places more than this share of past the picture's edge (shareOutside) are ignored too: too
 * little of them is left to judge. The detector sees past the edge (each pass shows a grey canvas), so such faces
 * are found, and real ones scored high: of 300 held-out real faces cut at the top through 40% of their box, 21.0%
 * scored 0.5 or more when all were judged, 0.7% with this rule; through 30%, 6.3% and 4.7%; never over 5% in any
 * cut measured (`python -m sbi.cut_faces`, models/experiments/cut-faces/judged-300.json). Leaving faces with an eye
 * past the edge unjudged instead also stays under 5%, but judges fewer faces cut through 30% (AUC 0.530 against
 * 0.686 at the top).
 */
export const MAX_SHARE_OUTSIDE = 1 / 3;

/** How much of `face`'s box lies past the edges of a `width` x `height` picture, as a share of its side, on the worse axis. */
export function shareOutside(face: DetectedFace, width: number, height: number): number {
  const beyond = (start: number, length: number, limit: number) => (Math.max(0, -start) + Math.max(0, start + length - limit)) / length;
  return Math.max(beyond(face.x, face.width, width), beyond(face.y, face.height, height));
}

/** Prominence: box area weighted by detector confidence, so a large but doubtful face does not crowd out a clear one. */
export function prominence(face: DetectedFace): number {
  return face.width * face.height * face.score;
}

/**
 * Keeps the `maxFaces` most prominent faces of a `width` x `height` picture that are at least `minFaceSize` px and
 * lie no more than MAX_SHARE_OUTSIDE past its edge, most prominent first.
 */
export function selectFaces(
  faces: readonly DetectedFace[],
  width: number,
  height: number,
  selection: FaceSelection = DEFAULT_FACE_SELECTION,
): DetectedFace[] {
  return faces
    .filter((face) => Math.min(face.width, face.height) >= selection.minFaceSize && shareOutside(face, width, height) <= MAX_SHARE_OUTSIDE)
    .sort((a, b) => prominence(b) - prominence(a))
    .slice(0, selection.maxFaces);
}
