/**
 * decode, for videos, the fallback: the browser's own player, a detached
 * HTMLVideoElement that seeks to each sampled time. Every seek decodes from
 * the keyframe before it, so this is slow on clips with sparse keyframes,
 * but it plays whatever the page can play, <video> elements included. What
 * this browser cannot decode is answered as a media error, never a hang:
 * every wait has a deadline and honours the caller's AbortSignal.
 */
import { DetectorError } from '../respond/errors';
import { withDetectionCopy } from './image';
import type { MediaLimits } from './limits';
import { drawnFrameSize, frameImage, rgbaConverter } from './video-frame';
import { checkedDurationMs, FRAME_WAIT_MS, noFrameAt, type VideoInput, type VideoSource } from './video-source';

export async function openElementVideo(input: VideoInput, limits: MediaLimits, signal?: AbortSignal): Promise<VideoSource> {
  const video = document.createElement('video');
  const objectUrl = input instanceof Blob ? URL.createObjectURL(input) : null;
  const close = () => {
    video.removeAttribute('src');
    video.load(); // drops the decoder and its buffers now, not at garbage collection
    if (objectUrl) URL.revokeObjectURL(objectUrl);
  };
  try {
    video.muted = true;
    video.playsInline = true;
    video.preload = 'auto';
    if (!(input instanceof Blob)) video.crossOrigin = input.crossOrigin;
    video.src = objectUrl ?? ((input as HTMLVideoElement).currentSrc || (input as HTMLVideoElement).src);
    await until(video, 'loadeddata', signal);
    if (video.videoWidth === 0 || video.videoHeight === 0) throw new DetectorError('no_video_frames', 'It has no video track (audio only?).');
    const durationMs = checkedDurationMs((await knownDuration(video, signal)) * 1000, limits);
    const frameAt = async (ms: number, frameSignal?: AbortSignal): Promise<OrientedFrame | ImageBitmap> => {
      // Stay a millisecond inside the end: seeking to the very end shows no frame in some demuxers.
      await seekAndPresent(video, Math.max(0, Math.min(ms, durationMs - 1)) / 1000, frameSignal);
      try {
        const take = async () => (framesTellOrientation() ? (new VideoFrame(video) as OrientedFrame) : createImageBitmap(video));
        return await retryUntilDrawable(take, frameSignal);
      } catch (error) {
        if (error instanceof DOMException && error.name === 'SecurityError') {
          throw new DetectorError('url_unreachable', 'The video comes from another origin that does not allow cross-origin reads (CORS).', { cause: error });
        }
        throw noFrameAt(ms, error);
      }
    };
    const drawnSize = drawnFrameSize(video.videoWidth, video.videoHeight, limits);
    return {
      decoder: 'element',
      durationMs,
      async *frames(positionsMs, frameSignal) {
        const converter = rgbaConverter();
        for (const ms of positionsMs) {
          const frame = await frameAt(ms, frameSignal);
          yield frame instanceof ImageBitmap
            ? await withDetectionCopy(frame)
            : await frameImage(frame, { rotation: frame.rotation, flip: frame.flip }, drawnSize, converter);
        }
      },
      close,
    };
  } catch (error) {
    close();
    throw error;
  }
}

/**
 * A VideoFrame with the orientation the container gives (`rotation` and `flip`: newer Chromium, not yet Firefox): the
 * player's frame as it is stored.
 */
type OrientedFrame = VideoFrame & { readonly rotation: number; readonly flip: boolean };

/**
 * Whether the player's frame can be taken as a VideoFrame that says how to turn it (see video-frame.ts for why that
 * is wanted). Elsewhere createImageBitmap(video), which turns it already, gives the frame instead.
 */
const framesTellOrientation = () => typeof VideoFrame !== 'undefined' && 'rotation' in VideoFrame.prototype && 'flip' in VideoFrame.prototype;

/**
 * Chromium fires `seeked` before the sought frame has reached the compositor that createImageBitmap(video) and
 * new VideoFrame(video) read, so a frame taken at once can still be the one shown before the seek (seen in the e2e
 * tests, here and in CI: the frame sampled 500 ms before). requestVideoFrameCallback, asked before the seek, calls
 * back once the new frame is there. A seek that lands on the frame already shown presents nothing and never calls
 * back, so the wait after `seeked` is bounded by this grace; browsers without the callback draw at once, as before.
 */
const SAME_FRAME_GRACE_MS = 250;

