import { readFileSync } from 'node:fs';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import manifest from '../../models/deepfake.json';
import sessionConfig from '../../src/classify/session-config.json';

/**
 * The shipped graph looks at a face's mirror image only from `second_view.from_score` up, through an
 * ONNX `If` (training/sbi/second_view.py, whose tests check what each branch computes in
 * onnxruntime-node). Here: onnxruntime-web's WASM build, the page's runtime, takes both branches
 * and scores as onnxruntime-node does.
 */
const model = readFileSync(new URL('../../models/deepfake.onnx', import.meta.url));
const size = 160;
const plane = 3 * size * size;
// A flat grey the network scores under the cut, and a textured gradient it scores above it.
const inputs = {
  'one view': new Float32Array(plane).fill(110),
  'both views': new Float32Array(plane).map((_, i) => (i * 37 + Math.floor(i / size) * 11) % 256),
};

async function scores(ort: typeof ortNode | typeof ortWeb, options: Record<string, unknown>): Promise<Record<string, number>> {
  const session = await ort.InferenceSession.create(model, { ...options, extra: { ...sessionConfig } });
  const out: Record<string, number> = {};
  for (const [name, pixels] of Object.entries(inputs)) {
    const outputs = await session.run({ pixels: new ort.Tensor('float32', pixels, [1, 3, size, size]) });
    out[name] = (outputs.deepfake!.data as Float32Array)[0]!;
  }
  await session.release();
  return out;
}

describe('the shipped graph in the page’s runtime', () => {
  it('scores a face under the cut and one above it as onnxruntime-node does', async () => {
    ortWeb.env.wasm.numThreads = 1;
    const native = await scores(ortNode, {});
    const web = await scores(ortWeb, { executionProviders: ['wasm'] });
    const cut = manifest.second_view.from_score;
    expect(native['one view']).toBeLessThan(cut);
    expect(native['both views']).toBeGreaterThan(cut);
    for (const name of Object.keys(inputs)) expect(web[name]).toBeCloseTo(native[name]!, 5);
  });
});
