/**
 * The public API: createDetector() loads the face detector and the
 * classifier once; check() runs decode → faces → crop → classify → score →
 * respond on an image, or on sampled frames of a video, and always resolves
 * to a response object.
 */
import { createClassifier, type Classifier, type ClassifierOptions } from './classify/classifier';
import { CLASSIFIER_INPUT_SIZE } from './crop/geometry';
import { cropFace } from './crop/pixels';
import { uncertainty } from './crop/quality';
import { decodeImage, type DecodedImage, type ImageInput } from './decode/image';
import { DEFAULT_LIMITS, type MediaLimits } from './decode/limits';
import { sniffVideoContainer, VIDEO_MAGIC_BYTES } from './decode/sniff';
import { fetchMedia, parseMediaUrl } from './decode/url';
import { openVideo, type VideoDecoderChoice, type VideoInput } from './decode/video';
import { createFaceFinder, type FaceFinder } from './faces/detector';
import { DEFAULT_FACE_SELECTION, selectFaces, type FaceSelection } from './faces/select';
import { DetectorError, toDetectorError } from './respond/errors';
import { failure, imageSuccess, videoSuccess, type AnalysedFrame } from './respond/response';
import type { CheckResponse, ModelInfo, Timings, VideoResponse } from './respond/types';
import { faceResults, imageScore, type ScoredFace } from './score/aggregate';
import { DEFAULT_VIDEO_SAMPLING, samplePositions, videoSummary } from './score/video';
import { warmUp } from './warm-up';
import modelManifest from '../models/deepfake.json';

export type CheckRequest = { media: ImageInput | HTMLVideoElement; url?: undefined } | { url: string; media?: undefined };

export interface CheckOptions {
  /** Comma-separated model names, as in the hosted API; only "deepfake" exists. */
  models?: string;
}

export interface VideoProgress {
  /** Frames analysed so far, and how many will be. */
  done: number;
  total: number;
  elapsedMs: number;
  /** Estimated from the pace so far. */
  remainingMs: number;
  /** The frame just analysed. */
  frame: AnalysedFrame;
}

export interface VideoCheckOptions extends CheckOptions {
  /** Seconds between sampled frames (default 1). */
  interval?: number;
  /** Most frames analysed (default 300); longer videos are sampled more sparsely. */
  maxFrames?: number;
  onProgress?: (progress: VideoProgress) => void;
  /** Aborting stops the check at once; it then answers a `cancelled` failure (code 41). */
  signal?: AbortSignal;
  /**
   * 'auto' (default) decodes files with WebCodecs where the page has it and
   * the codec is supported, else seeks in the browser's player; 'element'
   * always uses the player. The response's `video.decoder` says which ran.
   */
  decoder?: VideoDecoderChoice;
}

export interface DetectorOptions extends ClassifierOptions, Partial<FaceSelection> {
  limits?: Partial<MediaLimits>;
  /**
   * Run every stage once on a blank picture as soon as the detector has
   * loaded (default true), so that the first check is as quick as the next
   * ones; checks made meanwhile wait for it. Pass false for a detector that
   * may never check anything.
   */
  warmUp?: boolean;
}

