/**
 * decode: turns whatever the caller handed over into a full-resolution
 * bitmap (EXIF orientation applied) plus a smaller copy for face detection.
 * Sizes are checked from the file header before anything is decoded; files
 * are decoded in a worker (src/decode/decode-worker.ts), bounded in size.
 */
import { DetectorError } from '../respond/errors';
import { DETECTION_MAX_LONG_SIDE, DETECTION_MAX_SIDE } from '../faces/constants';
import { PANEL_ASPECT } from '../faces/tiles';
import { sizeWithin } from '../faces/size';
import { boundedDecodeSize, checkFileSize, DEFAULT_LIMITS, type MediaLimits } from './limits';
import { HEADER_BYTES, readImageHeader, type ImageHeader } from './sniff';
import { decodeBitmap, type DecodeReply, type DecodeRequest } from './decode-protocol';
import type { PixelSource } from '../crop/pixels';

export interface DecodedImage {
  /** Full-resolution pixels; classifier crops come from here. */
  source: PixelSource;
  /** Copy at detectionSize (or `source` itself). */
  detection: ImageBitmap;
  /** source size / detection size. */
  scale: number;
  width: number;
  height: number;
  close(): void;
}

export type ImageInput = Blob | ImageBitmap | HTMLImageElement;

/** Most browsers but Safari have no HEIC decoder, so a HEIC file that fails to decode is more likely unsupported than corrupt. */
const HEIC_UNDECODED = 'This browser could not decode it as a HEIC photo (of the common browsers only Safari can): save it as JPEG and check that.';

/** Checks a file's bytes against the limits and decodes it. */
export async function decodeImageBlob(blob: Blob, limits: MediaLimits = DEFAULT_LIMITS): Promise<ImageBitmap> {
  checkFileSize(blob, limits);
  const header = await readHeader(blob);
  if (!header) throw new DetectorError('unsupported_media', 'Supported images: JPEG, PNG, WebP, AVIF, BMP and GIF (HEIC where the browser decodes it).');
  let bounded: { width: number; height: number } | null = null;
  if (header.width !== null && header.height !== null) {
    if (header.width === 0 || header.height === 0) throw new DetectorError('corrupt_media', 'Its header gives a size of zero.');
    checkPixels(header.width, header.height, limits);
    bounded = boundedDecodeSize(header.width, header.height, header.orientation, limits.maxDecodedPixels);
  }
  try {
    return await decodeOffThread({ blob, size: bounded, uprightJpeg: header.format === 'jpeg' && header.orientation === 1 });
  } catch (error) {
    if (header.format === 'heic') throw new DetectorError('unsupported_media', HEIC_UNDECODED, { cause: error });
    throw new DetectorError('corrupt_media', `(${header.format.toUpperCase()})`, { cause: error });
  }
}

/**
 * The file's header, from its first bytes; for a HEIF image (AVIF, HEIC) whose size they do not give, which happens
 * where its `meta` box follows the picture data, from the whole file (at most the file size limit), so that no file
 * escapes the pixel limit by that order.
 */
async function readHeader(blob: Blob): Promise<ImageHeader | null> {
  const header = readImageHeader(new Uint8Array(await blob.slice(0, HEADER_BYTES).arrayBuffer()));
  const heif = header?.format === 'avif' || header?.format === 'heic';
  if (!heif || header.width !== null || blob.size <= HEADER_BYTES) return header;
  return readImageHeader(new Uint8Array(await blob.arrayBuffer()));
}

/** Reply id for requests the worker dropped when it failed: the page decodes those itself. */
const WORKER_FAILED = -1;

let decoder: { worker: Worker; nextId: number; pending: Map<number, (reply: DecodeReply) => void> } | null | undefined;

/** The decoding worker, started on first use; null where workers cannot start (then the page decodes itself). */
function decodingWorker() {
  if (decoder !== undefined) return decoder;
  try {
    const worker = new Worker(new URL('./decode-worker.ts', import.meta.url), { type: 'module', name: 'deepfake-decoder' });
    const pending = new Map<number, (reply: DecodeReply) => void>();
    worker.onmessage = (event: MessageEvent<DecodeReply>) => {
      pending.get(event.data.id)?.(event.data);
      pending.delete(event.data.id);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      for (const resolve of pending.values()) resolve({ id: WORKER_FAILED, error: event.message });
      pending.clear();
      decoder = null; // later images are decoded by the page itself
    };
    decoder = { worker, nextId: 1, pending };
  } catch {
    decoder = null;
  }
  return decoder;
}

