/**
 * The public API: createDetector() loads the face detector and the
 * classifier once; check() runs decode → faces → crop → classify → score →
 * respond on one image and always resolves to a response object.
 */
import { createClassifier, type Classifier, type ClassifierOptions } from './classify/classifier';
import { CLASSIFIER_INPUT_SIZE } from './crop/geometry';
import { cropFace } from './crop/pixels';
import { uncertainty } from './crop/quality';
import { decodeImage, type ImageInput } from './decode/image';
import { DEFAULT_LIMITS, type MediaLimits } from './decode/limits';
import { fetchMedia, parseMediaUrl } from './decode/url';
import { createFaceFinder, type FaceFinder } from './faces/detector';
import { DEFAULT_FACE_SELECTION, selectFaces, type FaceSelection } from './faces/select';
import { DetectorError, toDetectorError } from './respond/errors';
import { failure, imageSuccess } from './respond/response';
import type { CheckResponse, ModelInfo, Timings } from './respond/types';
import { faceResults, imageScore } from './score/aggregate';
import modelManifest from '../models/deepfake.json';

export type CheckRequest = { media: ImageInput; url?: undefined } | { url: string; media?: undefined };

export interface CheckOptions {
  /** Comma-separated model names, as in the hosted API; only "deepfake" exists. */
  models?: string;
}

export interface DetectorOptions extends ClassifierOptions, Partial<FaceSelection> {
  limits?: Partial<MediaLimits>;
}

export interface Detector {
  check(request: CheckRequest, options?: CheckOptions): Promise<CheckResponse>;
  readonly model: ModelInfo;
  /** WASM threads the classifier runs with. */
  readonly threads: number;
  close(): void;
}

interface Stages {
  faces: FaceFinder;
  classifier: Classifier;
}

/** Checks the request's arguments; returns the error to answer with, if any. */
export function validateRequest(request: unknown, options: CheckOptions | undefined): DetectorError | null {
  const models = (options?.models ?? 'deepfake').split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = models.filter((name) => name !== 'deepfake');
  if (unknown.length > 0) return new DetectorError('unknown_model', `Got "${unknown.join(', ')}".`);
  if (models.length === 0) return new DetectorError('unknown_model', 'No model was named.');
  if (typeof request !== 'object' || request === null) return new DetectorError('empty_request');
  const { media, url } = request as { media?: unknown; url?: unknown };
  if (media == null && (url == null || url === '')) return new DetectorError('empty_request');
  if (media != null && url != null) return new DetectorError('invalid_argument', 'Pass either media or url, not both.');
  if (url != null && typeof url !== 'string') return new DetectorError('invalid_url', 'The url must be a string.');
  if (media != null && !(media instanceof Blob || media instanceof ImageBitmap || media instanceof HTMLImageElement)) {
    return new DetectorError('invalid_argument', 'media must be a File, Blob, ImageBitmap or HTMLImageElement.');
  }
  return null;
}

function uriOf(request: CheckRequest): string | null {
  if (request.url !== undefined) return request.url;
  const media = request.media;
  if (media instanceof File) return media.name;
  if (typeof HTMLImageElement !== 'undefined' && media instanceof HTMLImageElement) return media.currentSrc || media.src || null;
  return null;
}

export async function createDetector(options: DetectorOptions = {}): Promise<Detector> {
  const limits: MediaLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const selection: FaceSelection = {
    maxFaces: options.maxFaces ?? DEFAULT_FACE_SELECTION.maxFaces,
    minFaceSize: options.minFaceSize ?? DEFAULT_FACE_SELECTION.minFaceSize,
  };
  // Load failures are kept and answered per check, so a page never breaks on a missing file.
  const loaded: Stages | DetectorError = await Promise.all([createFaceFinder(), createClassifier(options)]).then(
    ([faces, classifier]) => ({ faces, classifier }),
    (error: unknown) => toDetectorError(error),
  );
  const model: ModelInfo = {
    name: 'deepfake',
    version: modelManifest.version,
    backend: loaded instanceof DetectorError ? 'wasm' : loaded.classifier.backend,
  };

  async function run(request: CheckRequest, started: number): Promise<CheckResponse> {
    if (loaded instanceof DetectorError) throw loaded;
    const blob = request.url !== undefined ? await fetchMedia(parseMediaUrl(request.url), limits) : request.media;
    const image = await decodeImage(blob, limits);
    try {
      const decoded = performance.now();
      const faces = selectFaces(loaded.faces.detect(image.detection, image.scale), selection);
      const detected = performance.now();
      const crops = faces.map((face) => cropFace(image.source, face));
      const cropped = performance.now();
      const { scores } = await loaded.classifier.classify(crops, CLASSIFIER_INPUT_SIZE);
      const classified = performance.now();
      const scored = faces.map((face, i) => ({
        box: face,
        deepfake: scores[i]!,
        uncertain: uncertainty(Math.min(face.width, face.height), crops[i]!, CLASSIFIER_INPUT_SIZE),
      }));
      const timings: Timings = {
        decode: decoded - started,
        detect: detected - decoded,
        crop: cropped - detected,
        classify: classified - cropped,
        total: classified - started,
      };
      return imageSuccess({ deepfake: imageScore(scored), faces: faceResults(scored, image.width, image.height), uri: uriOf(request), model, timings });
    } finally {
      image.close();
    }
  }

  // One check at a time: the detector and the worker hold per-image state.
  let queue: Promise<unknown> = Promise.resolve();
  return {
    model,
    threads: loaded instanceof DetectorError ? 0 : loaded.classifier.threads,
    check(request, checkOptions) {
      const invalid = validateRequest(request, checkOptions);
      if (invalid) return Promise.resolve(failure(invalid));
      const result = queue.then(() => run(request, performance.now())).catch((error: unknown) => failure(toDetectorError(error)));
      queue = result;
      return result;
    },
    close() {
      if (!(loaded instanceof DetectorError)) {
        loaded.faces.close();
        loaded.classifier.close();
      }
    },
  };
}
