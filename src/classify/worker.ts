/**
 * The classifier's Web Worker: owns the onnxruntime-web session so that
 * inference never blocks the page. The runtime and the model load once.
 */
import type * as Ort from 'onnxruntime-web';
import { CLASSIFIER_INPUT_SIZE } from '../crop/geometry';
import type { Backend, InitRequest, LoadStep, RunRequest, WebGpuAdapters, WorkerReply, WorkerRequest } from './protocol';
import { scoreFaces, toInputTensor } from './score-faces.js';
import sessionConfig from './session-config.json';

type Runtime = typeof Ort;

let ort: Runtime | null = null;
let session: Ort.InferenceSession | null = null;

const reply = (message: WorkerReply, transfer: Transferable[] = []) => postMessage(message, { transfer });

/**
 * Whether the browser offers a WebGPU adapter of the kind asked for. Headless or GPU-less browsers may
 * expose a software (fallback) adapter, on which a small CNN ran ~45x slower than WASM: only
 * `'any'` takes one (protocol.ts).
 */
async function hasGpu(adapters: Exclude<WebGpuAdapters, 'none'>): Promise<boolean> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<{ info?: { isFallbackAdapter?: boolean }; isFallbackAdapter?: boolean } | null> } }).gpu;
  if (!gpu) return false;
  try {
    const adapter = await gpu.requestAdapter();
    return !!adapter && (adapters === 'any' || !(adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false));
  } catch {
    return false;
  }
}

async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * onnxruntime-web's build with WebGPU kernels carries 28 MB of wasm, the plain
 * one 14 MB: a device without a hardware GPU loads only the plain one. With the
 * service worker's install moved after loading, that took a ready page from
 * 2.0-2.6 s to 1.0-1.5 s here (`npm run bench`: bench/results/2026-11-27T06-28-09-507Z.md and
 * 06-30-08-783Z.md, commit f0e1515).
 */
async function loadRuntime(webgpu: boolean, request: InitRequest): Promise<Runtime> {
  const runtime: Runtime = webgpu ? await import('onnxruntime-web') : await import('onnxruntime-web/wasm');
  runtime.env.wasm.wasmPaths = webgpu ? request.runtimes.webgpu : request.runtimes.wasm;
  runtime.env.wasm.numThreads = request.threads;
  runtime.env.logLevel = 'error';
  return runtime;
}

/** Runs one step of loading and notes when it ran, for the page's timeline (src/timeline.ts). */
async function timed<T>(steps: LoadStep[], name: string, step: () => Promise<T>): Promise<T> {
  const start = performance.timeOrigin + performance.now();
  try {
    return await step();
  } finally {
    steps.push({ name, start, end: performance.timeOrigin + performance.now() });
  }
}

/**
 * The face scores of `pixels` (faces x 3 x size x size), one face per run of `session`; the faces' mirror images
 * are written over `pixels`, which the caller does not read again.
 */
function classifyFaces(runtime: Runtime, session: Ort.InferenceSession, pixels: Float32Array, size: number) {
  // One face per run: threaded WASM was measured slower on a batch of 3 faces than on 3 single
  // faces (bench/HISTORY.md, "Where classification's time goes"), and the app never holds more
  // than a few faces at once.
  return scoreFaces(session, (data, dims) => new runtime.Tensor('float32', data, dims), pixels, size, 1, pixels);
}

/**
 * One check of a grey crop on a new GPU session. A WebGPU session can load and still fail to run (an
 * operator its kernels or a driver get wrong, which no device here could check): found at load, the
 * worker falls back to WASM instead of failing every check.
 */
async function tryRun(runtime: Runtime, candidate: Ort.InferenceSession): Promise<void> {
  const pixels = new Float32Array(3 * CLASSIFIER_INPUT_SIZE * CLASSIFIER_INPUT_SIZE).fill(128);
  await classifyFaces(runtime, candidate, pixels, CLASSIFIER_INPUT_SIZE);
}

