/**
 * decode, for video files, the fast way: mediabunny demuxes MP4, MOV, WebM
 * and Matroska in the page and WebCodecs decodes them. The sampled times are
 * asked for in ascending order, so the decoder runs forwards and decodes each
 * packet at most once: a sampled frame costs the frames since the previous
 * sample, where a seek in the browser's player decodes again from the last
 * keyframe (up to 250 frames apart in ffmpeg's default H.264) for every one.
 * Decoded frames stay in the decoder's YUV where they can (see toDecodedImage).
 */
import { BlobSource, Input, MATROSKA, MP4, QTFF, VideoSampleSink, WEBM, type InputVideoTrack, type VideoSample } from 'mediabunny';
import { DetectorError } from '../respond/errors';
import { decodedImage, detectionSize, withDetectionCopy, type DecodedImage } from './image';
import { boundedDecodeSize, type MediaLimits } from './limits';
import { withDeadline } from './deadline';
import { checkedDurationMs, noFrameAt, type VideoSource } from './video-source';

interface ReadableTrack {
  track: InputVideoTrack;
  /** Presentation time of the first frame, in seconds: B-frame streams may start later than 0. */
  firstSeconds: number;
  durationSeconds: number;
  width: number;
  height: number;
}

/**
 * A source for `blob`, or null when its container or codec is not one this
 * page can demux and decode here: the caller then hands the file to the
 * browser's player, which plays what it can and words the error otherwise.
 */
export async function openCodecVideo(blob: Blob, limits: MediaLimits, signal?: AbortSignal): Promise<VideoSource | null> {
  const input = new Input({ source: new BlobSource(blob), formats: [MP4, QTFF, WEBM, MATROSKA] });
  try {
    const readable = await withDeadline(probe(input), signal, 'The file could not be read within');
    if (!readable) {
      input.dispose();
      return null;
    }
    const durationMs = checkedDurationMs(readable.durationSeconds * 1000, limits);
    // A frame that has to be drawn whole is drawn no larger than decodeImage makes an image.
    const drawnSize = boundedDecodeSize(readable.width, readable.height, 1, limits.maxDecodedPixels) ?? readable;
    return {
      decoder: 'webcodecs',
      durationMs,
      frames: (positionsMs, frameSignal) => decodeFrames(readable, drawnSize, positionsMs, frameSignal),
      close: () => input.dispose(),
    };
  } catch (error) {
    input.dispose();
    throw error;
  }
}

/** The primary video track with what the frames need, or null where this decoder does not apply. */
async function probe(input: Input): Promise<ReadableTrack | null> {
  try {
    const track = await input.getPrimaryVideoTrack();
    if (!track || !(await track.canDecode())) return null;
    const [firstSeconds, durationSeconds, width, height] = await Promise.all([
      track.getFirstTimestamp(),
      track.computeDuration(),
      track.getDisplayWidth(),
      track.getDisplayHeight(),
    ]);
    return { track, firstSeconds, durationSeconds, width, height };
  } catch {
    // Not a container mediabunny reads (a cut-off file, an audio-only one): the player decides.
    return null;
  }
}

async function* decodeFrames(
  { track, firstSeconds }: ReadableTrack,
  drawnSize: { width: number; height: number },
  positionsMs: readonly number[],
  signal?: AbortSignal,
): AsyncGenerator<DecodedImage, void, undefined> {
  // Position 0 means the first frame, as it does in the player, even when the stream starts later.
  const samples = new VideoSampleSink(track).samplesAtTimestamps(positionsMs.map((ms) => Math.max(ms / 1000, firstSeconds)));
  const converter = rgbaConverter();
  try {
    for (const ms of positionsMs) {
      let sample: VideoSample | null | void;
      try {
        sample = (await withDeadline(samples.next(), signal, `No frame at ${Math.round(ms)} ms within`, closeSample)).value;
      } catch (error) {
        throw noFrameAt(ms, error);
      }
      if (!sample) throw new DetectorError('no_video_frames', `No frame at ${Math.round(ms)} ms.`);
      yield await toDecodedImage(sample, drawnSize, converter);
    }
  } finally {
    // Not awaited: a decode still running after an abort would hold the caller up until it ends.
    samples.return(undefined).catch(() => undefined);
  }
}