/** Seeks to `seconds` and resolves once the frame there can be drawn (see SAME_FRAME_GRACE_MS). */
export async function seekAndPresent(video: HTMLVideoElement, seconds: number, signal?: AbortSignal, graceMs = SAME_FRAME_GRACE_MS): Promise<void> {
  const presented = nextPresentedFrame(video);
  video.currentTime = seconds;
  try {
    await until(video, 'seeked', signal);
    await pause(graceMs, signal, presented.arrival);
  } finally {
    presented.cancel();
  }
}

/** The player's next presented frame: `arrival` resolves on it; `cancel` drops the callback. */
function nextPresentedFrame(video: HTMLVideoElement): { arrival: Promise<void>; cancel(): void } {
  if (typeof video.requestVideoFrameCallback !== 'function') return { arrival: Promise.resolve(), cancel: () => {} };
  let handle = 0;
  const arrival = new Promise<void>((resolve) => {
    handle = video.requestVideoFrameCallback(() => resolve());
  });
  return { arrival, cancel: () => video.cancelVideoFrameCallback(handle) };
}

/**
 * Chromium's createImageBitmap(video) and new VideoFrame(video) throw InvalidStateError until
 * the player has composited its first frame, a state that no event reports
 * and that can trail `loadeddata` and `seeked` on a loaded machine (a run of
 * the e2e tests beside a training job failed on it once). So a frame that is
 * not there yet is asked for again, after growing pauses, until the deadline.
 */
export async function retryUntilDrawable<T>(draw: () => Promise<T>, signal?: AbortSignal, waitMs = FRAME_WAIT_MS): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (let pauseMs = 5; ; pauseMs = Math.min(2 * pauseMs, 100)) {
    try {
      return await draw();
    } catch (error) {
      const notYet = error instanceof DOMException && error.name === 'InvalidStateError';
      if (!notYet || Date.now() + pauseMs > deadline) throw error;
    }
    await pause(pauseMs, signal);
  }
}

/** Waits `ms`, or less if `endsEarlyOn` settles first; rejects as cancelled when `signal` aborts. Leaves no timer behind. */
function pause(ms: number, signal?: AbortSignal, endsEarlyOn?: Promise<unknown>): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new DetectorError('cancelled'));
    const finish = (settle: () => void) => () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      settle();
    };
    const onAbort = finish(() => reject(new DetectorError('cancelled')));
    const timer = setTimeout(finish(resolve), ms);
    signal?.addEventListener('abort', onAbort, { once: true });
    endsEarlyOn?.then(finish(resolve), finish(resolve));
  });
}

/**
 * Resolves on `event`; rejects on the element's error, the signal, the deadline, or the source being closed
 * (`emptied`): a seek asked for ahead of the caller, who then left early, ends with the source instead of
 * holding its deadline's timer for seconds after.
 */
export function until(video: HTMLVideoElement, event: 'loadeddata' | 'seeked' | 'durationchange', signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new DetectorError('cancelled'));
    const done = (settle: () => void) => () => {
      clearTimeout(timer);
      video.removeEventListener(event, onEvent);
      video.removeEventListener('error', onError);
      video.removeEventListener('emptied', onAbort);
      signal?.removeEventListener('abort', onAbort);
      settle();
    };
    const onEvent = done(resolve);
    const onError = done(() => reject(mediaError(video.error)));
    const onAbort = done(() => reject(new DetectorError('cancelled')));
    const timer = setTimeout(
      done(() => reject(new DetectorError('no_video_frames', `The browser produced no frame within ${FRAME_WAIT_MS / 1000} s.`))),
      FRAME_WAIT_MS,
    );
    video.addEventListener(event, onEvent, { once: true });
    video.addEventListener('error', onError, { once: true });
    video.addEventListener('emptied', onAbort, { once: true });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** MediaRecorder's WebM files announce an infinite duration until the end has been seen. */
async function knownDuration(video: HTMLVideoElement, signal?: AbortSignal): Promise<number> {
  if (Number.isFinite(video.duration)) return video.duration;
  const changed = until(video, 'durationchange', signal);
  video.currentTime = Number.MAX_SAFE_INTEGER;
  await changed;
  return Number.isFinite(video.duration) ? video.duration : 0;
}

/** The element's MediaError as ours: a codec this browser lacks, or a damaged file. */
function mediaError(error: MediaError | null): DetectorError {
  const detail = error?.message ? `(${error.message})` : undefined;
  if (error?.code === MediaError.MEDIA_ERR_SRC_NOT_SUPPORTED && /NO_SUPPORTED_STREAMS|codec|format error/i.test(error.message)) {
    return new DetectorError('unsupported_media', `This browser cannot decode the video's codec. ${detail ?? ''}`.trim());
  }
  return new DetectorError('no_video_frames', detail);
}
