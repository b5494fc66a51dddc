/** The browser half of crop: reads just the pixels a face's crop needs from a bitmap. */
import { CLASSIFIER_INPUT_SIZE, cropSquare, type Box } from './geometry';
import { resampleSquare } from './resample';

/** The classifier crop of `face` from the full-resolution `source`. */
export function cropFace(source: ImageBitmap, face: Box, size = CLASSIFIER_INPUT_SIZE): Uint8Array {
  const square = cropSquare(face, source.width, source.height);
  // The filter reaches one support width past the square; fetch that much (inside the image) and no more.
  const reach = Math.max(1, square.side / size) + 1;
  const left = Math.max(0, Math.floor(square.x - reach));
  const top = Math.max(0, Math.floor(square.y - reach));
  const right = Math.min(source.width, Math.ceil(square.x + square.side + reach));
  const bottom = Math.min(source.height, Math.ceil(square.y + square.side + reach));
  const width = Math.max(1, right - left);
  const height = Math.max(1, bottom - top);
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  context.drawImage(source, left, top, width, height, 0, 0, width, height);
  const pixels = context.getImageData(0, 0, width, height, { colorSpace: 'srgb' });
  return resampleSquare(pixels, { x: square.x - left, y: square.y - top, side: square.side }, size);
}
