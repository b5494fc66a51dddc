import { describe, expect, it } from 'vitest';
import type { DecodedImage } from '../../src/decode/image';
import { withFallback, type VideoDecoding, type VideoSource } from '../../src/decode/video-source';
import { DetectorError } from '../../src/respond/errors';

/** A source that hands out `steps` in turn: a name stands for a frame, an error is thrown there. */
function fakeSource(decoder: VideoDecoding, steps: (string | Error)[]) {
  const state = { closed: 0, asked: [] as number[][] };
  const source: VideoSource = {
    decoder,
    durationMs: 2000,
    async *frames(positionsMs) {
      state.asked.push([...positionsMs]);
      for (const step of steps) {
        if (step instanceof Error) throw step;
        yield { source: step } as unknown as DecodedImage;
      }
    },
    close: () => void state.closed++,
  };
  return { source, state };
}

async function collect(source: VideoSource, positions = [0, 1000]) {
  const names: string[] = [];
  for await (const image of source.frames(positions)) names.push(image.source as unknown as string);
  return names;
}

const decodeError = () => new DetectorError('no_video_frames', 'No frame at 0 ms (EncodingError: Decoding error.).');

describe('handing a video to the player when WebCodecs fails on it', () => {
  it('keeps WebCodecs when it delivers, and never opens the player', async () => {
    const codecs = fakeSource('webcodecs', ['c0', 'c1']);
    let opened = 0;
    const source = withFallback(codecs.source, async () => (opened++, fakeSource('element', []).source));
    expect(await collect(source)).toEqual(['c0', 'c1']);
    expect([source.decoder, opened]).toEqual(['webcodecs', 0]);
  });

  it('hands the same positions to the player when WebCodecs fails before its first frame, and says so', async () => {
    const codecs = fakeSource('webcodecs', [decodeError()]);
    const player = fakeSource('element', ['p0', 'p1']);
    const source = withFallback(codecs.source, async () => player.source);
    expect(await collect(source, [0, 500])).toEqual(['p0', 'p1']);
    expect(player.state.asked).toEqual([[0, 500]]);
    expect(source.decoder).toBe('element');
    source.close();
    expect([codecs.state.closed, player.state.closed]).toEqual([1, 1]);
  });

  it('lets a failure stand once a frame has come, and on a cancel', async () => {
    let opened = 0;
    const openPlayer = async () => (opened++, fakeSource('element', ['p0']).source);
    const midway = withFallback(fakeSource('webcodecs', ['c0', decodeError()]).source, openPlayer);
    await expect(collect(midway)).rejects.toMatchObject({ code: 29 });
    const cancelled = withFallback(fakeSource('webcodecs', [new DetectorError('cancelled')]).source, openPlayer);
    await expect(collect(cancelled)).rejects.toMatchObject({ code: 41 });
    expect(opened).toBe(0);
  });

  it('answers the player\'s own failure when both fail', async () => {
    const player = fakeSource('element', [new DetectorError('no_video_frames', '(PIPELINE_ERROR_DECODE)')]);
    const source = withFallback(fakeSource('webcodecs', [decodeError()]).source, async () => player.source);
    await expect(collect(source)).rejects.toThrow('PIPELINE_ERROR_DECODE');
  });
});
