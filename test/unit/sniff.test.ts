import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { boundedDecodeSize } from '../../src/decode/limits';
import { readImageHeader, sniffImageFormat, sniffVideoContainer } from '../../src/decode/sniff';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/${name}`, import.meta.url)));

function png(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(33);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  new DataView(bytes.buffer).setUint32(16, width);
  new DataView(bytes.buffer).setUint32(20, height);
  return bytes;
}

const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

describe('image header sniffing', () => {
  it('reads JPEG and PNG fixtures with their true sizes', () => {
    expect(readImageHeader(fixture('astronaut.jpg'))).toEqual({ format: 'jpeg', width: 512, height: 512, orientation: 1 });
    expect(readImageHeader(fixture('no-face.png'))).toEqual({ format: 'png', width: 480, height: 320, orientation: 1 });
  });

  it('reads a decompression bomb\'s claimed size without decoding it', () => {
    expect(readImageHeader(png(30000, 30000))).toEqual({ format: 'png', width: 30000, height: 30000, orientation: 1 });
  });

  it('reads GIF, BMP and the three WebP flavours', () => {
    const gif = new Uint8Array([...ascii('GIF89a'), 0x40, 0x01, 0xf0, 0x00]);
    expect(readImageHeader(gif)).toEqual({ format: 'gif', width: 320, height: 240, orientation: 1 });

    const bmp = new Uint8Array(30);
    bmp.set(ascii('BM'));
    new DataView(bmp.buffer).setInt32(18, 640, true);
    new DataView(bmp.buffer).setInt32(22, -480, true); // top-down
    expect(readImageHeader(bmp)).toEqual({ format: 'bmp', width: 640, height: 480, orientation: 1 });

    const webp = (chunk: string, fill: (view: DataView) => void) => {
      const bytes = new Uint8Array(32);
      bytes.set(ascii('RIFF'));
      bytes.set(ascii('WEBP'), 8);
      bytes.set(ascii(chunk), 12);
      fill(new DataView(bytes.buffer));
      return bytes;
    };
    expect(readImageHeader(webp('VP8 ', (v) => (v.setUint16(26, 800, true), v.setUint16(28, 600, true))))).toMatchObject({ width: 800, height: 600 });
    expect(readImageHeader(webp('VP8L', (v) => v.setUint32(21, (799 & 0x3fff) | ((599 & 0x3fff) << 14), true)))).toMatchObject({ width: 800, height: 600 });
    expect(
      readImageHeader(
        webp('VP8X', (v) => {
          v.setUint8(24, 799 & 0xff);
          v.setUint8(25, 799 >> 8);
          v.setUint8(27, 599 & 0xff);
          v.setUint8(28, 599 >> 8);
        }),
      ),
    ).toMatchObject({ width: 800, height: 600 });
  });

  it('reads the EXIF orientation of a JPEG, and 1 where there is none', () => {
    expect(readImageHeader(fixture('astronaut-exif-rotated.jpg'))).toMatchObject({ format: 'jpeg', orientation: 6 });
    expect(readImageHeader(fixture('astronaut.jpg'))!.orientation).toBe(1);
  });

  it('knows a truncated header as the format with unknown size', () => {
    expect(readImageHeader(fixture('astronaut.jpg').subarray(0, 20))).toEqual({ format: 'jpeg', width: null, height: null, orientation: 1 });
  });

  it('refuses what it does not support: SVG, PDF, TIFF, MP4, text, nothing', () => {
    for (const bytes of [ascii('<svg xmlns="http://www.w3.org/2000/svg"/>'), ascii('%PDF-1.7'), new Uint8Array([0x49, 0x49, 0x2a, 0]), fixture('face.mp4'), ascii('hello'), new Uint8Array()]) {
      expect(sniffImageFormat(bytes)).toBeNull();
    }
  });
});

/** An ISO-BMFF box: 32-bit size, type, content; a full box's content starts with its version and flags. */
const box = (type: string, ...content: Uint8Array[]) => {
  const length = 8 + content.reduce((sum, part) => sum + part.length, 0);
  const bytes = new Uint8Array(length);
  new DataView(bytes.buffer).setUint32(0, length);
  bytes.set(ascii(type), 4);
  let at = 8;
  for (const part of content) (bytes.set(part, at), (at += part.length));
  return bytes;
};
const u8 = (...values: number[]) => Uint8Array.from(values);
const u16 = (value: number) => u8(value >> 8, value & 255);
const u32 = (value: number) => u8(value >>> 24, (value >> 16) & 255, (value >> 8) & 255, value & 255);
const concat = (...parts: Uint8Array[]) => box('____', ...parts).subarray(8);

/**
 * A HEIC whose primary item (2) is 4000x3000 with a turn and a mirror, beside a 160x120 thumbnail (item 1), its
 * property indices 16-bit (ipma flags 1), as large files need.
 */
function heic(angle: number, axis: number | null): Uint8Array {
  const properties = [box('ispe', u32(0), u32(160), u32(120)), box('ispe', u32(0), u32(4000), u32(3000)), box('irot', u8(angle))];
  if (axis !== null) properties.push(box('imir', u8(axis)));
  const primary = [2, 3, 4].slice(0, properties.length - 1);
  const ipma = box('ipma', u32(1), u32(2), u16(1), u8(1), u16(0x8001), u16(2), u8(primary.length), ...primary.map((index) => u16(0x8000 | index)));
  const meta = box('meta', u32(0), box('hdlr', u32(0), u32(0), ascii('pict')), box('pitm', u32(0), u16(2)), box('iprp', box('ipco', ...properties), ipma));
  return concat(box('ftyp', ascii('heic'), u32(0), ascii('mif1heic')), meta, box('mdat', u8(0, 0, 0, 0)));
}

describe('HEIF (AVIF, HEIC) headers', () => {
  it('reads the AVIF fixtures: the portrait upright, and two stored a quarter turn clockwise with irot turning them back', () => {
    expect(readImageHeader(fixture('astronaut.avif'))).toEqual({ format: 'avif', width: 512, height: 512, orientation: 1 });
    expect(readImageHeader(fixture('astronaut-irot.avif'))).toEqual({ format: 'avif', width: 512, height: 384, orientation: 8 });
    const large = readImageHeader(fixture('portrait-29mp-irot.avif'))!;
    expect(large).toEqual({ format: 'avif', width: 6000, height: 4800, orientation: 8 });
    const bounded = boundedDecodeSize(large.width!, large.height!, large.orientation, 8_388_608)!;
    expect(bounded.height).toBeGreaterThan(bounded.width); // as shown: 4800x6000
  });

  it('reads the primary item\'s size and turn, not another item\'s, through 16-bit property indices', () => {
    expect(readImageHeader(heic(0, null))).toEqual({ format: 'heic', width: 4000, height: 3000, orientation: 1 });
    // EXIF's equivalents of each quarter turn anticlockwise, then a mirror about the vertical axis, then the horizontal.
    const expected = [
      [1, 2, 4],
      [8, 7, 5],
      [3, 4, 2],
      [6, 5, 7],
    ];
    for (const angle of [0, 1, 2, 3]) {
      for (const [mirror, axis] of [null, 0, 1].entries()) expect(readImageHeader(heic(angle, axis))!.orientation).toBe(expected[angle]![mirror]);
    }
  });

  it('knows the brand: AVIF where any brand is AVIF\'s, HEIC for other still-image brands; never a video', () => {
    const ftyp = (...brands: string[]) => box('ftyp', ascii(brands[0]!), u32(0), ...brands.slice(1).map(ascii));
    expect(sniffImageFormat(ftyp('mif1', 'mif1', 'avif'))).toBe('avif');
    expect(sniffImageFormat(ftyp('avis', 'msf1'))).toBe('avif');
    expect(sniffImageFormat(ftyp('mif1', 'mif1', 'heic'))).toBe('heic');
    expect(sniffImageFormat(ftyp('isom', 'avif'))).toBeNull(); // an MP4 naming AVIF among its brands is still a video
    for (const bytes of [ftyp('mif1', 'avif'), ftyp('heic')]) expect(sniffVideoContainer(bytes)).toBeNull();
  });

  it('knows a header cut before the size, or boxes that lie about their size, as the format with unknown size', () => {
    const whole = heic(1, null);
    expect(readImageHeader(whole.subarray(0, 60))).toEqual({ format: 'heic', width: null, height: null, orientation: 1 });
    const lying = whole.slice();
    new DataView(lying.buffer).setUint32(24, 4); // the meta box (after ftyp's 24 bytes) claims fewer bytes than its own header
    expect(readImageHeader(lying)).toEqual({ format: 'heic', width: null, height: null, orientation: 1 });
    // Cut anywhere, a header gives its true size or none, and never throws.
    for (let length = 0; length <= whole.length; length++) {
      const header = readImageHeader(whole.subarray(0, length));
      if (header?.width != null) expect(header).toEqual({ format: 'heic', width: 4000, height: 3000, orientation: 8 });
    }
    expect(readImageHeader(whole)!.width).toBe(4000);
  });
});

describe('video container sniffing', () => {
  it('knows MP4 and WebM fixtures, and an audio-only MP4 as MP4 (its lack of video shows when decoding)', () => {
    expect(sniffVideoContainer(fixture('face.mp4'))).toBe('mp4');
    expect(sniffVideoContainer(fixture('audio-only.m4a'))).toBe('mp4');
    expect(sniffVideoContainer(fixture('face.webm'))).toBe('webm');
  });

  it('leaves HEIC and AVIF stills and images alone, though they share the ftyp box', () => {
    for (const brand of ['heic', 'mif1', 'avif']) expect(sniffVideoContainer(new Uint8Array([0, 0, 0, 24, ...ascii(`ftyp${brand}`)]))).toBeNull();
    expect(sniffVideoContainer(fixture('astronaut.jpg'))).toBeNull();
    expect(sniffVideoContainer(new Uint8Array())).toBeNull();
  });
});

describe('boundedDecodeSize', () => {
  it('leaves images within the bound alone', () => {
    expect(boundedDecodeSize(4096, 4096, 1, 16_777_216)).toBeNull();
  });

  it('scales larger images evenly to at most the bound', () => {
    const size = boundedDecodeSize(8000, 6000, 1, 16_777_216)!;
    expect(size.width * size.height).toBeLessThanOrEqual(16_777_216);
    expect(size.width / size.height).toBeCloseTo(8000 / 6000, 3);
    expect(size.width).toBeGreaterThan(4700);
  });

  it('gives the size as displayed for EXIF orientations that turn the image', () => {
    const size = boundedDecodeSize(8000, 6000, 6, 16_777_216)!;
    expect(size.height).toBeGreaterThan(size.width);
    expect(size.height / size.width).toBeCloseTo(8000 / 6000, 3);
  });
});
