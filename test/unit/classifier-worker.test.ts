import { afterEach, describe, expect, it, vi } from 'vitest';
import type { InitRequest, LoadStep, WorkerReply, WorkerRequest } from '../../src/classify/protocol';

/**
 * The classifier's worker with a stand-in onnxruntime whose runs take a few
 * milliseconds each: what it must guarantee is that runs never overlap on the
 * session and are answered in the order they were sent, even when requests
 * arrive while another is running (the warm-up's and a check's, for one).
 */
const running = { now: 0, most: 0 };
/** Each run's input tensor data, in order. */
const inputs: Float32Array[] = [];
/** Whether sessions on the WebGPU backend load and then fail to run, as a GPU lacking a kernel would. */
const gpu = { runsFail: false, released: 0 };
const fakeOrt = {
  env: { wasm: {} as Record<string, unknown>, logLevel: 'warning' },
  Tensor: class {
    constructor(
      readonly type: string,
      readonly data: Float32Array,
      readonly dims: number[],
    ) {}
    dispose() {}
  },
  InferenceSession: {
    create: async (_model: Uint8Array, options: { executionProviders: string[] }) => ({
      inputNames: ['pixels'],
      outputNames: ['deepfake'],
      async release() {
        gpu.released++;
      },
      async run(feeds: Record<string, { data: Float32Array }>) {
        if (gpu.runsFail && options.executionProviders[0] === 'webgpu') throw new Error('no kernel for If');
        running.now++;
        running.most = Math.max(running.most, running.now);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running.now--;
        inputs.push(feeds.pixels!.data);
        // The score is the input's first pixel, so each reply shows which request it answers.
        return { deepfake: { data: new Float32Array([feeds.pixels!.data[0]!]), dispose() {} } };
      },
    }),
  },
};
vi.mock('onnxruntime-web/wasm', () => fakeOrt);
vi.mock('onnxruntime-web', () => fakeOrt);

const init: InitRequest = {
  kind: 'init',
  modelUrl: 'https://example.invalid/model.onnx',
  modelSha256: null,
  runtimes: { wasm: { mjs: 'a.mjs', wasm: 'a.wasm' }, webgpu: { mjs: 'b.mjs', wasm: 'b.wasm' } },
  threads: 1,
  webgpuAdapters: 'none',
};

async function startWorker() {
  const replies: WorkerReply[] = [];
  vi.stubGlobal('postMessage', (message: WorkerReply) => replies.push(message));
  vi.stubGlobal('fetch', async () => new Response(new Uint8Array([1, 2, 3])));
  vi.stubGlobal('onmessage', null);
  await import('../../src/classify/worker');
  const send = (request: WorkerRequest) => (globalThis as unknown as { onmessage: (event: { data: WorkerRequest }) => void }).onmessage({ data: request });
  return { replies, send };
}

/** Each pair's second step started once its first had ended; every step ends after it starts. */
function expectAfter(steps: LoadStep[], pairs: [before: string, after: string][]) {
  const step = (name: string) => steps.find((candidate) => candidate.name === name)!;
  for (const { name, start, end } of steps) expect(end, name).toBeGreaterThanOrEqual(start);
  for (const [before, after] of pairs) expect(step(after).start, `${after} after ${before}`).toBeGreaterThanOrEqual(step(before).end);
}

const runRequest = (id: number, firstPixel: number): WorkerRequest => {
  const crop = new Uint8Array(4 * 4 * 3);
  crop[0] = firstPixel;
  return { kind: 'run', id, crops: [crop], size: 4 };
};

afterEach(() => {
  vi.unstubAllGlobals();
  vi.resetModules();
  Object.assign(gpu, { runsFail: false, released: 0 });
  inputs.length = 0;
});