export interface Detector {
  /** Checks an image, or a video with the default sampling. */
  check(request: CheckRequest, options?: CheckOptions): Promise<CheckResponse>;
  /** Checks a video (file, element or URL), with sampling, progress and cancellation. */
  checkVideo(request: CheckRequest, options?: VideoCheckOptions): Promise<VideoResponse>;
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
export function validateRequest(request: unknown, options: VideoCheckOptions | undefined): DetectorError | null {
  const models = (options?.models ?? 'deepfake').split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = models.filter((name) => name !== 'deepfake');
  if (unknown.length > 0) return new DetectorError('unknown_model', `Got "${unknown.join(', ')}".`);
  if (models.length === 0) return new DetectorError('unknown_model', 'No model was named.');
  if (typeof request !== 'object' || request === null) return new DetectorError('empty_request');
  const { media, url } = request as { media?: unknown; url?: unknown };
  if (media == null && (url == null || url === '')) return new DetectorError('empty_request');
  if (media != null && url != null) return new DetectorError('invalid_argument', 'Pass either media or url, not both.');
  if (url != null && typeof url !== 'string') return new DetectorError('invalid_url', 'The url must be a string.');
  if (media != null && !isMedia(media)) {
    return new DetectorError('invalid_argument', 'media must be a File, Blob, ImageBitmap, HTMLImageElement or HTMLVideoElement.');
  }
  const { interval, maxFrames, decoder } = options ?? {};
  if (decoder !== undefined && decoder !== 'auto' && decoder !== 'element') {
    return new DetectorError('invalid_argument', `decoder must be 'auto' or 'element'; got ${JSON.stringify(decoder).slice(0, 40)}.`);
  }
  if (interval !== undefined && !(Number.isFinite(interval) && interval > 0)) {
    return new DetectorError('invalid_argument', 'interval must be a positive number of seconds.');
  }
  if (maxFrames !== undefined && !(Number.isInteger(maxFrames) && maxFrames > 0)) {
    return new DetectorError('invalid_argument', 'maxFrames must be a positive integer.');
  }
  return null;
}

function isMedia(media: unknown): media is ImageInput | HTMLVideoElement {
  return (
    media instanceof Blob ||
    (typeof ImageBitmap !== 'undefined' && media instanceof ImageBitmap) ||
    (typeof HTMLImageElement !== 'undefined' && media instanceof HTMLImageElement) ||
    isVideoElement(media)
  );
}

function isVideoElement(media: unknown): media is HTMLVideoElement {
  return typeof HTMLVideoElement !== 'undefined' && media instanceof HTMLVideoElement;
}

function uriOf(request: CheckRequest): string | null {
  if (request.url !== undefined) return request.url;
  const media = request.media;
  if (media instanceof File) return media.name;
  if (typeof HTMLMediaElement !== 'undefined' && media instanceof HTMLMediaElement) return media.currentSrc || media.src || null;
  if (typeof HTMLImageElement !== 'undefined' && media instanceof HTMLImageElement) return media.currentSrc || media.src || null;
  return null;
}

/** The media to decode: a URL is fetched by the browser; a Blob is told apart as video or image by its magic bytes. */
async function resolveMedia(request: CheckRequest, limits: MediaLimits, signal?: AbortSignal): Promise<{ video: VideoInput } | { image: ImageInput }> {
  const media = request.url !== undefined ? await fetchMedia(parseMediaUrl(request.url), limits, signal) : request.media;
  if (isVideoElement(media)) return { video: media };
  if (media instanceof Blob && sniffVideoContainer(new Uint8Array(await media.slice(0, VIDEO_MAGIC_BYTES).arrayBuffer()))) return { video: media };
  return { image: media };
}

const sum = (timings: Timings[]): Timings =>
  timings.reduce((total, t) => ({
    decode: total.decode + t.decode,
    detect: total.detect + t.detect,
    crop: total.crop + t.crop,
    classify: total.classify + t.classify,
    inference: total.inference + t.inference,
    total: total.total + t.total,
  }), { decode: 0, detect: 0, crop: 0, classify: 0, inference: 0, total: 0 });

/**
 * Both stages, or why one failed. Load failures are kept and answered per check, so a page never
 * breaks on a missing file; a stage that did load is closed then, since the detector's close() cannot
 * reach it (a loaded classifier keeps a worker and onnxruntime's wasm heap alive until closed).
 */
async function loadStages(options: DetectorOptions): Promise<Stages | DetectorError> {
  const [faces, classifier] = await Promise.allSettled([createFaceFinder(options.assetBaseUrl), createClassifier(options)]);
  if (faces.status === 'fulfilled' && classifier.status === 'fulfilled') return { faces: faces.value, classifier: classifier.value };
  if (faces.status === 'fulfilled') faces.value.close();
  if (classifier.status === 'fulfilled') classifier.value.close();
  return toDetectorError(faces.status === 'rejected' ? faces.reason : (classifier as PromiseRejectedResult).reason);
}

export async function createDetector(options: DetectorOptions = {}): Promise<Detector> {
  const limits: MediaLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const selection: FaceSelection = {
    maxFaces: options.maxFaces ?? DEFAULT_FACE_SELECTION.maxFaces,
    minFaceSize: options.minFaceSize ?? DEFAULT_FACE_SELECTION.minFaceSize,
  };
  const loaded = await loadStages(options);
  const model: ModelInfo = {
    name: 'deepfake',
    version: modelManifest.version,
    backend: loaded instanceof DetectorError ? 'wasm' : loaded.classifier.backend,
  };

  /** faces → crop → classify on one decoded image or frame; `started` is when its decoding began. */
  async function analyse(stages: Stages, image: DecodedImage, started: number): Promise<{ faces: ScoredFace[]; timings: Timings }> {
    const decoded = performance.now();
    const faces = selectFaces(stages.faces.detect(image.detection, image.scale), image.width, image.height, selection);
    const detected = performance.now();
    const crops = await Promise.all(faces.map((face) => cropFace(image.source, face)));
    const cropped = performance.now();
    const { scores, ms: inference } = await stages.classifier.classify(crops, CLASSIFIER_INPUT_SIZE);
    const classified = performance.now();
    return {
      faces: faces.map((face, i) => ({
        box: face,
        deepfake: scores[i]!,
        uncertain: uncertainty(face, image.width, image.height, crops[i]!, CLASSIFIER_INPUT_SIZE),
      })),
      timings: {
        decode: decoded - started,
        detect: detected - decoded,
        crop: cropped - detected,
        classify: classified - cropped,
        inference,
        total: classified - started,
      },
    };
  }

  async function checkImage(stages: Stages, input: ImageInput, uri: string | null, started: number): Promise<CheckResponse> {
    const image = await decodeImage(input, limits);
    try {
      const { faces, timings } = await analyse(stages, image, started);
      return imageSuccess({ deepfake: imageScore(faces), faces: faceResults(faces, image.width, image.height), uri, model, timings });
    } finally {
      image.close();
    }
  }

  async function checkVideoFrames(stages: Stages, input: VideoInput, uri: string | null, options: VideoCheckOptions): Promise<VideoResponse> {
    const { signal, onProgress } = options;
    const source = await openVideo(input, limits, signal, options.decoder);
    try {
      const positions = samplePositions(source.durationMs, {
        interval: options.interval ?? DEFAULT_VIDEO_SAMPLING.interval,
        maxFrames: options.maxFrames ?? DEFAULT_VIDEO_SAMPLING.maxFrames,
      });
      const frames: AnalysedFrame[] = [];
      const timings: Timings[] = [];
      const began = performance.now();
      const decoded = source.frames(positions, signal);
      // The next frame is decoded while this one is analysed: the decoder, the page and the
      // classifier's worker then work side by side. The no-op catch keeps a failure of a frame
      // not yet awaited from being reported as unhandled; awaiting it still throws.
      const upcoming = () => {
        const image = decoded.next().then((next) => (next.done ? null : next.value));
        image.catch(() => undefined);
        return image;
      };
      let ahead: Promise<DecodedImage | null> | null = upcoming();
      try {
        for (const [index, position] of positions.entries()) {
          if (signal?.aborted) throw new DetectorError('cancelled');
          const started = performance.now();
          const image = await ahead!;
          ahead = index + 1 < positions.length ? upcoming() : null;
          if (!image) throw new DetectorError('no_video_frames', `No frame at ${position} ms.`);
          try {
            const result = await analyse(stages, image, started);
            frames.push({ position, deepfake: imageScore(result.faces), faces: faceResults(result.faces, image.width, image.height) });
            timings.push(result.timings);
          } finally {
            image.close();
          }
          const elapsedMs = performance.now() - began;
          const done = frames.length;
          onProgress?.({ done, total: positions.length, elapsedMs, remainingMs: (elapsedMs / done) * (positions.length - done), frame: frames.at(-1)! });
        }
      } finally {
        // When the loop ends early (cancelled, failed), the frame decoded ahead is closed once it
        // arrives, and the decoder stops; neither is waited for, so a cancel answers at once.
        ahead?.then((image) => image?.close(), () => undefined);
        decoded.return(undefined).catch(() => undefined);
      }
      if (frames.length === 0) throw new DetectorError('no_video_frames');
      const summary = videoSummary(frames.map((frame) => ({ deepfake: frame.deepfake, faces: frame.faces.length })));
      const interval = positions.length > 1 ? positions[1]! - positions[0]! : source.durationMs;
      return videoSuccess({ frames, summary, uri, model, video: { duration: Math.round(source.durationMs), interval, decoder: source.decoder }, timings: sum(timings) });
    } finally {
      source.close();
    }
  }

  async function run(request: CheckRequest, options: VideoCheckOptions, videoOnly: boolean): Promise<CheckResponse> {
    const started = performance.now();
    if (loaded instanceof DetectorError) throw loaded;
    const media = await resolveMedia(request, limits, options.signal);
    if ('video' in media) return checkVideoFrames(loaded, media.video, uriOf(request), options);
    if (videoOnly) throw new DetectorError('unsupported_media', 'checkVideo() needs an MP4 or WebM video; check() takes images.');
    return checkImage(loaded, media.image, uriOf(request), started);
  }

  // One check at a time: the detector and the worker hold per-image state. The warm-up goes first;
  // its failure is not reported, since a stage that fails it fails the checks with their own error.
  let checkAsked = false;
  let queue: Promise<unknown> =
    loaded instanceof DetectorError || options.warmUp === false
      ? Promise.resolve()
      : warmUp(loaded.faces, loaded.classifier, limits, () => checkAsked).catch(() => undefined);
  function enqueue(request: CheckRequest, options: VideoCheckOptions = {}, videoOnly = false): Promise<CheckResponse> {
    const invalid = validateRequest(request, options);
    if (invalid) return Promise.resolve(failure(invalid));
    checkAsked = true;
    const result = queue.then(() => run(request, options, videoOnly)).catch((error: unknown) => failure(toDetectorError(error)));
    queue = result;
    return result;
  }
  return {
    model,
    threads: loaded instanceof DetectorError ? 0 : loaded.classifier.threads,
    check: (request, options) => enqueue(request, { models: options?.models }),
    checkVideo: (request, options) => enqueue(request, options, true) as Promise<VideoResponse>,
    close() {
      if (!(loaded instanceof DetectorError)) {
        loaded.faces.close();
        loaded.classifier.close();
      }
    },
  };
}
