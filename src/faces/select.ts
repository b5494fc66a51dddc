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

/**
 * Whether an eye keypoint of `face` lies past the left or right edge of a picture `width` px wide. Past a side edge
 * the detector guesses the box short (cut through half of it, a median 33% past the left edge and 31% past the
 * right), so the box alone left judged faces cut through half, and 2.7% and 3.0% of 300 held-out real ones scored
 * 0.5 or more; the eyes sit about a third of the box in from its sides, so one past a side edge says that a third of
 * the face or more is gone. With this too, 0.7% and 0.3%, and at most 1.0% in any side cut; faces cut through 15%
 * are all still judged, through 30% 276 and 288 of 300 (`python -m sbi.cut_faces --edges left right`,
 * models/experiments/cut-faces/sides-300.json and sides-judged-300.json). Not at the top or bottom, where the box is
 * placed about as far past the edge as the face is.
 */
export function eyePastSide(face: DetectedFace, width: number): boolean {
  return face.keypoints.slice(0, 2).some((eye) => eye.x < 0 || eye.x >= width);
}

/** Prominence: box area weighted by detector confidence, so a large but doubtful face does not crowd out a clear one. */
export function prominence(face: DetectedFace): number {
  return face.width * face.height * face.score;
}

/**
 * Keeps the `maxFaces` most prominent faces of a `width` x `height` picture that are at least `minFaceSize` px and
 * lie no more than MAX_SHARE_OUTSIDE past its edge with both eyes between its left and right edges, most prominent
 * first.
 */
export function selectFaces(
  faces: readonly DetectedFace[],
  width: number,
  height: number,
  selection: FaceSelection = DEFAULT_FACE_SELECTION,
): DetectedFace[] {
  return faces
    .filter(
      (face) =>
        Math.min(face.width, face.height) >= selection.minFaceSize &&
        shareOutside(face, width, height) <= MAX_SHARE_OUTSIDE &&
        !eyePastSide(face, width),
    )
    .sort((a, b) => prominence(b) - prominence(a))
    .slice(0, selection.maxFaces);
}
