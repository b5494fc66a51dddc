/**
 * Face detection with MediaPipe's BlazeFace (short range) through
 * tasks-vision, every file served from the app's own origin.
 */
import { FaceDetector, FilesetResolver } from '@mediapipe/tasks-vision';
import assets from 'virtual:face-detector-assets';
import { rebaseAsset } from '../assets';
import { DetectorError } from '../respond/errors';
import { measureSpan } from '../timeline';
import { MIN_DETECTION_CONFIDENCE, WHOLE_PASS_MAX_SIDE } from './constants';
import { sizeWithin } from './size';
import { mergeDuplicates, tilesFor } from './tiles';
import { ZOOM_OUT, ZOOM_OUT_BACKGROUND, zoomedOut } from './zoom';
import type { DetectedFace } from './types';

export type { DetectedFace } from './types';

export interface FaceFinder {
  /** Faces in `image`, in the pixel space of an image `scale` times larger (the full-resolution original). */
  detect(image: ImageBitmap, scale: number): DetectedFace[];
  close(): void;
}

/** `assetBaseUrl`: see src/assets.ts. */
export async function createFaceFinder(assetBaseUrl?: string): Promise<FaceFinder> {
  let detector: FaceDetector;
  const started = performance.now();
  try {
    const fileset = {
      wasmLoaderPath: rebaseAsset(assets.wasmLoaderPath, assetBaseUrl),
      wasmBinaryPath: rebaseAsset(assets.wasmBinaryPath, assetBaseUrl),
    } as Awaited<ReturnType<typeof FilesetResolver.forVisionTasks>>;
    detector = await FaceDetector.createFromOptions(fileset, {
      baseOptions: { modelAssetPath: rebaseAsset(assets.modelAssetPath, assetBaseUrl), delegate: 'CPU' },
      runningMode: 'IMAGE',
      minDetectionConfidence: MIN_DETECTION_CONFIDENCE,
    });
  } catch (error) {
    throw new DetectorError('model_unavailable', '(face detector)', { cause: error });
  }
  measureSpan('face detector: load', started, performance.now());
  /** Faces in `source`, mapped into full-resolution pixels: offset by (left, top) in `source`'s space, then times `scale`. */
  function detectIn(source: TexImageSource & { width: number; height: number }, left: number, top: number, scale: number): DetectedFace[] {
    return detector.detect(source).detections.flatMap((detection) => {
      const box = detection.boundingBox;
      if (!box) return [];
      return [
        {
          x: (box.originX + left) * scale,
          y: (box.originY + top) * scale,
          width: box.width * scale,
          height: box.height * scale,
          score: detection.categories[0]?.score ?? 0,
          keypoints: (detection.keypoints ?? []).map((point) => ({
            x: (point.x * source.width + left) * scale,
            y: (point.y * source.height + top) * scale,
          })),
        },
      ];
    });
  }

  /** The passes in order; the first that finds a face answers. */
  const passes = [detectWhole, detectInTiles, detectZoomedOut];

  /** First pass: the whole image, shrunk to WHOLE_PASS_MAX_SIDE here rather than by MediaPipe. */
  function detectWhole(image: ImageBitmap, scale: number): DetectedFace[] {
    const size = sizeWithin(image.width, image.height, WHOLE_PASS_MAX_SIDE);
    if (size.width === image.width && size.height === image.height) return detectIn(image, 0, 0, scale);
    const canvas = new OffscreenCanvas(size.width, size.height);
    const context = canvas.getContext('2d')!;
    context.imageSmoothingQuality = 'medium';
    context.drawImage(image, 0, 0, size.width, size.height);
    // Rounding the copy's sides may stretch one by under half a pixel, less than the boxes' own rounding: one ratio maps both.
    return detectIn(canvas, 0, 0, (scale * image.width) / size.width);
  }

  /** Second pass, for faces too small in a large image: see tiles.ts. */
  function detectInTiles(image: ImageBitmap, scale: number): DetectedFace[] {
    const tiles = tilesFor(image.width, image.height);
    if (tiles.length === 0) return [];
    const canvas = new OffscreenCanvas(tiles[0]!.width, tiles[0]!.height);
    const context = canvas.getContext('2d')!;
    return mergeDuplicates(
      tiles.flatMap((tile) => {
        context.drawImage(image, tile.x, tile.y, tile.width, tile.height, 0, 0, tile.width, tile.height);
        return detectIn(canvas, tile.x, tile.y, scale);
      }),
    );
  }

  /** Last pass, for a face that fills the frame: see zoom.ts. */
  function detectZoomedOut(image: ImageBitmap, scale: number): DetectedFace[] {
    const canvas = new OffscreenCanvas(image.width, image.height);
    const context = canvas.getContext('2d')!;
    context.fillStyle = ZOOM_OUT_BACKGROUND;
    context.fillRect(0, 0, canvas.width, canvas.height);
    const shrunk = zoomedOut(image.width, image.height);
    context.drawImage(image, shrunk.x, shrunk.y, shrunk.width, shrunk.height);
    // Canvas pixel p is image pixel (p - shrunk.x) * ZOOM_OUT.
    return detectIn(canvas, -shrunk.x, -shrunk.y, scale * ZOOM_OUT);
  }

  return {
    detect(image, scale) {
      for (const pass of passes) {
        const faces = pass(image, scale);
        if (faces.length > 0) return faces;
      }
      return [];
    },
    close() {
      detector.close();
    },
  };
}
