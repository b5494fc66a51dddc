/**
 * crop: where the classifier looks. The same rule cuts the training crops
 * (training/sbi/crop.py is its twin, proven equal on fixtures), so that
 * training and inference see identically framed faces.
 */

/**
 * Crop side as a multiple of the longest side of BlazeFace's box. BlazeFace's
 * box already spans forehead to chin and ear to ear; on the 200x200 training
 * chips (aligned faces with a small margin) it covers about 95% of the chip,
 * so a 1.0 crop of a face in a full photo frames it as the chips do.
 */
export const CROP_MARGIN = 1.0;

/** Side of the square RGB crop the classifier takes. */
export const CLASSIFIER_INPUT_SIZE = 160;

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A face's box with BlazeFace's keypoints (right eye, left eye, nose tip, mouth, right ear, left ear), where known. */
export interface FaceBox extends Box {
  keypoints?: ReadonlyArray<{ x: number; y: number }>;
}

/** A square in source pixels; it may reach outside the image, whose edge pixels then repeat. */
export interface CropSquare {
  x: number;
  y: number;
  side: number;
}

/**
 * The square crop around a face: `margin` times the box's longest side,
 * centred on the box, then shifted inside the image where it fits, so that
 * faces at an edge are not padded; only a square larger than the image is
 * centred on the box and padded by repeating edge pixels.
 *
 * A face cut off by the picture's edge (cutByEdge) is the exception: MediaPipe
 * clamped its box there, so box and square held the face off-centre, as no
 * training crop does, and such real faces scored 0.36-0.55. (Since the passes
 * show it a grey canvas, the box reaches past the edge, by the detector's guess,
 * but a square image within the pass's size is still shown as it is.) Its
 * square is centred on its eyes and mouth instead, which BlazeFace places past
 * the edge either way, and is not moved inside the picture: what lies past the
 * edge repeats the edge's pixels. The astronaut, cut so, then scored 0.01-0.15
 * (`node bench/cut-face.mjs`, 2026-12-06). On faces wholly inside a picture
 * that centre lies within a few hundredths of the box's side of the box's
 * own (training/tests/test_smoke.py).
 */
export function cropSquare(face: FaceBox, imageWidth: number, imageHeight: number, margin = CROP_MARGIN): CropSquare {
  const side = margin * Math.max(face.width, face.height);
  const centre = face.keypoints && face.keypoints.length >= 4 && cutByEdge(face, imageWidth, imageHeight) ? keypointCentre(face.keypoints) : null;
  if (centre) return { x: centre.x - side / 2, y: centre.y - side / 2, side };
  return {
    x: place(face.x + face.width / 2 - side / 2, side, imageWidth),
    y: place(face.y + face.height / 2 - side / 2, side, imageHeight),
    side,
  };
}

/** Halfway between the eyes' midpoint and the mouth. */
export function keypointCentre(keypoints: ReadonlyArray<{ x: number; y: number }>): { x: number; y: number } {
  const [rightEye, leftEye, , mouth] = keypoints as [{ x: number; y: number }, { x: number; y: number }, unknown, { x: number; y: number }];
  return { x: ((rightEye.x + leftEye.x) / 2 + mouth.x) / 2, y: ((rightEye.y + leftEye.y) / 2 + mouth.y) / 2 };
}

/**
 * How far a face reaches past the picture's edge is not known (MediaPipe clamps a box at the top and left edges of
 * a picture it sees as it is, and elsewhere guesses): a box that meets or crosses any edge, within EDGE_TOLERANCE
 * of its side, is cut by it. A face at least TIGHT_CROP_SHARE of the
 * picture's side along that axis is not: that is a face photo cropped tight, as the training photos are, whose box
 * meets the edges with nothing cut away (no face of dfdc-dev's 2,000 crops, `npm run eval`, nor of the UTKFace chips
 * in training/tests/test_smoke.py is called cut, so their crops keep the box's square).
 */
export const EDGE_TOLERANCE = 0.02;
export const TIGHT_CROP_SHARE = 0.5;

export function cutByEdge(face: Box, width: number, height: number): boolean {
  const tolerance = EDGE_TOLERANCE * Math.max(face.width, face.height);
  const meets = (start: number, length: number, limit: number) =>
    length < TIGHT_CROP_SHARE * limit && (start <= tolerance || start + length >= limit - tolerance);
  return meets(face.x, face.width, width) || meets(face.y, face.height, height);
}

function place(start: number, side: number, length: number): number {
  if (side > length) return start;
  return Math.min(Math.max(start, 0), length - side);
}
