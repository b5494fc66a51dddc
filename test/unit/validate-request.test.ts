import { describe, expect, it } from 'vitest';
import { validateRequest } from '../../src/detector';

const blob = new Blob([new Uint8Array([1, 2, 3])]);

describe('checking a request and its options before any decoding', () => {
  it('accepts the video options a caller may pass', () => {
    expect(validateRequest({ media: blob }, { interval: 0.5, maxFrames: 10, decoder: 'element' })).toBeNull();
    expect(validateRequest({ media: blob }, { decoder: 'auto' })).toBeNull();
    expect(validateRequest({ url: 'https://example.org/clip.mp4' }, {})).toBeNull();
  });

  it('refuses a decoder it does not have, a bad interval or frame count, with argument error 12', () => {
    for (const options of [{ decoder: 'webgl' }, { interval: 0 }, { interval: Number.NaN }, { maxFrames: 2.5 }]) {
      expect(validateRequest({ media: blob }, options as never)).toMatchObject({ type: 'argument_error', code: 12 });
    }
  });

  it('refuses an empty request and unknown models', () => {
    expect(validateRequest({}, {})).toMatchObject({ code: 10 });
    expect(validateRequest({ media: blob }, { models: 'deepfake,nsfw' })).toMatchObject({ code: 11 });
  });
});
