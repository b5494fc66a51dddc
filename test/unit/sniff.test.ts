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

  it('refuses what it does not support: SVG, PDF, TIFF, HEIC, MP4, text, nothing', () => {
    const heic = new Uint8Array([0, 0, 0, 24, ...ascii('ftypheic')]);
    for (const bytes of [ascii('<svg xmlns="http://www.w3.org/2000/svg"/>'), ascii('%PDF-1.7'), new Uint8Array([0x49, 0x49, 0x2a, 0]), heic, ascii('hello'), new Uint8Array()]) {
      expect(sniffImageFormat(bytes)).toBeNull();
    }
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
