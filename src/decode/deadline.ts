/** decode: waits on a decoder that may stall or outlive its caller. */
import { DetectorError } from '../respond/errors';
import { FRAME_WAIT_MS } from './video-source';

/**
 * `promise`, or a rejection when the signal aborts or `waitMs` pass
 * first. What the abandoned promise later resolves to goes to `discard`, so
 * a frame decoded after the caller left is still closed.
 */
export function withDeadline<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  lateMessage: string,
  discard?: (late: T) => void,
  waitMs = FRAME_WAIT_MS,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      settle();
    };
    const leave = (error: DetectorError) =>
      finish(() => {
        if (discard) promise.then(discard, () => undefined);
        reject(error);
      });
    const onAbort = () => leave(new DetectorError('cancelled'));
    const timer = setTimeout(() => leave(new DetectorError('no_video_frames', `${lateMessage} ${waitMs / 1000} s.`)), waitMs);
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => finish(() => resolve(value)),
      (error: unknown) => finish(() => reject(error)),
    );
  });
}
