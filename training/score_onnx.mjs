#!/usr/bin/env node
/**
 * Scores raw face crops with an ONNX model in onnxruntime-node (the same
 * graph the app runs in onnxruntime-web), through the page's own runner
 * (src/classify/score-faces.js): a file that scores one view gets its
 * mirror image's where the page would look at it.
 *
 *   node training/score_onnx.mjs --model models/deepfake.onnx --crops crops.u8 --size 160 --out scores.f32 [--views views.u8]
 *
 * crops: N x size x size x 3 RGB bytes; out: N float32 scores (little-endian);
 * views: N bytes, how many views each face took (1 or 2).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { scoreFaces, toInputTensor } from '../src/classify/score-faces.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    crops: { type: 'string' },
    size: { type: 'string', default: '160' },
    out: { type: 'string' },
    views: { type: 'string' },
    batch: { type: 'string', default: '32' },
  },
});
if (!values.model || !values.crops || !values.out) {
  console.error('usage: score_onnx.mjs --model M.onnx --crops C.u8 --size 160 --out S.f32 [--views V.u8]');
  process.exit(2);
}
const size = Number(values.size);
const plane = size * size;
const crops = readFileSync(values.crops);
const count = crops.length / (plane * 3);
if (!Number.isInteger(count)) throw new Error(`${values.crops} is not a whole number of ${size}x${size} RGB crops`);

const session = await ort.InferenceSession.create(values.model, { intraOpNumThreads: 2 });
const makeTensor = (pixels, dims) => new ort.Tensor('float32', pixels, dims);
const scores = new Float32Array(count);
const views = new Uint8Array(count);
const batch = Number(values.batch);
for (let start = 0; start < count; start += batch) {
  const n = Math.min(batch, count - start);
  const batchCrops = Array.from({ length: n }, (_, k) => crops.subarray((start + k) * plane * 3, (start + k + 1) * plane * 3));
  const faces = await scoreFaces(session, makeTensor, toInputTensor(batchCrops, size), size, batch);
  scores.set(faces.scores, start);
  views.set(faces.views, start);
}
writeFileSync(values.out, Buffer.from(scores.buffer));
if (values.views) writeFileSync(values.views, views);
console.error(`scored ${count} crops with ${values.model}`);