async function decodeOffThread(request: Omit<DecodeRequest, 'id'>): Promise<ImageBitmap> {
  const worker = decodingWorker();
  if (!worker) return decodeBitmap(request);
  const id = worker.nextId++;
  const reply = await new Promise<DecodeReply>((resolve) => {
    worker.pending.set(id, resolve);
    worker.worker.postMessage({ id, ...request } satisfies DecodeRequest);
  });
  if (reply.id === WORKER_FAILED) return decodeBitmap(request);
  if (reply.error !== undefined) throw new Error(reply.error);
  return reply.bitmap;
}

export async function decodeImage(input: ImageInput, limits: MediaLimits = DEFAULT_LIMITS): Promise<DecodedImage> {
  const source = input instanceof Blob ? await decodeImageBlob(input, limits) : await bitmapOf(input, limits);
  return withDetectionCopy(source);
}

async function bitmapOf(input: ImageBitmap | HTMLImageElement, limits: MediaLimits): Promise<ImageBitmap> {
  const width = input instanceof ImageBitmap ? input.width : input.naturalWidth;
  const height = input instanceof ImageBitmap ? input.height : input.naturalHeight;
  if (!width || !height) throw new DetectorError('corrupt_media', 'The image has no pixels (not loaded yet, or broken).');
  checkPixels(width, height, limits);
  try {
    return await createImageBitmap(input);
  } catch (error) {
    throw new DetectorError('corrupt_media', undefined, { cause: error });
  }
}

/**
 * The size face detection sees an image of `width` x `height` at: its longest side at most DETECTION_MAX_SIDE, or,
 * for one more elongated than PANEL_ASPECT, that much longer again as it is more elongated (up to
 * DETECTION_MAX_LONG_SIDE), so that each of its panels is seen as large as a 2:1 image is.
 */
export function detectionSize(width: number, height: number): { width: number; height: number } {
  const elongation = Math.max(width, height) / Math.min(width, height) / PANEL_ASPECT;
  return sizeWithin(width, height, Math.min(DETECTION_MAX_LONG_SIDE, DETECTION_MAX_SIDE * Math.max(1, elongation)));
}

/**
 * The image plus the smaller copy that face detection runs on; takes ownership of `source`. The copy is resized
 * bilinearly ('low'): 'medium' filters through mipmaps of the whole decoded photo, which cost the renderers about
 * 20 MiB within a check of a 12 or 24 MP photo, over the memory goal. Bilinear at a sixth of the size aliases, yet the
 * smallest faces found and their boxes stay as they were (bench/HISTORY.md, "The detection copy without mipmaps,
 * kept").
 */
export async function withDetectionCopy(source: ImageBitmap): Promise<DecodedImage> {
  const { width, height } = source;
  const size = detectionSize(width, height);
  const detection =
    size.width === width && size.height === height
      ? source
      : await createImageBitmap(source, { resizeWidth: size.width, resizeHeight: size.height, resizeQuality: 'low' });
  return decodedImage(source, detection, width, height);
}

/**
 * The pipeline's image: `source`, `width` x `height` as shown, and its copy for face detection (which may be
 * `source` itself); closing it closes both.
 */
export function decodedImage(source: PixelSource, detection: ImageBitmap, width: number, height: number): DecodedImage {
  return {
    source,
    detection,
    scale: width / detection.width,
    width,
    height,
    close() {
      if (detection !== source) detection.close();
      source.close();
    },
  };
}

function checkPixels(width: number, height: number, limits: MediaLimits): void {
  if (width * height > limits.maxPixels) {
    throw new DetectorError(
      'too_many_pixels',
      `It is ${width}x${height} (${(width * height / 1e6).toFixed(1)} MP); the limit is ${(limits.maxPixels / 1e6).toFixed(0)} MP.`,
    );
  }
}