const closeSample = (result: IteratorResult<VideoSample | null, void>) => result.value?.close();

/**
 * The sample as the pipeline's image; takes ownership of it. An upright frame
 * with square pixels stays the decoder's VideoFrame, crops convert just their
 * region, and only the detection copy is drawn, at its smaller size. Other
 * frames (turned or mirrored by the container, non-square pixels) are drawn
 * whole, which applies all that, at most `size`. Either way what is drawn is
 * the frame's RGBA from `converter` (see rgbaConverter).
 */
async function toDecodedImage(sample: VideoSample, size: { width: number; height: number }, converter: RgbaConverter): Promise<DecodedImage> {
  try {
    const frame = sample.toVideoFrame();
    const visible = frame.visibleRect;
    const upright = sample.rotation === 0 && !sample.flip && visible && frame.displayWidth === visible.width && frame.displayHeight === visible.height;
    let drawn: ImageBitmap;
    try {
      drawn = await drawShown(frame, upright ? detectionSize(frame.displayWidth, frame.displayHeight) : size, sample, converter);
    } catch (error) {
      frame.close();
      throw error;
    }
    if (upright) return decodedImage(frame, drawn, frame.displayWidth, frame.displayHeight);
    frame.close();
    return await withDetectionCopy(drawn);
  } finally {
    sample.close();
  }
}

/**
 * The frame drawn at `size` as the container says to show it: turned `rotation` degrees clockwise, then mirrored
 * if `flip` (the transforms below apply in the reverse order of the calls).
 */
async function drawShown(
  frame: VideoFrame,
  size: { width: number; height: number },
  { rotation, flip }: { rotation: number; flip: boolean },
  converter: RgbaConverter,
): Promise<ImageBitmap> {
  const rgba = await converter(frame);
  const { canvas, context } = canvas2d(size);
  context.imageSmoothingQuality = 'medium'; // as createImageBitmap's resize does for still images
  context.translate(size.width / 2, size.height / 2);
  if (flip) context.scale(-1, 1);
  context.rotate((rotation * Math.PI) / 180);
  const [width, height] = rotation % 180 === 0 ? [size.width, size.height] : [size.height, size.width];
  try {
    context.drawImage(rgba ?? frame, -width / 2, -height / 2, width, height);
  } finally {
    rgba?.close();
  }
  return canvas.transferToImageBitmap();
}

type RgbaConverter = (frame: VideoFrame) => Promise<ImageBitmap | null>;

/**
 * The frames' RGBA, converted by the decoder's own converter (VideoFrame.copyTo) into one buffer that all the
 * frames of a video share, as a bitmap; null where the browser's copyTo cannot convert, and the frame is drawn as it
 * is. A VideoFrame drawn on a canvas left its whole conversion in Chromium's image decode cache, where nothing
 * would look it up again: 7.9 MiB a 1080p frame, 160 MiB more after each check of the bench's clip
 * (`node bench/memory-after-checks.mjs --video`; bench/HISTORY.md, "Video frames no longer drawn").
 */
function rgbaConverter(): RgbaConverter {
  let buffer = new Uint8ClampedArray(0);
  return async (frame) => {
    const { width, height } = frame.visibleRect!;
    if (buffer.length !== width * height * 4) buffer = new Uint8ClampedArray(width * height * 4);
    try {
      await frame.copyTo(buffer, { format: 'RGBA', colorSpace: 'srgb' });
    } catch {
      return null;
    }
    return createImageBitmap(new ImageData(buffer, width, height));
  };
}

function canvas2d({ width, height }: { width: number; height: number }) {
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d');
  if (!context) throw new DetectorError('out_of_memory', `No ${width}x${height} canvas for a video frame.`);
  return { canvas, context };
}
