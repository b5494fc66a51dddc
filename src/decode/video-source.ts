/** decode, for videos: what both video decoders hand the pipeline, and the checks they share. */
import { DetectorError } from '../respond/errors';
import type { DecodedImage } from './image';
import type { MediaLimits } from './limits';

export type VideoInput = Blob | HTMLVideoElement;

/** Which decoder read the frames; reported in the response's `video.decoder`. */
export type VideoDecoding = 'webcodecs' | 'element';

/** 'auto' takes WebCodecs where it can; 'element' always seeks in the browser's player. */
export type VideoDecoderChoice = 'auto' | 'element';

export interface VideoSource {
  decoder: VideoDecoding;
  durationMs: number;
  /** The frames shown at each of `positionsMs` (ascending), in order, each with its copy for face detection. */
  frames(positionsMs: readonly number[], signal?: AbortSignal): AsyncGenerator<DecodedImage, void, undefined>;
  /** Releases the decoder and the media's memory at once. */
  close(): void;
}

/** A stalled demuxer or decoder (a cut-off file, a codec that never answers) fails after this long. */
export const FRAME_WAIT_MS = 10_000;

/** The duration in ms, once it is known to be usable and within the limit. */
export function checkedDurationMs(durationMs: number, limits: MediaLimits): number {
  if (!(durationMs > 0)) throw new DetectorError('no_video_frames', 'Its duration is zero.');
  if (durationMs > limits.maxVideoSeconds * 1000) {
    throw new DetectorError('video_too_long', `It lasts ${Math.round(durationMs / 1000)} s; the limit is ${limits.maxVideoSeconds} s.`);
  }
  return durationMs;
}

/** A decoder's failure to hand over the frame at `ms`, as ours; our own errors pass through as they are. */
export function noFrameAt(ms: number, error: unknown): DetectorError {
  if (error instanceof DetectorError) return error;
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new DetectorError('no_video_frames', `No frame at ${Math.round(ms)} ms (${reason}).`, { cause: error });
}

/**
 * `first`, handing over to the source `openSecond` makes when `first` fails
 * before its first frame. WebCodecs may accept a stream's configuration and
 * still fail on its data (a profile its decoder lacks) where the browser's
 * player copes. Once a frame has come, or on a cancel, a failure stands.
 */
export function withFallback(first: VideoSource, openSecond: (signal?: AbortSignal) => Promise<VideoSource>): VideoSource {
  let active = first;
  return {
    get decoder() {
      return active.decoder;
    },
    durationMs: first.durationMs,
    async *frames(positionsMs, signal) {
      let delivered = 0;
      try {
        for await (const image of first.frames(positionsMs, signal)) {
          delivered++;
          yield image;
        }
        return;
      } catch (error) {
        if (delivered > 0 || (error instanceof DetectorError && error.reason === 'cancelled')) throw error;
      }
      active = await openSecond(signal);
      yield* active.frames(positionsMs, signal);
    },
    close() {
      first.close();
      if (active !== first) active.close();
    },
  };
}
