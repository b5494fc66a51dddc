/**
 * decode, for video frames from either decoder: a VideoFrame as the pipeline's image. The frame's pixels are
 * converted to RGBA by the decoder's own converter (VideoFrame.copyTo), never by drawing the frame itself on a
 * canvas: Chromium kept each drawn frame's whole conversion in its image decode cache, where nothing would look it up
 * again (7.9 MiB a 1080p frame: 160 MiB more after each check of the bench's clip, by either decoder;
 * `node bench/memory-after-checks.mjs --video`, bench/HISTORY.md, "Video frames converted, not drawn").
 */
import { DetectorError } from '../respond/errors';
import { decodedImage, detectionSize, withDetectionCopy, type DecodedImage } from './image';
import { boundedDecodeSize, type MediaLimits } from './limits';

/** How the frame is to be shown: turned `rotation` degrees clockwise, then mirrored if `flip`. */
export interface FrameOrientation {
  rotation: number;
  flip: boolean;
}

/** The size a frame `width` x `height` as shown is drawn at when it has to be drawn whole: no larger than decodeImage makes an image. */
export function drawnFrameSize(width: number, height: number, limits: MediaLimits): { width: number; height: number } {
  return boundedDecodeSize(width, height, 1, limits.maxDecodedPixels) ?? { width, height };
}

/**
 * The frame as the pipeline's image; takes ownership of it. An upright frame with square pixels stays the decoder's
 * VideoFrame, crops convert just their region, and only the detection copy is drawn, at its smaller size. Other
 * frames (turned or mirrored, non-square pixels) are drawn whole, which applies all that, at most `size`.
 */
export async function frameImage(
  frame: VideoFrame,
  orientation: FrameOrientation,
  size: { width: number; height: number },
  converter: RgbaConverter,
): Promise<DecodedImage> {
  const visible = frame.visibleRect;
  const { displayWidth: width, displayHeight: height } = frame;
  const upright = orientation.rotation === 0 && !orientation.flip && visible && width === visible.width && height === visible.height;
  let drawn: ImageBitmap;
  try {
    drawn = await drawShown(frame, orientation, upright ? detectionSize(width, height) : size, converter);
  } catch (error) {
    frame.close();
    throw error;
  }
  if (upright) return decodedImage(frame, drawn, width, height);
  frame.close();
  return withDetectionCopy(drawn);
}

/** The frame drawn at `size` as `orientation` says (the canvas's transforms apply in the reverse order of the calls). */
async function drawShown(frame: VideoFrame, { rotation, flip }: FrameOrientation, size: { width: number; height: number }, converter: RgbaConverter): Promise<ImageBitmap> {
  // The frame as stored, scaled to what it covers once turned.
  const [storedWidth, storedHeight] = rotation % 180 === 0 ? [size.width, size.height] : [size.height, size.width];
  const rgba = await converter(frame, { width: storedWidth, height: storedHeight });
  if (rgba && rotation === 0 && !flip) return rgba;
  try {
    const canvas = new OffscreenCanvas(size.width, size.height);
    const context = canvas.getContext('2d');
    if (!context) throw new DetectorError('out_of_memory', `No ${size.width}x${size.height} canvas for a video frame.`);
    context.imageSmoothingQuality = 'medium'; // a frame's mipmaps are small; a large photo's copy skips them (image.ts)
    context.translate(size.width / 2, size.height / 2);
    if (flip) context.scale(-1, 1);
    context.rotate((rotation * Math.PI) / 180);
    context.drawImage(rgba ?? frame, -storedWidth / 2, -storedHeight / 2, storedWidth, storedHeight);
    return canvas.transferToImageBitmap();
  } finally {
    rgba?.close();
  }
}

/**
 * A frame's visible pixels as an RGBA bitmap scaled to `size` (as createImageBitmap scales still images), or null
 * where this browser's copyTo cannot convert (the frame is then drawn as it is).
 */
export type RgbaConverter = (frame: VideoFrame, size: { width: number; height: number }) => Promise<ImageBitmap | null>;

/**
 * A converter whose frames, one video's, all go through one buffer instead of leaving a frame's worth of garbage
 * each. Scaled as the bitmap is made: made at full size and then drawn smaller, it cost the bench's 1080p clip 15 ms
 * more a frame than drawing the frame itself had (bench/HISTORY.md, "Video frames converted, not drawn").
 */
export function rgbaConverter(): RgbaConverter {
  let buffer = new Uint8ClampedArray(0);
  return async (frame, size) => {
    const { width, height } = frame.visibleRect!;
    if (buffer.length !== width * height * 4) buffer = new Uint8ClampedArray(width * height * 4);
    try {
      await frame.copyTo(buffer, { format: 'RGBA', colorSpace: 'srgb' });
    } catch {
      return null;
    }
    return createImageBitmap(new ImageData(buffer, width, height), { resizeWidth: size.width, resizeHeight: size.height, resizeQuality: 'medium' });
  };
}
