import { describe, expect, it } from 'vitest';
import { withDeadline } from '../../src/decode/deadline';

/** A promise and the function that resolves it later. */
function later<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('waiting on a decoder with a deadline and a cancel', () => {
  it('answers what the decoder answers in time', async () => {
    await expect(withDeadline(Promise.resolve('frame'), undefined, 'No frame within', undefined, 1_000)).resolves.toBe('frame');
    await expect(withDeadline(Promise.reject(new Error('bad packet')), undefined, 'No frame within', undefined, 1_000)).rejects.toThrow('bad packet');
  });

  it('gives up after the deadline with a media error, and discards what arrives afterwards', async () => {
    const frame = later<string>();
    const discarded: string[] = [];
    const waiting = withDeadline(frame.promise, undefined, 'No frame at 500 ms within', (late) => discarded.push(late), 20);
    await expect(waiting).rejects.toMatchObject({ code: 29, message: expect.stringContaining('No frame at 500 ms within 0.02 s.') });
    frame.resolve('late frame');
    await frame.promise;
    await Promise.resolve();
    expect(discarded).toEqual(['late frame']);
  });

  it('answers cancelled at once on abort, before and while waiting, and discards the frame it was waiting for', async () => {
    const controller = new AbortController();
    const frame = later<string>();
    const discarded: string[] = [];
    const waiting = withDeadline(frame.promise, controller.signal, 'No frame within', (late) => discarded.push(late), 60_000);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 41 });
    frame.resolve('decoded after the abort');
    await frame.promise;
    await Promise.resolve();
    expect(discarded).toEqual(['decoded after the abort']);
    await expect(withDeadline(Promise.resolve('x'), controller.signal, 'No frame within', undefined, 60_000)).rejects.toMatchObject({ code: 41 });
  });

  it('discards nothing that it handed over', async () => {
    const discarded: string[] = [];
    const controller = new AbortController();
    await withDeadline(Promise.resolve('frame'), controller.signal, 'No frame within', (late) => discarded.push(late), 1_000);
    controller.abort();
    expect(discarded).toEqual([]);
  });
});
