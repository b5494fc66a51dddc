/**
 * Face detection with MediaPipe's BlazeFace (short range) through
 * tasks-vision, every file served from the app's own origin.
 */
import { FaceDetector, FilesetResolver } from '@mediapipe/tasks-vision';
import assets from 'virtual:face-detector-assets';
import { rebaseAsset } from '../assets';
import { DetectorError } from '../respond/errors';
import { measureSpan } from '../timeline';
import { DETECTION_BACKGROUND, MIN_DETECTION_CONFIDENCE, PASS_MAX_SIDE } from './constants';
import { sizeWithin } from './size';
import { afterSecondLook, refineWindow, seenSide, type SeenFace } from './refine';
import { mergeDuplicates, panelsFor, tilesFor, type Tile } from './tiles';
import { ZOOM_OUT, zoomedOut } from './zoom';
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
  function detectIn(source: TexImageSource & { width: number; height: number }, left: number, top: number, scale: number): SeenFace[] {
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
          seenSide: seenSide(box, source.width, source.height),
        },
      ];
    });
  }

  const passCanvas = new OffscreenCanvas(PASS_MAX_SIDE, PASS_MAX_SIDE);
  const passContext = passCanvas.getContext('2d')!;
  /**
   * The one canvas every pass draws on, cleared and sized `side` x `side`. A new canvas per pass (11 for a picture
   * without a face, dozens for a panorama) was a backing store of garbage each until the page's next collection.
   * MediaPipe reads the canvas within detect(), so the next pass may reuse it; its size changes only between
   * pictures smaller than PASS_MAX_SIDE and for some refining windows.
   */
  function clearPassCanvas(side: number): void {
    if (passCanvas.width !== side) [passCanvas.width, passCanvas.height] = [side, side];
    passContext.clearRect(0, 0, side, side); // as transparent as a new canvas
  }

  /**
   * Faces in a frame `width` x `height` that `draw` paints, frame pixel p being image pixel (p + left) * frameScale,
   * shown to MediaPipe shrunk to at most PASS_MAX_SIDE (constants.ts), in the middle of a square grey canvas.
   * MediaPipe pads a picture that is not square to a square of its own, and there it missed a face cut by the
   * picture's edge that it finds beside grey: the last frames of the bench's 1080p clip, where the portrait's face
   * leaves at the top (the e2e test "follows a face out of the top of a wide frame…"). The square is no larger than
   * MediaPipe's own, so every face is seen at the same size as before.
   */
  function detectInFrame(
    frame: { width: number; height: number; left: number; top: number; frameScale: number },
    scale: number,
    draw: (context: OffscreenCanvasRenderingContext2D) => void,
  ): SeenFace[] {
    const size = sizeWithin(frame.width, frame.height, PASS_MAX_SIDE);
    const side = Math.max(size.width, size.height);
    clearPassCanvas(side);
    const padX = Math.floor((side - size.width) / 2);
    const padY = Math.floor((side - size.height) / 2);
    // Rounding the canvas's sides may stretch one by under half a pixel, less than the boxes' own rounding: one ratio maps both.
    const shrink = size.width / frame.width;
    passContext.save(); // the canvas is reused: this pass's transform and settings end with it
    try {
      if (side !== size.width || side !== size.height) {
        passContext.fillStyle = DETECTION_BACKGROUND;
        passContext.fillRect(0, 0, side, side);
        passContext.translate(padX, padY);
      }
      if (shrink < 1) {
        passContext.imageSmoothingQuality = 'medium';
        passContext.scale(shrink, shrink);
      }
      draw(passContext);
    } finally {
      passContext.restore();
    }
    return detectIn(passCanvas, frame.left * shrink - padX, frame.top * shrink - padY, (frame.frameScale * scale) / shrink);
  }

  /** The passes in order; the first that finds a face answers. */
  const passes = [detectWhole, detectInTiles, detectZoomedOut];

  /** First pass: the whole image, or each panel of an elongated one (tiles.ts). */
  function detectWhole(image: ImageBitmap, scale: number): SeenFace[] {
    // A square image within the pass's size is what MediaPipe sees as it is (the face chips and dfdc-dev's crops are).
    if (image.width === image.height && image.width <= PASS_MAX_SIDE) return detectIn(image, 0, 0, scale);
    return panelsFor(image.width, image.height).flatMap((panel) => detectInRegion(image, panel, scale));
  }

  /** Second pass, for faces too small in a large image: each panel's tiles (tiles.ts). */
  function detectInTiles(image: ImageBitmap, scale: number): SeenFace[] {
    const tiles = panelsFor(image.width, image.height).flatMap(tilesFor);
    return mergeDuplicates(tiles.flatMap((tile) => detectInRegion(image, tile, scale)));
  }

  /** Last pass, for a face that fills the frame: see zoom.ts. */
  function detectZoomedOut(image: ImageBitmap, scale: number): SeenFace[] {
    const shrunk = zoomedOut(image.width, image.height);
    // Frame pixel p is image pixel (p - shrunk.x) * ZOOM_OUT.
    const frame = { width: image.width, height: image.height, left: -shrunk.x, top: -shrunk.y, frameScale: ZOOM_OUT };
    return detectInFrame(frame, scale, (context) => {
      context.fillStyle = DETECTION_BACKGROUND;
      context.fillRect(0, 0, image.width, image.height);
      context.drawImage(image, shrunk.x, shrunk.y, shrunk.width, shrunk.height);
    });
  }

  /** Faces in one rectangle of `image`, in whole pixels; where it reaches past the image's edge, grey. */
  function detectInRegion(image: ImageBitmap, region: Tile, scale: number): SeenFace[] {
    const frame = { width: region.width, height: region.height, left: region.x, top: region.y, frameScale: 1 };
    const left = Math.max(0, region.x);
    const top = Math.max(0, region.y);
    const width = Math.min(image.width, region.x + region.width) - left;
    const height = Math.min(image.height, region.y + region.height) - top;
    return detectInFrame(frame, scale, (context) => {
      if (width < region.width || height < region.height) {
        context.fillStyle = DETECTION_BACKGROUND;
        context.fillRect(0, 0, region.width, region.height);
      }
      if (width > 0 && height > 0) context.drawImage(image, left, top, width, height, left - region.x, top - region.y, width, height);
    });
  }

  /** `face` looked at again in a window around it (refine.ts): the face that stands for it, or none. */
  function lookedAtAgain(face: SeenFace, image: ImageBitmap, scale: number): SeenFace[] {
    const box = { x: face.x / scale, y: face.y / scale, width: face.width / scale, height: face.height / scale };
    const kept = afterSecondLook(face, detectInRegion(image, refineWindow(box), scale));
    return kept ? [kept] : [];
  }

  return {
    detect(image, scale) {
      for (const pass of passes) {
        // Two first boxes may be confirmed by the same face.
        const faces = mergeDuplicates(pass(image, scale).flatMap((face) => lookedAtAgain(face, image, scale)));
        if (faces.length > 0) return faces.map(({ seenSide: _seen, ...face }) => face);
      }
      return [];
    },
    close() {
      detector.close();
    },
  };
}
