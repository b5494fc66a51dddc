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
 */
export function cropSquare(face: Box, imageWidth: number, imageHeight: number, margin = CROP_MARGIN): CropSquare {
  const side = margin * Math.max(face.width, face.height);
  return {
    x: place(face.x + face.width / 2 - side / 2, side, imageWidth),
    y: place(face.y + face.height / 2 - side / 2, side, imageHeight),
    side,
  };
}

function place(start: number, side: number, length: number): number {
  if (side > length) return start;
  return Math.min(Math.max(start, 0), length - side);
}
