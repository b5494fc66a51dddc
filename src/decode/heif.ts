/**
 * HEIF still images (AVIF, HEIC): the brand, and the primary image's size and
 * turn as its boxes give them, read before any decoder sees the file, as
 * sniff.ts does for the other formats. Pure: works on the first bytes only.
 */
import { ascii } from './bytes';

export type HeifFormat = 'avif' | 'heic';

/** Brands of still images in ISO-BMFF's `ftyp` box, which MP4 shares; AVIF's are the ones with an AV1 picture. */
export const HEIF_BRANDS = new Set(['avif', 'avis', 'heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1']);
const AVIF_BRANDS = new Set(['avif', 'avis']);

/** 'avif' or 'heic' for a file whose `ftyp` box names a still-image brand first (AVIF where any brand is AVIF's). */
export function heifFormat(bytes: Uint8Array): HeifFormat | null {
  if (bytes.length < 12 || ascii(bytes, 4, 4) !== 'ftyp' || !HEIF_BRANDS.has(ascii(bytes, 8, 4))) return null;
  const end = Math.min(bytes.length, new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0));
  const brands = [ascii(bytes, 8, 4)];
  for (let at = 16; at + 4 <= end; at += 4) brands.push(ascii(bytes, at, 4));
  return brands.some((brand) => AVIF_BRANDS.has(brand)) ? 'avif' : 'heic';
}

interface Box {
  type: string;
  /** Where the box's content starts (after its size and type), and where the box ends, cut to the bytes at hand. */
  start: number;
  end: number;
  /** Whether the box runs past the bytes at hand. */
  cut: boolean;
}

/** The boxes laid end to end from `start` to `end`; a box cut off by the end of the bytes ends there. */
function* boxes(bytes: Uint8Array, start: number, end: number): Generator<Box> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = start;
  while (at + 8 <= end) {
    const size = view.getUint32(at);
    const type = ascii(bytes, at + 4, 4);
    let header = 8;
    let length = size;
    if (size === 1) {
      // A 64-bit size; any box larger than 4 GiB runs past the bytes at hand anyway.
      if (at + 16 > end) return;
      header = 16;
      length = view.getUint32(at + 8) > 0 ? Infinity : view.getUint32(at + 12);
    } else if (size === 0) {
      length = end - at; // the box runs to the end of the file
    }
    if (length < header) return; // malformed: a size smaller than the box's own header
    yield { type, start: at + header, end: Math.min(end, at + length), cut: at + length > end };
    at += length;
  }
}

/** The first box of `type` inside `parent` (whose children follow its version and flags if it is a full box). */
const child = (bytes: Uint8Array, parent: Box, type: string, fullBox = false) => {
  for (const box of boxes(bytes, parent.start + (fullBox ? 4 : 0), parent.end)) if (box.type === type) return box;
  return undefined;
};

/**
 * The EXIF orientation (1-8) of HEIF's turn and mirror: `irot` turns the image `angle` quarters anticlockwise, then
 * `imir` mirrors it about a vertical axis (axis 0: left and right swap) or a horizontal one (axis 1), in the order
 * MIAF fixes. Indexed [angle][no mirror, axis 0, axis 1].
 */
const ORIENTATIONS = [
  [1, 2, 4],
  [8, 7, 5],
  [3, 4, 2],
  [6, 5, 7],
];

export interface HeifHeader {
  width: number;
  height: number;
  /** As EXIF gives it: 5-8 show the image turned a quarter, width and height swapped. */
  orientation: number;
}

/**
 * The primary image's stored size (`ispe`) and orientation (`irot`, `imir`), found through the `meta` box's
 * primary item (`pitm`) and its properties (`ipma` into `ipco`); null where the bytes at hand do not say (they may
 * end before a `meta` box that follows the picture data: src/decode/image.ts then reads the whole file).
 */
export function heifHeader(bytes: Uint8Array): HeifHeader | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let meta: Box | undefined;
  for (const box of boxes(bytes, 0, bytes.length)) if (box.type === 'meta' && !meta) meta = box;
  // Cut off, it might have lost the turn after the size: better no size than a wrong one.
  if (!meta || meta.cut) return null;
  const pitm = child(bytes, meta, 'pitm', true);
  const iprp = child(bytes, meta, 'iprp', true);
  const ipco = iprp && child(bytes, iprp, 'ipco');
  const ipma = iprp && child(bytes, iprp, 'ipma');
  if (!pitm || !ipco || !ipma || pitm.end - pitm.start < 4) return null;
  const idBytes = view.getUint8(pitm.start) > 0 ? 4 : 2; // after its version and flags
  if (pitm.end - pitm.start < 4 + idBytes) return null;
  const primary = idBytes === 4 ? view.getUint32(pitm.start + 4) : view.getUint16(pitm.start + 4);
  const properties = [...boxes(bytes, ipco.start, ipco.end)];
  let width = 0;
  let height = 0;
  let angle = 0;
  let mirror = 0;
  for (const index of propertyIndices(view, ipma, primary)) {
    const property = properties[index - 1]; // 1-based; 0 means none
    if (!property) continue;
    if (property.type === 'ispe' && property.end - property.start >= 12) {
      width = view.getUint32(property.start + 4);
      height = view.getUint32(property.start + 8);
    } else if (property.type === 'irot' && property.end > property.start) {
      angle = view.getUint8(property.start) & 3;
    } else if (property.type === 'imir' && property.end > property.start) {
      mirror = 1 + (view.getUint8(property.start) & 1);
    }
  }
  if (width === 0 || height === 0) return null;
  return { width, height, orientation: ORIENTATIONS[angle]![mirror]! };
}

/** The 1-based `ipco` indices `ipma` associates with `item`. */
function propertyIndices(view: DataView, ipma: Box, item: number): number[] {
  if (ipma.end - ipma.start < 8) return [];
  const version = view.getUint8(ipma.start);
  const wide = (view.getUint8(ipma.start + 3) & 1) === 1; // flags: 15-bit indices instead of 7-bit ones
  const count = view.getUint32(ipma.start + 4);
  let at = ipma.start + 8;
  for (let entry = 0; entry < count; entry++) {
    const idBytes = version < 1 ? 2 : 4;
    if (at + idBytes + 1 > ipma.end) break;
    const id = idBytes === 2 ? view.getUint16(at) : view.getUint32(at);
    const associations = view.getUint8(at + idBytes);
    at += idBytes + 1;
    const indices: number[] = [];
    for (let k = 0; k < associations && at + (wide ? 2 : 1) <= ipma.end; k++) {
      indices.push(wide ? view.getUint16(at) & 0x7fff : view.getUint8(at) & 0x7f);
      at += wide ? 2 : 1;
    }
    if (id === item) return indices;
  }
  return [];
}