describe('the classifier worker', () => {
  it('runs requests one at a time, in the order sent, even when they arrive together', async () => {
    const { replies, send } = await startWorker();
    send(init);
    for (let id = 1; id <= 4; id++) send(runRequest(id, id * 10)); // sent before the model has even loaded
    await vi.waitFor(() => expect(replies).toHaveLength(5), { timeout: 2000 });
    const ready = replies[0]!;
    expect(ready.kind).toBe('ready');
    // No hash to check and no GPU allowed here, so three steps, by when they started, each with its own times:
    // the import beside the fetch, the session after both.
    if (ready.kind === 'ready') {
      expect(ready.steps.map((step) => step.name)).toEqual(['fetch the model', 'import onnxruntime-web', 'create the wasm session']);
      expectAfter(ready.steps, [['fetch the model', 'create the wasm session'], ['import onnxruntime-web', 'create the wasm session']]);
    }
    expect(replies.slice(1).map((reply) => (reply.kind === 'scores' ? [reply.id, reply.scores[0]] : reply))).toEqual([
      [1, 10],
      [2, 20],
      [3, 30],
      [4, 40],
    ]);
    expect(running.most).toBe(1);
    // One buffer for every run's input (each check's own would stay in the worker's heap until collected).
    expect(new Set(inputs.slice(-4).map((data) => data.buffer)).size).toBe(1);
  });

  it('falls back to WASM when a WebGPU session loads but cannot run', async () => {
    gpu.runsFail = true;
    vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => ({ info: { isFallbackAdapter: false } }) } });
    const { replies, send } = await startWorker();
    send({ ...init, webgpuAdapters: 'hardware' });
    send(runRequest(1, 7));
    await vi.waitFor(() => expect(replies).toHaveLength(2), { timeout: 2000 });
    const ready = replies[0]!;
    expect(ready.kind === 'ready' && ready.backend).toBe('wasm');
    if (ready.kind === 'ready') {
      expect(ready.steps.map((step) => step.name).sort()).toEqual([
        'create the wasm session', 'create the webgpu session', 'fetch the model', 'import onnxruntime-web', 'look for a hardware GPU', 'try the webgpu session',
      ]);
      expectAfter(ready.steps, [
        ['look for a hardware GPU', 'import onnxruntime-web'],
        ['fetch the model', 'create the webgpu session'],
        ['import onnxruntime-web', 'create the webgpu session'],
        ['create the webgpu session', 'try the webgpu session'],
        ['try the webgpu session', 'create the wasm session'],
      ]);
    }
    expect(gpu.released).toBe(1); // the GPU session that failed, not the WASM one in use
    expect(replies[1]!.kind === 'scores' && replies[1]!.scores[0]).toBe(7);
  });

  it('keeps a WebGPU session that runs', async () => {
    vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => ({ info: { isFallbackAdapter: false } }) } });
    const { replies, send } = await startWorker();
    send({ ...init, webgpuAdapters: 'hardware' });
    await vi.waitFor(() => expect(replies).toHaveLength(1), { timeout: 2000 });
    expect(replies[0]!.kind === 'ready' && replies[0]!.backend).toBe('webgpu');
    expect(gpu.released).toBe(0);
  });

  it.each([
    ['hardware', 'wasm', 'look for a hardware GPU'],
    ['any', 'webgpu', 'look for a GPU'],
  ] as const)('with %s adapters allowed, a software adapter gets the %s backend', async (webgpuAdapters, backend, lookStep) => {
    vi.stubGlobal('navigator', { gpu: { requestAdapter: async () => ({ info: { isFallbackAdapter: true } }) } });
    const { replies, send } = await startWorker();
    send({ ...init, webgpuAdapters });
    await vi.waitFor(() => expect(replies).toHaveLength(1), { timeout: 2000 });
    const ready = replies[0]!;
    expect(ready.kind === 'ready' && ready.backend).toBe(backend);
    expect(ready.kind === 'ready' && ready.steps.map((step) => step.name)).toContain(lookStep);
  });
});
