/**
 * Face detection with MediaPipe's BlazeFace (short range) through
 * tasks-vision, every file served from the app's own origin.
 */
import { FaceDetector, FilesetResolver } from '@mediapipe/tasks-vision';
import assets from 'virtual:face-detector-assets';
import { rebaseAsset } from '../assets';
import { DetectorError } from '../respond/errors';
import { measureSpan } from '../timeline';
import { MIN_DETECTION_CONFIDENCE, PASS_MAX_SIDE } from './constants';
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

  /**
   * Faces in a frame `width` x `height` that `draw` paints, frame pixel p being image pixel (p + left) * frameScale,
   * shown to MediaPipe shrunk to at most PASS_MAX_SIDE (constants.ts).
   */
  function detectInFrame(
    frame: { width: number; height: number; left: number; top: number; frameScale: number },
    scale: number,
    draw: (context: OffscreenCanvasRenderingContext2D) => void,
  ): DetectedFace[] {
    const size = sizeWithin(frame.width, frame.height, PASS_MAX_SIDE);
    const canvas = new OffscreenCanvas(size.width, size.height);
    const context = canvas.getContext('2d')!;
    // Rounding the canvas's sides may stretch one by under half a pixel, less than the boxes' own rounding: one ratio maps both.
    const shrink = size.width / frame.width;
    if (shrink < 1) {
      context.imageSmoothingQuality = 'medium';
      context.scale(shrink, shrink);
    }
    draw(context);
    return detectIn(canvas, frame.left * shrink, frame.top * shrink, (frame.frameScale * scale) / shrink);
  }

  /** The passes in order; the first that finds a face answers. */
  const passes = [detectWhole, detectInTiles, detectZoomedOut];

  /** First pass: the whole image. */
  function detectWhole(image: ImageBitmap, scale: number): DetectedFace[] {
    if (Math.max(image.width, image.height) <= PASS_MAX_SIDE) return detectIn(image, 0, 0, scale);
    const frame = { width: image.width, height: image.height, left: 0, top: 0, frameScale: 1 };
    return detectInFrame(frame, scale, (context) => context.drawImage(image, 0, 0));
  }

  /** Second pass, for faces too small in a large image: see tiles.ts. */
  function detectInTiles(image: ImageBitmap, scale: number): DetectedFace[] {
    return mergeDuplicates(
      tilesFor(image.width, image.height).flatMap((tile) => {
        const frame = { width: tile.width, height: tile.height, left: tile.x, top: tile.y, frameScale: 1 };
        return detectInFrame(frame, scale, (context) =>
          context.drawImage(image, tile.x, tile.y, tile.width, tile.height, 0, 0, tile.width, tile.height),
        );
      }),
    );
  }

  /** Last pass, for a face that fills the frame: see zoom.ts. */
  function detectZoomedOut(image: ImageBitmap, scale: number): DetectedFace[] {
    const shrunk = zoomedOut(image.width, image.height);
    // Frame pixel p is image pixel (p - shrunk.x) * ZOOM_OUT.
    const frame = { width: image.width, height: image.height, left: -shrunk.x, top: -shrunk.y, frameScale: ZOOM_OUT };
    return detectInFrame(frame, scale, (context) => {
      context.fillStyle = ZOOM_OUT_BACKGROUND;
      context.fillRect(0, 0, image.width, image.height);
      context.drawImage(image, shrunk.x, shrunk.y, shrunk.width, shrunk.height);
    });
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
