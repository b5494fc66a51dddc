/** score: from per-face probabilities to the response's faces and top-level score. */
import type { Box } from '../crop/geometry';
import type { FaceResult, Uncertainty } from '../respond/types';

export interface ScoredFace {
  box: Box;
  deepfake: number;
  uncertain: Uncertainty[];
}

/** Scores are reported with 3 decimals: enough to rank, no false precision. */
export function roundScore(score: number): number {
  return Math.round(Math.min(1, Math.max(0, score)) * 1000) / 1000;
}

const fraction = (value: number, length: number) => Math.round(Math.min(1, Math.max(0, value / length)) * 10000) / 10000;

/** Faces in the order given (most prominent first) with boxes as fractions of the image size. */
export function faceResults(faces: readonly ScoredFace[], width: number, height: number): FaceResult[] {
  return faces.map(({ box, deepfake, uncertain }) => ({
    x1: fraction(box.x, width),
    y1: fraction(box.y, height),
    x2: fraction(box.x + box.width, width),
    y2: fraction(box.y + box.height, height),
    deepfake: roundScore(deepfake),
    ...(uncertain.length > 0 ? { uncertain } : {}),
  }));
}

/** The image's score: the most suspicious analysed face; 0 with no face (nothing to be a deepfake). */
export function imageScore(faces: readonly ScoredFace[]): number {
  return roundScore(faces.reduce((max, face) => Math.max(max, face.deepfake), 0));
}
