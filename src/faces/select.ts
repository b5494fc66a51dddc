import type { DetectedFace } from './types';

export interface FaceSelection {
  /** How many faces to analyse at most (the most prominent ones). */
  maxFaces: number;
  /** Faces whose box is narrower than this many pixels are ignored: too small to judge at all. */
  minFaceSize: number;
}

export const DEFAULT_FACE_SELECTION: FaceSelection = { maxFaces: 3, minFaceSize: 20 };

/** Prominence: box area weighted by detector confidence, so a large but doubtful face does not crowd out a clear one. */
export function prominence(face: DetectedFace): number {
  return face.width * face.height * face.score;
}

/** Keeps the `maxFaces` most prominent faces of at least `minFaceSize` px, most prominent first. */
export function selectFaces(faces: readonly DetectedFace[], selection: FaceSelection = DEFAULT_FACE_SELECTION): DetectedFace[] {
  return faces
    .filter((face) => Math.min(face.width, face.height) >= selection.minFaceSize)
    .sort((a, b) => prominence(b) - prominence(a))
    .slice(0, selection.maxFaces);
}