async function init(request: InitRequest): Promise<void> {
  const started = performance.now();
  const steps: LoadStep[] = [];
  // The adapter query and onnxruntime-web's import, which need no model, run beside its fetch and hash: the query
  // alone took up to 453 ms on the bench's VM (bench/HISTORY.md, "Loading beside the model's fetch").
  const adapters = request.webgpuAdapters;
  const gpuLookup =
    adapters === 'none' ? Promise.resolve(false) : timed(steps, adapters === 'any' ? 'look for a GPU' : 'look for a hardware GPU', () => hasGpu(adapters));
  const runtimeLoad = gpuLookup.then((webgpu) => timed(steps, 'import onnxruntime-web', () => loadRuntime(webgpu, request)));
  runtimeLoad.catch(() => undefined); // awaited below; a failure there while the model still loads is not unhandled
  let model: ArrayBuffer;
  try {
    model = await timed(steps, 'fetch the model', async () => {
      const response = await fetch(request.modelUrl);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return response.arrayBuffer();
    });
  } catch (error) {
    reply({ kind: 'error', id: null, failure: { reason: 'model_unavailable', message: `Model file could not be fetched (${String(error)}).` } });
    return;
  }
  // Checked before use whatever served the bytes (network, HTTP cache or our service worker).
  if (request.modelSha256 !== null) {
    const actual = await timed(steps, "check the model's SHA-256", () => sha256Hex(model));
    if (actual !== request.modelSha256) {
      reply({ kind: 'error', id: null, failure: { reason: 'model_integrity', message: `Expected SHA-256 ${request.modelSha256}, got ${actual}.` } });
      return;
    }
  }
  const webgpu = await gpuLookup;
  let runtime: Runtime;
  try {
    runtime = await runtimeLoad;
  } catch (error) {
    reply({ kind: 'error', id: null, failure: { reason: 'model_unavailable', message: `onnxruntime-web could not be loaded (${String(error)}).` } });
    return;
  }
  // The WebGPU build runs WASM kernels too: the fallback when a GPU session cannot be made or cannot run.
  const backends: Backend[] = webgpu ? ['webgpu', 'wasm'] : ['wasm'];
  let lastError: unknown;
  for (const backend of backends) {
    let candidate: Ort.InferenceSession | null = null;
    try {
      // `sessionConfig` lets onnxruntime fold the int8 weights' DequantizeLinear nodes into float
      // weights once, at load; by default it keeps them for quantized kernels our weight-only file
      // never uses, and dequantizes every weight on every run (bench/HISTORY.md, "The int8 weights are
      // dequantized once, at load"). WebGPU needs the fold too: its kernels' own DequantizeLinear got the
      // head's weights wrong (onnxruntime-web 1.30 on SwiftShader, 2026-12-06); folded, the file scores there
      // as on WASM (test/e2e/webgpu.test.mjs).
      // The first session also starts onnxruntime-web's wasm (fetching and compiling it, starting its threads).
      candidate = await timed(steps, `create the ${backend} session`, () =>
        runtime.InferenceSession.create(new Uint8Array(model), {
          executionProviders: [backend],
          graphOptimizationLevel: 'all',
          extra: { ...sessionConfig }, // a copy: onnxruntime-web adds entries of its own to the object
        }),
      );
      if (backend === 'webgpu') await timed(steps, 'try the webgpu session', () => tryRun(runtime, candidate!));
      session = candidate;
      ort = runtime;
      steps.sort((a, b) => a.start - b.start); // each was noted as it ended, and some ran side by side
      reply({ kind: 'ready', backend, threads: request.threads, loadMs: performance.now() - started, steps });
      return;
    } catch (error) {
      lastError = error;
      await candidate?.release().catch(() => undefined);
    }
  }
  reply({ kind: 'error', id: null, failure: { reason: 'model_unavailable', message: `The model could not be loaded (${String(lastError)}).` } });
}

/** The network's input for every run, grown to the most faces a run has had: one buffer instead of one a check. */
let inputs = new Float32Array(0);

async function run(request: RunRequest): Promise<void> {
  if (!session || !ort) {
    reply({ kind: 'error', id: request.id, failure: { reason: 'inference_failed', message: 'The classifier is not loaded.' } });
    return;
  }
  const started = performance.now();
  try {
    const length = request.crops.length * 3 * request.size * request.size;
    if (inputs.length < length) inputs = new Float32Array(length);
    const pixels = toInputTensor(request.crops, request.size, inputs.subarray(0, length));
    const { scores } = await classifyFaces(ort, session, pixels, request.size);
    reply({ kind: 'scores', id: request.id, scores, ms: performance.now() - started }, [scores.buffer]);
  } catch (error) {
    const outOfMemory = /memory|allocation/i.test(String(error));
    reply({ kind: 'error', id: request.id, failure: { reason: outOfMemory ? 'out_of_memory' : 'inference_failed', message: String(error) } });
  }
}

// Requests run one after another, in the order they came: a run never overlaps another on the
// session, and its time (`ms`) is its own, not spent waiting for the one before.
let previous: Promise<void> = Promise.resolve();
onmessage = (event: MessageEvent<WorkerRequest>) => {
  const request = event.data;
  // init and run answer their own failures; the catch only keeps one unforeseen throw from stopping every later request.
  previous = previous.then(() => (request.kind === 'init' ? init(request) : run(request))).catch(() => undefined);
};
