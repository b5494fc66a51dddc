/** The browser half of crop: reads just the pixels a face's crop needs from a bitmap or a decoded video frame. */
import { CLASSIFIER_INPUT_SIZE, cropSquare, type CropSquare, type FaceBox } from './geometry';
import { resampleSquare, type RgbaImage } from './resample';

/**
 * Full-resolution pixels. A video frame stays in the decoder's YUV until a
 * crop asks for its region: without a GPU, turning a whole 1080p frame into
 * RGB is among the costliest steps of a frame's analysis.
 */
export type PixelSource = ImageBitmap | VideoFrame;

export interface Region {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** The classifier crop of `face` from the full-resolution `source`. */
export async function cropFace(source: PixelSource, face: FaceBox, size = CLASSIFIER_INPUT_SIZE): Promise<Uint8Array> {
  const { width, height } = sizeOf(source);
  const square = cropSquare(face, width, height);
  // A YUV 4:2:0 frame is read in whole chroma samples, so its region starts and ends on even pixels.
  const region = cropRegion(square, width, height, size, isVideoFrame(source) ? 2 : 1);
  const pixels = isVideoFrame(source) ? await frameRegion(source, region) : canvasRegion(source, region);
  return resampleSquare(pixels, { x: square.x - region.left, y: square.y - region.top, side: square.side }, size);
}

/**
 * The pixels a crop of `square` at `size` reads: the resampling filter
 * reaches one support width past the square, so that much (inside the
 * image) and no more, with edges on multiples of `grid`.
 */
export function cropRegion(square: CropSquare, imageWidth: number, imageHeight: number, size: number, grid: number): Region {
  const reach = Math.max(1, square.side / size) + 1;
  const left = snapDown(Math.max(0, square.x - reach), grid);
  const top = snapDown(Math.max(0, square.y - reach), grid);
  const right = Math.min(imageWidth, snapUp(square.x + square.side + reach, grid));
  const bottom = Math.min(imageHeight, snapUp(square.y + square.side + reach, grid));
  return { left, top, width: Math.max(1, right - left), height: Math.max(1, bottom - top) };
}

export function sizeOf(source: PixelSource): { width: number; height: number } {
  return isVideoFrame(source) ? { width: source.displayWidth, height: source.displayHeight } : { width: source.width, height: source.height };
}

function isVideoFrame(source: PixelSource): source is VideoFrame {
  return typeof VideoFrame !== 'undefined' && source instanceof VideoFrame;
}

const snapDown = (value: number, grid: number) => grid * Math.floor(value / grid);
const snapUp = (value: number, grid: number) => grid * Math.ceil(value / grid);

function canvasRegion(source: CanvasImageSource, { left, top, width, height }: Region): RgbaImage {
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  context.drawImage(source, left, top, width, height, 0, 0, width, height);
  return context.getImageData(0, 0, width, height, { colorSpace: 'srgb' });
}

/**
 * Only the region is converted to RGB, by the decoder's own converter
 * (VideoFrame.copyTo). Browsers whose copyTo cannot convert, or frames whose
 * layout it refuses, are drawn instead, which converts the whole frame.
 */
async function frameRegion(frame: VideoFrame, region: Region): Promise<RgbaImage> {
  const { left, top, width, height } = region;
  const visible = frame.visibleRect!;
  const data = new Uint8ClampedArray(width * height * 4);
  try {
    await frame.copyTo(data, { rect: { x: visible.x + left, y: visible.y + top, width, height }, format: 'RGBA', colorSpace: 'srgb' });
    return { width, height, data };
  } catch {
    return canvasRegion(frame, region);
  }
}
