import { describe, expect, it, vi } from 'vitest';
import { retryUntilDrawable, seekAndPresent, until } from '../../src/decode/video-element';
import { DetectorError } from '../../src/respond/errors';

/** A draw that fails with `errors` in turn, then returns 'frame'. */
function drawFailing(...errors: Error[]) {
  let calls = 0;
  const draw = async () => {
    const error = errors[calls++];
    if (error) throw error;
    return 'frame';
  };
  return { draw, calls: () => calls };
}

const notYet = () => new DOMException('The provided element\'s player has no current data.', 'InvalidStateError');

describe('drawing a video frame that the browser has not handed over yet', () => {
  it('asks again until the frame is there', async () => {
    const { draw, calls } = drawFailing(notYet(), notYet());
    await expect(retryUntilDrawable(draw)).resolves.toBe('frame');
    expect(calls()).toBe(3);
  });

  it('passes any other failure on at once', async () => {
    const { draw, calls } = drawFailing(new DOMException('tainted', 'SecurityError'));
    await expect(retryUntilDrawable(draw)).rejects.toMatchObject({ name: 'SecurityError' });
    expect(calls()).toBe(1);
  });

  it('gives up with the browser\'s error once the deadline has passed', async () => {
    const { draw, calls } = drawFailing(...Array.from({ length: 1000 }, notYet));
    await expect(retryUntilDrawable(draw, undefined, 50)).rejects.toMatchObject({ name: 'InvalidStateError' });
    expect(calls()).toBeGreaterThan(1);
    expect(calls()).toBeLessThan(10);
  });

  it('stops waiting as soon as the caller aborts', async () => {
    const controller = new AbortController();
    const { draw, calls } = drawFailing(...Array.from({ length: 1000 }, notYet));
    const drawing = retryUntilDrawable(draw, controller.signal);
    setTimeout(() => controller.abort(), 30);
    const error = await drawing.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DetectorError);
    expect((error as DetectorError).reason).toBe('cancelled');
    expect(calls()).toBeLessThan(10);
  });
});

/** Stands in for the player: an event target with no error. */
const player = () => Object.assign(new EventTarget(), { error: null }) as unknown as HTMLVideoElement;

describe('waiting on the player', () => {
  it('resolves on the event it waits for', async () => {
    const video = player();
    const seeked = until(video, 'seeked');
    video.dispatchEvent(new Event('seeked'));
    await expect(seeked).resolves.toBeUndefined();
  });

  it('ends with the source: a seek pending when the source is closed rejects at once and leaves no timer', async () => {
    vi.useFakeTimers();
    try {
      const video = player();
      const seeked = until(video, 'seeked').catch((e: unknown) => e);
      expect(vi.getTimerCount()).toBe(1); // the deadline
      video.dispatchEvent(new Event('emptied')); // what removing src and load() fire
      const error = await seeked;
      expect(error).toBeInstanceOf(DetectorError);
      expect((error as DetectorError).reason).toBe('cancelled');
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});

/**
 * Stands in for a player that fires `seeked` 5 ms after a seek and presents the sought frame `presentAfterMs`
 * after that (never, for a seek onto the frame already shown, or without requestVideoFrameCallback at all).
 */
function seekingPlayer(presentAfterMs: number | 'never' | 'no callback') {
  const log: string[] = [];
  const callbacks = new Map<number, () => void>();
  let handles = 0;
  const seek = (seconds: number) =>
    setTimeout(() => {
      log.push(`seeked ${seconds}`);
      video.dispatchEvent(new Event('seeked'));
      if (typeof presentAfterMs !== 'number') return;
      setTimeout(() => {
        log.push('presented');
        for (const callback of callbacks.values()) callback();
        callbacks.clear();
      }, presentAfterMs);
    }, 5);
  const video = Object.defineProperty(Object.assign(new EventTarget(), { error: null }), 'currentTime', { set: seek });
  if (presentAfterMs !== 'no callback') {
    Object.assign(video, {
      requestVideoFrameCallback: (callback: () => void) => (callbacks.set(++handles, callback), handles),
      cancelVideoFrameCallback: (handle: number) => void callbacks.delete(handle),
    });
  }
  return { video: video as unknown as HTMLVideoElement, log, pending: () => callbacks.size };
}

describe('seeking the player to a sampled frame', () => {
  it('waits past `seeked` until the sought frame is presented, since drawing at `seeked` can catch the frame before', async () => {
    const { video, log, pending } = seekingPlayer(40);
    await seekAndPresent(video, 1.5, undefined, 1000);
    log.push('drawn');
    expect(log).toEqual(['seeked 1.5', 'presented', 'drawn']);
    expect(pending()).toBe(0);
  });

  it('ends after the grace when the seek lands on the frame already shown, which presents nothing, and drops its callback', async () => {
    const { video, pending } = seekingPlayer('never');
    const start = Date.now();
    await seekAndPresent(video, 1.52, undefined, 60);
    expect(Date.now() - start).toBeGreaterThanOrEqual(60);
    expect(Date.now() - start).toBeLessThan(1000);
    expect(pending()).toBe(0);
  });

  it('draws at `seeked` in a browser without requestVideoFrameCallback', async () => {
    const { video, log } = seekingPlayer('no callback');
    const start = Date.now();
    await seekAndPresent(video, 1.5, undefined, 1000);
    expect(log).toEqual(['seeked 1.5']);
    expect(Date.now() - start).toBeLessThan(500);
  });

  it('stops waiting for the frame as soon as the caller aborts', async () => {
    const { video, pending } = seekingPlayer('never');
    const controller = new AbortController();
    const seeking = seekAndPresent(video, 1.5, controller.signal, 10_000).catch((e: unknown) => e);
    setTimeout(() => controller.abort(), 30);
    const error = await seeking;
    expect(error).toBeInstanceOf(DetectorError);
    expect((error as DetectorError).reason).toBe('cancelled');
    expect(pending()).toBe(0);
  });
});
