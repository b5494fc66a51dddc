import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeBitmap } from '../../src/decode/decode-protocol';

/** What the stand-ins saw: each createImageBitmap call's source and options, and what was closed. */
interface Seen {
  bitmaps: { source: unknown; options?: ImageBitmapOptions }[];
  decoders: ImageDecoderInit[];
  closed: string[];
}

const blob = new Blob([new Uint8Array([0xff, 0xd8, 0xff])], { type: 'image/jpeg' });
const bound = { width: 5016, height: 3344 };

/**
 * Stands in for the browser: createImageBitmap records its call; ImageDecoder, unless `decoded` is null (no
 * ImageDecoder at all), gives a frame of that size, or throws if it is an Error.
 */
function browser(decoded: { width: number; height: number } | Error | null): Seen {
  const seen: Seen = { bitmaps: [], decoders: [], closed: [] };
  vi.stubGlobal('createImageBitmap', async (source: unknown, options?: ImageBitmapOptions) => {
    seen.bitmaps.push({ source, options });
    return { width: 1, height: 1 };
  });
  if (decoded === null) {
    vi.stubGlobal('ImageDecoder', undefined);
    return seen;
  }
  vi.stubGlobal(
    'ImageDecoder',
    class {
      constructor(init: ImageDecoderInit) {
        seen.decoders.push(init);
      }
      async decode() {
        if (decoded instanceof Error) throw decoded;
        return { image: { displayWidth: decoded.width, displayHeight: decoded.height, close: () => seen.closed.push('frame') }, complete: true };
      }
      close() {
        seen.closed.push('decoder');
      }
    },
  );
  return seen;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('decodeBitmap', () => {
  it('decodes an upright JPEG over the bound at the decoder\'s own smaller scale, holding no full-size copy', async () => {
    const seen = browser({ width: 4500, height: 3000 }); // 6000x4000 at 6/8, as Chromium decodes it
    await decodeBitmap({ blob, size: bound, uprightJpeg: true });
    expect(seen.decoders).toHaveLength(1);
    expect(seen.decoders[0]).toMatchObject({ type: 'image/jpeg', desiredWidth: 5016, desiredHeight: 3344 });
    // The file's bytes, handed over to the decoder (freed with it) rather than left to this heap's collection.
    const { data, transfer } = seen.decoders[0]!;
    expect(data).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(data as ArrayBuffer)]).toEqual([0xff, 0xd8, 0xff]);
    expect(transfer).toEqual([data]);
    expect(seen.bitmaps).toHaveLength(1);
    expect(seen.bitmaps[0]?.source).not.toBe(blob);
    expect(seen.bitmaps[0]?.options).toEqual({});
    expect(seen.closed).toEqual(['frame', 'decoder']);
  });

  it('scales the frame to the bound when the decoder gives the full size', async () => {
    const seen = browser({ width: 6000, height: 4000 });
    await decodeBitmap({ blob, size: bound, uprightJpeg: true });
    expect(seen.bitmaps).toHaveLength(1);
    expect(seen.bitmaps[0]?.options).toMatchObject({ resizeWidth: 5016, resizeHeight: 3344 });
    expect(seen.closed).toEqual(['frame', 'decoder']);
  });

  it('leaves a file the decoder refuses to createImageBitmap, which reports it', async () => {
    const seen = browser(new Error('corrupt'));
    await decodeBitmap({ blob, size: bound, uprightJpeg: true });
    expect(seen.bitmaps).toEqual([{ source: blob, options: { imageOrientation: 'from-image', resizeWidth: 5016, resizeHeight: 3344, resizeQuality: 'high' } }]);
    expect(seen.closed).toEqual(['decoder']);
  });

  it('decodes turned JPEGs, images within the bound and pages without ImageDecoder with createImageBitmap', async () => {
    for (const [request, decoder] of [
      [{ blob, size: bound, uprightJpeg: false }, { width: 4500, height: 3000 }],
      [{ blob, size: null, uprightJpeg: true }, { width: 4500, height: 3000 }],
      [{ blob, size: bound, uprightJpeg: true }, null],
    ] as const) {
      const seen = browser(decoder);
      await decodeBitmap(request);
      expect(seen.decoders).toEqual([]);
      expect(seen.bitmaps).toHaveLength(1);
      expect(seen.bitmaps[0]?.source).toBe(blob);
      expect(seen.bitmaps[0]?.options?.imageOrientation).toBe('from-image');
      vi.unstubAllGlobals();
    }
  });
});
