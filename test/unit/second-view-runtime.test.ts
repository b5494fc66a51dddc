import { readFileSync } from 'node:fs';
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import manifest from '../../models/deepfake.json';
import sessionConfig from '../../src/classify/session-config.json';
import { scoreFaces } from '../../src/classify/score-faces.js';

/**
 * The shipped file scores one view and names, as its `second_view_from` output, the calibrated logit
 * from which the runner (src/classify/score-faces.js) also looks at the face's mirror image
 * (training/sbi/second_view.py, whose tests check the scores in onnxruntime-node). Here:
 * onnxruntime-web's WASM build, the page's runtime, reads both outputs and scores as onnxruntime-node does.
 */
const model = readFileSync(new URL('../../models/deepfake.onnx', import.meta.url));
const size = 160;
const plane = 3 * size * size;
// A flat grey the network scores under the cut, and a textured gradient it scores above it.
const inputs = {
  'one view': new Float32Array(plane).fill(110),
  'both views': new Float32Array(plane).map((_, i) => (i * 37 + Math.floor(i / size) * 11) % 256),
};

async function scores(ort: typeof ortNode | typeof ortWeb, options: Record<string, unknown>) {
  const session = await ort.InferenceSession.create(model, { ...options, extra: { ...sessionConfig } });
  const out: Record<string, { score: number; views: number }> = {};
  for (const [name, pixels] of Object.entries(inputs)) {
    const faces = await scoreFaces(session, (data, dims) => new ort.Tensor('float32', data, dims), pixels, size, 1);
    out[name] = { score: faces.scores[0]!, views: faces.views[0]! };
  }
  await session.release();
  return out;
}

describe('the shipped file in the page’s runtime', () => {
  it('scores a face under the cut with one view and one above it with two, as onnxruntime-node does', async () => {
    ortWeb.env.wasm.numThreads = 1;
    const native = await scores(ortNode, {});
    const web = await scores(ortWeb, { executionProviders: ['wasm'] });
    const cut = manifest.second_view.from_score;
    expect(native['one view']).toMatchObject({ views: 1 });
    expect(native['one view']!.score).toBeLessThan(cut);
    expect(native['both views']).toMatchObject({ views: 2 });
    expect(native['both views']!.score).toBeGreaterThan(cut);
    for (const name of Object.keys(inputs)) {
      expect(web[name]!.views).toBe(native[name]!.views);
      expect(web[name]!.score).toBeCloseTo(native[name]!.score, 5);
    }
  });
});
