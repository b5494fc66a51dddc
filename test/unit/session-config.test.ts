import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { toInputTensor } from '../../src/classify/classifier';
import sessionConfig from '../../src/classify/session-config.json';
import { CLASSIFIER_INPUT_SIZE as size } from '../../src/crop/geometry';
import { resampleSquare } from '../../src/crop/resample';
import { syntheticImage } from '../../src/crop/synthetic';

const model = readFileSync(new URL('../../models/deepfake.onnx', import.meta.url));
/** A crop as the page hands it to the worker, made by the page's own resampler. */
const pixels = toInputTensor([resampleSquare(syntheticImage(size, size), { x: 0, y: 0, side: size }, size)], size);

/** The graph onnxruntime runs after its optimisations, as bytes, and the score it gives `pixels`. */
async function optimised(extra: Record<string, string>): Promise<{ graph: Buffer; score: number }> {
  const folder = mkdtempSync(join(tmpdir(), 'session-config-'));
  const path = join(folder, 'optimised.onnx');
  const session = await ort.InferenceSession.create(model, {
    graphOptimizationLevel: 'all', // as the page asks
    optimizedModelFilePath: path,
    logSeverityLevel: 3, // not the warning that an 'all' graph saved to disk is tied to this CPU
    extra: { ...extra },
  });
  const outputs = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', pixels, [1, 3, size, size]) });
  const score = (outputs[session.outputNames[0]!]!.data as Float32Array)[0]!;
  await session.release();
  const graph = readFileSync(path);
  rmSync(folder, { recursive: true });
  return { graph, score };
}

/** Each node's op type is stored in the serialised graph as its name: no mention, no such node. */
const dequantizeMentions = (graph: Buffer) => graph.toString('latin1').split('DequantizeLinear').length - 1;

describe("the classifier session's config", () => {
  it('has onnxruntime dequantize the int8 weights once, at load, not on every run', async () => {
    const byDefault = await optimised({});
    const configured = await optimised(sessionConfig);
    expect(dequantizeMentions(byDefault.graph)).toBeGreaterThan(0);
    expect(dequantizeMentions(configured.graph)).toBe(0);
    // Folding computes the same float weights the nodes would, so the score does not move beyond float32 rounding:
    // the convolutions' sums may run in another order (stage 13's file: 6e-7 on a logit of -1.3, five ulps).
    expect(configured.score).toBeCloseTo(byDefault.score, 5);
  });
});
