/** Messages between the page and the classifier worker. */
import type { ErrorCause } from '../respond/errors';

export type Backend = 'webgpu' | 'wasm';

/**
 * Which WebGPU adapters the worker may run the model on: none, hardware ones only, or any, a software
 * (fallback) adapter too. A software adapter ran a small CNN ~45x slower than WASM, so no page wants
 * it; it is how the tests run the WebGPU backend on machines without a GPU.
 */
export type WebGpuAdapters = 'none' | 'hardware' | 'any';

/** Where one onnxruntime-web build's loader script and binary are served from. */
export interface RuntimeFiles {
  mjs: string;
  wasm: string;
}

export interface InitRequest {
  kind: 'init';
  modelUrl: string;
  /** Hex SHA-256 the model's bytes must have; null skips the check (a caller's own model). */
  modelSha256: string | null;
  /** Both onnxruntime-web builds' files; the worker loads one (see worker.ts). */
  runtimes: { wasm: RuntimeFiles; webgpu: RuntimeFiles };
  /** WASM threads; more than 1 needs cross-origin isolation. */
  threads: number;
  webgpuAdapters: WebGpuAdapters;
}

export interface RunRequest {
  kind: 'run';
  id: number;
  /**
   * Each face's crop, size x size RGB bytes. Bytes rather than the network's floats: a quarter of the garbage that each
   * check leaves in the worker's heap, whose collections come rarely (bench/HISTORY.md, "The classifier's input").
   */
  crops: Uint8Array[];
  size: number;
}

export type WorkerRequest = InitRequest | RunRequest;

export interface WorkerFailure {
  reason: ErrorCause;
  message: string;
}

/** One step of the worker's loading, in milliseconds since the epoch (workers and pages keep clocks with different origins). */
export interface LoadStep {
  name: string;
  start: number;
  end: number;
}

export type WorkerReply =
  | { kind: 'ready'; backend: Backend; threads: number; loadMs: number; steps: LoadStep[] }
  | { kind: 'scores'; id: number; scores: Float32Array; ms: number }
  | { kind: 'error'; id: number | null; failure: WorkerFailure };
