/**
 * Times ONNX classifier files against each other on this machine's CPU
 * (onnxruntime-node, 1 thread, one 160 px face), interleaving the files
 * round by round so that machine drift hits them alike. It isolates the
 * network's cost from the browser's: use it to tell whether a new model is
 * slower or the machine was.
 *
 *   node bench/model-speed.mjs models/deepfake.onnx other.onnx
 */
import * as ort from 'onnxruntime-node';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node bench/model-speed.mjs MODEL.onnx [MORE.onnx ...]');
  process.exit(2);
}
const ROUNDS = 5;
const RUNS = 20;
const size = 160;
// A smooth gradient with texture rather than zeros: all-zero input would skip work that real faces take.
const pixels = new Float32Array(3 * size * size).map((_, i) => (i * 37 + Math.floor(i / size) * 11) % 256);
const feeds = { pixels: new ort.Tensor('float32', pixels, [1, 3, size, size]) };
const sessions = await Promise.all(files.map((file) => ort.InferenceSession.create(file, { intraOpNumThreads: 1 })));
const times = files.map(() => []);
for (let round = 0; round < ROUNDS; round++) {
  for (const [index, session] of sessions.entries()) {
    await session.run(feeds); // warm-up after the other file ran
    for (let run = 0; run < RUNS; run++) {
      const started = performance.now();
      await session.run(feeds);
      times[index].push(performance.now() - started);
    }
  }
}
const median = (values) => values.toSorted((a, b) => a - b)[Math.floor(values.length / 2)];
for (const [index, file] of files.entries()) console.log(`${file}: ${median(times[index]).toFixed(1)} ms per face (median of ${times[index].length})`);
