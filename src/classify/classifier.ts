/**
 * classify: the page's side of the classifier worker. One worker per
 * detector; it runs requests one at a time, in the order they were sent.
 */
import ortWasmLoader from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url';
import ortWasmBinary from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import ortWebGpuLoader from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.mjs?url';
import ortWebGpuBinary from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';
import defaultModelUrl from '../../models/deepfake.onnx?url';
import modelManifest from '../../models/deepfake.json';
import { rebaseAsset } from '../assets';
import { DetectorError } from '../respond/errors';
import { measureSpan } from '../timeline';
import type { Backend, WorkerReply, WorkerRequest } from './protocol';

export type { Backend } from './protocol';
export { toInputTensor } from './score-faces.js';

/** Where the shipped model is served from (the app's own origin). */
export const DEFAULT_MODEL_URL: string = defaultModelUrl;

export interface ClassifierOptions {
  /** URL of the folder holding the build's `assets/` (wasm, models); default: next to the script. */
  assetBaseUrl?: string;
  /**
   * Where to load the model from (default: the shipped one). A model of your own takes
   * `[faces, 3, 160, 160]` RGB in 0..255 and gives each face's probability as its first output,
   * or, as the shipped one does, one view's calibrated logit (`deepfake_logit`) and the logit from
   * which the face's mirror image is scored too (`second_view_from`; see ./score-faces.js).
   */
  modelUrl?: string;
  /**
   * Hex SHA-256 the model must have; defaults to the shipped model's, from
   * models/deepfake.json. Pass null to load a model of your own unchecked.
   */
  modelSha256?: string | null;
  /** WASM threads (default: {@link defaultThreads}). */
  threads?: number;
  /**
   * Use WebGPU when the device has a hardware adapter (default true). `'any-adapter'` uses it on a
   * software adapter too (SwiftShader in a browser without a GPU): far slower than WASM, for testing
   * the WebGPU backend where no GPU is.
   */
  webgpu?: boolean | 'any-adapter';
}

export interface Classifier {
  readonly backend: Backend;
  readonly threads: number;
  readonly loadMs: number;
  /** Fake-probabilities in [0, 1], one per crop. `crops` are size x size RGB bytes. */
  classify(crops: Uint8Array[], size: number): Promise<{ scores: number[]; ms: number }>;
  close(): void;
}

/**
 * WASM threads when the caller names none: one per core, at most 4, where the
 * page is cross-origin isolated (threads need SharedArrayBuffer), else 1. On 2
 * cores the second thread classifies a face markedly faster (`npm run bench`
 * measures both; README, "Performance").
 */
export function defaultThreads(
  isolated: boolean = globalThis.crossOriginIsolated === true,
  cores: number = globalThis.navigator?.hardwareConcurrency ?? 1,
): number {
  return isolated ? Math.max(1, Math.min(4, cores)) : 1;
}

export async function createClassifier(options: ClassifierOptions = {}): Promise<Classifier> {
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'deepfake-classifier' });
  const pending = new Map<number, { resolve(reply: WorkerReply): void }>();
  let nextId = 1;
  const send = (request: WorkerRequest, transfer: Transferable[] = []) => worker.postMessage(request, transfer);
  const assetUrl = (url: string) => new URL(rebaseAsset(url, options.assetBaseUrl), location.href).href;

  const ready = await new Promise<WorkerReply>((resolve) => {
    worker.onmessage = (event: MessageEvent<WorkerReply>) => resolve(event.data);
    worker.onerror = (event) => {
      event.preventDefault();
      resolve({ kind: 'error', id: null, failure: { reason: 'model_unavailable', message: `The classifier worker failed to start (${event.message}).` } });
    };
    send({
      kind: 'init',
      modelUrl: options.modelUrl === undefined ? assetUrl(DEFAULT_MODEL_URL) : new URL(options.modelUrl, location.href).href,
      modelSha256: options.modelSha256 === undefined ? modelManifest.sha256 : options.modelSha256,
      runtimes: {
        wasm: { mjs: assetUrl(ortWasmLoader), wasm: assetUrl(ortWasmBinary) },
        webgpu: { mjs: assetUrl(ortWebGpuLoader), wasm: assetUrl(ortWebGpuBinary) },
      },
      threads: options.threads ?? defaultThreads(),
      webgpuAdapters: options.webgpu === 'any-adapter' ? 'any' : options.webgpu === false ? 'none' : 'hardware',
    });
  });
  if (ready.kind !== 'ready') {
    worker.terminate();
    const failure = ready.kind === 'error' ? ready.failure : { reason: 'model_unavailable' as const, message: 'Unexpected reply.' };
    throw new DetectorError(failure.reason, failure.message);
  }

  for (const step of ready.steps) {
    measureSpan(`classifier: ${step.name}`, step.start - performance.timeOrigin, step.end - performance.timeOrigin);
  }

  worker.onmessage = (event: MessageEvent<WorkerReply>) => {
    const message = event.data;
    const id = message.kind === 'scores' || message.kind === 'error' ? message.id : null;
    if (id === null) return;
    pending.get(id)?.resolve(message);
    pending.delete(id);
  };

  return {
    backend: ready.backend,
    threads: ready.threads,
    loadMs: ready.loadMs,
    async classify(crops, size) {
      if (crops.length === 0) return { scores: [], ms: 0 };
      const id = nextId++;
      const answer = await new Promise<WorkerReply>((resolve) => {
        pending.set(id, { resolve });
        send({ kind: 'run', id, crops, size }); // copied, not transferred: the caller reads the crops again
      });
      if (answer.kind === 'error') throw new DetectorError(answer.failure.reason, answer.failure.message);
      if (answer.kind !== 'scores') throw new DetectorError('inference_failed', 'Unexpected reply from the classifier.');
      return { scores: Array.from(answer.scores), ms: answer.ms };
    },
    close() {
      worker.terminate();
      for (const { resolve } of pending.values()) {
        resolve({ kind: 'error', id: null, failure: { reason: 'inference_failed', message: 'The detector was closed.' } });
      }
      pending.clear();
    },
  };
}
