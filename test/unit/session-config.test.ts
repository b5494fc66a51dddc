import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import sessionConfig from '../../src/classify/session-config.json';

const model = readFileSync(new URL('../../models/deepfake.onnx', import.meta.url));
const size = 160;

/** The graph onnxruntime runs after its optimisations, as bytes, and the score it gives a textured input. */
async function optimised(extra: Record<string, string>): Promise<{ graph: Buffer; score: number }> {
  const folder = mkdtempSync(join(tmpdir(), 'session-config-'));
  const path = join(folder, 'optimised.onnx');
  const session = await ort.InferenceSession.create(model, {
    graphOptimizationLevel: 'all', // as the page asks
    optimizedModelFilePath: path,
    logSeverityLevel: 3, // not the warning that an 'all' graph saved to disk is tied to this CPU
    extra: { ...extra },
  });
  const pixels = Float32Array.from({ length: 3 * size * size }, (_, i) => (i * 37 + Math.floor(i / size) * 11) % 256);
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
    // Folding computes the same float weights the nodes would: the score does not move.
    expect(configured.score).toBeCloseTo(byDefault.score, 6);
  });
});
