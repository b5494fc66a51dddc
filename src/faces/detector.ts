/**
 * Face detection with MediaPipe's BlazeFace (short range) through
 * tasks-vision, every file served from the app's own origin.
 */
import { FaceDetector, FilesetResolver } from '@mediapipe/tasks-vision';
import assets from 'virtual:face-detector-assets';
import { DetectorError } from '../respond/errors';
import { MIN_DETECTION_CONFIDENCE } from './constants';
import type { DetectedFace } from './types';

export type { DetectedFace } from './types';


export interface FaceFinder {
  /** Faces in `image`, in the pixel space of an image `scale` times larger (the full-resolution original). */
  detect(image: ImageBitmap, scale: number): DetectedFace[];
  close(): void;
}

export async function createFaceFinder(): Promise<FaceFinder> {
  let detector: FaceDetector;
  try {
    const fileset = { wasmLoaderPath: assets.wasmLoaderPath, wasmBinaryPath: assets.wasmBinaryPath } as Awaited<ReturnType<typeof FilesetResolver.forVisionTasks>>;
    detector = await FaceDetector.createFromOptions(fileset, {
      baseOptions: { modelAssetPath: assets.modelAssetPath, delegate: 'CPU' },
      runningMode: 'IMAGE',
      minDetectionConfidence: MIN_DETECTION_CONFIDENCE,
    });
  } catch (error) {
    throw new DetectorError('model_unavailable', '(face detector)', { cause: error });
  }
  return {
    detect(image, scale) {
      const { detections } = detector.detect(image);
      return detections.flatMap((detection) => {
        const box = detection.boundingBox;
        if (!box) return [];
        return [
          {
            x: box.originX * scale,
            y: box.originY * scale,
            width: box.width * scale,
            height: box.height * scale,
            score: detection.categories[0]?.score ?? 0,
            keypoints: (detection.keypoints ?? []).map((point) => ({
              x: point.x * image.width * scale,
              y: point.y * image.height * scale,
            })),
          },
        ];
      });
    },
    close() {
      detector.close();
    },
  };
}
