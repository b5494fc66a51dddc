/**
 * Recognises image formats by their magic bytes and reads their dimensions
 * from the header, so that unsupported files and decompression bombs are
 * refused before any decoder sees them. Pure: works on the first bytes only.
 */
import { ascii } from './bytes';
import { HEIF_BRANDS, heifFormat, heifHeader, type HeifFormat } from './heif';

/** HEIC is recognised so that a browser that cannot decode it (any but Safari) can say so plainly. */
export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'webp' | 'bmp' | 'avif' | 'heic';

export interface ImageHeader {
  format: ImageFormat;
  /** As stored, before any EXIF rotation; null where the header is cut short before the dimensions. */
  width: number | null;
  height: number | null;
  /**
   * EXIF orientation (1-8; 1 where there is none), or a HEIF image's turn and mirror as EXIF would give them; 5-8
   * show the image turned a quarter, width and height swapped.
   */
  orientation: number;
}

/** How many leading bytes `readImageHeader` needs in the worst common case (JPEG with large EXIF). */
export const HEADER_BYTES = 256 * 1024;

export function sniffImageFormat(bytes: Uint8Array): ImageFormat | null {
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (ascii(bytes, 0, 8) === '\x89PNG\r\n\x1a\n') return 'png';
  if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a') return 'gif';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return 'webp';
  if (ascii(bytes, 0, 2) === 'BM' && bytes.length >= 26) return 'bmp';
  return heifFormat(bytes);
}

export type VideoContainer = 'mp4' | 'webm';

/** `sniffVideoContainer` looks at no more than this many leading bytes. */
export const VIDEO_MAGIC_BYTES = 12;

/** MP4/QuickTime (an `ftyp` box first, not an image brand) or WebM/Matroska (EBML magic); codecs are the browser's business. */
export function sniffVideoContainer(bytes: Uint8Array): VideoContainer | null {
  if (ascii(bytes, 4, 4) === 'ftyp') return HEIF_BRANDS.has(ascii(bytes, 8, 4)) ? null : 'mp4';
  if (bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3) return 'webm';
  return null;
}

export function readImageHeader(bytes: Uint8Array): ImageHeader | null {
  const format = sniffImageFormat(bytes);
  if (!format) return null;
  if (format === 'avif' || format === 'heic') {
    const header = heifHeader(bytes);
    return { format, width: header?.width ?? null, height: header?.height ?? null, orientation: header?.orientation ?? 1 };
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = dimensions(format, bytes, view);
  const orientation = format === 'jpeg' ? jpegOrientation(bytes, view) : 1;
  return { format, width: size?.[0] ?? null, height: size?.[1] ?? null, orientation };
}

function dimensions(format: Exclude<ImageFormat, HeifFormat>, bytes: Uint8Array, view: DataView): [number, number] | null {
  const has = (n: number) => bytes.length >= n;
  switch (format) {
    case 'png':
      return has(24) ? [view.getUint32(16), view.getUint32(20)] : null;
    case 'gif':
      return has(10) ? [view.getUint16(6, true), view.getUint16(8, true)] : null;
    case 'bmp':
      // Height is negative for top-down bitmaps.
      return has(26) ? [Math.abs(view.getInt32(18, true)), Math.abs(view.getInt32(22, true))] : null;
    case 'webp':
      return webpDimensions(bytes, view);
    case 'jpeg':
      return jpegDimensions(bytes, view);
  }
}

function webpDimensions(bytes: Uint8Array, view: DataView): [number, number] | null {
  if (bytes.length < 30) return null;
  const chunk = ascii(bytes, 12, 4);
  if (chunk === 'VP8 ') return [view.getUint16(26, true) & 0x3fff, view.getUint16(28, true) & 0x3fff];
  if (chunk === 'VP8L') {
    const bits = view.getUint32(21, true);
    return [(bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1];
  }
  if (chunk === 'VP8X') {
    const width = 1 + (bytes[24]! | (bytes[25]! << 8) | (bytes[26]! << 16));
    const height = 1 + (bytes[27]! | (bytes[28]! << 8) | (bytes[29]! << 16));
    return [width, height];
  }
  return null;
}

/** Walks the JPEG markers up to the first one `visit` answers for (not undefined), or the end of the bytes. */
function walkJpeg<T>(bytes: Uint8Array, view: DataView, visit: (marker: number, at: number) => T | undefined): T | null {
  let at = 2;
  while (at + 9 < bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    const answer = visit(marker, at);
    if (answer !== undefined) return answer;
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    at += 2 + view.getUint16(at + 2);
  }
  return null;
}

const isStartOfFrame = (marker: number) => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

function jpegDimensions(bytes: Uint8Array, view: DataView): [number, number] | null {
  return walkJpeg(bytes, view, (marker, at) => (isStartOfFrame(marker) ? ([view.getUint16(at + 7), view.getUint16(at + 5)] as [number, number]) : undefined));
}

/** The Orientation tag (0x0112) of IFD0 in an APP1 Exif segment before the image data; 1 when absent or unreadable. */
function jpegOrientation(bytes: Uint8Array, view: DataView): number {
  const found = walkJpeg(bytes, view, (marker, at) => {
    if (isStartOfFrame(marker)) return 1;
    if (marker !== 0xe1 || ascii(bytes, at + 4, 6) !== 'Exif\0\0') return undefined;
    const tiff = at + 10;
    if (tiff + 8 > bytes.length) return 1;
    const little = ascii(bytes, tiff, 2) === 'II';
    const ifd = tiff + view.getUint32(tiff + 4, little);
    if (ifd + 2 > bytes.length) return 1;
    const entries = view.getUint16(ifd, little);
    for (let i = 0; i < entries; i++) {
      const entry = ifd + 2 + i * 12;
      if (entry + 12 > bytes.length) break;
      if (view.getUint16(entry, little) === 0x0112) {
        const value = view.getUint16(entry + 8, little);
        return value >= 1 && value <= 8 ? value : 1;
      }
    }
    return 1;
  });
  return found ?? 1;
}
