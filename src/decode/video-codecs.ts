/**
 * decode, for video files, the fast way: mediabunny demuxes MP4, MOV, WebM
 * and Matroska in the page and WebCodecs decodes them. The sampled times are
 * asked for in ascending order, so the decoder runs forwards and decodes each
 * packet at most once: a sampled frame costs the frames since the previous
 * sample, where a seek in the browser's player decodes again from the last
 * keyframe (up to 250 frames apart in ffmpeg's default H.264) for every one.
 * Decoded frames stay in the decoder's YUV where they can (see video-frame.ts).
 */
import { BlobSource, Input, MATROSKA, MP4, QTFF, VideoSampleSink, WEBM, type InputVideoTrack, type VideoSample } from 'mediabunny';
import { DetectorError } from '../respond/errors';
import type { DecodedImage } from './image';
import type { MediaLimits } from './limits';
import { withDeadline } from './deadline';
import { drawnFrameSize, frameImage, rgbaConverter, type RgbaConverter } from './video-frame';
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
    const drawnSize = drawnFrameSize(readable.width, readable.height, limits);
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

/** The sample as the pipeline's image (see frameImage); takes ownership of it. */
async function toDecodedImage(sample: VideoSample, size: { width: number; height: number }, converter: RgbaConverter): Promise<DecodedImage> {
  try {
    return await frameImage(sample.toVideoFrame(), sample, size, converter);
  } finally {
    sample.close();
  }
}
