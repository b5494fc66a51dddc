/**
 * Times ONNX classifier files against each other on this machine's CPU (one
 * 160 px face per run), interleaving the files round by round so that machine
 * drift hits them alike. It isolates the network's cost from the browser's:
 * use it to tell whether a new model is slower or the machine was.
 *
 *   node bench/model-speed.mjs models/deepfake.onnx other.onnx      # onnxruntime-node, native kernels
 *   node bench/model-speed.mjs --wasm --threads 2 models/deepfake.onnx
 *
 * `--wasm` runs onnxruntime-web's WASM backend, the one the page falls back
 * to; its thread count is fixed once per process, so compare thread counts
 * by alternating runs.
 *
 * Each run is the page's: the shared runner (src/classify/score-faces.js)
 * on one face. Each line names the score the file gives that input and how
 * many times the runner ran the file for it: a file that looks at a face's
 * mirror image only from a score up (models/deepfake.json's `second_view`)
 * times one view under it and two from it.
 *
 * `--memory` (one file only: the process's memory is the sessions' together)
 * also prints the process's resident memory after loading and after each
 * round, which shows what a session settles at after many runs.
 *
 * Sessions get the page's config entries (src/classify/session-config.json);
 * `--config KEY=VALUE` overrides one, e.g. `--config session.disable_quant_qdq=0`
 * for onnxruntime's default of dequantizing the int8 weights on every run.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { scoreFaces } from '../src/classify/score-faces.js';

const { values, positionals: files } = parseArgs({
  allowPositionals: true,
  options: {
    wasm: { type: 'boolean', default: false },
    threads: { type: 'string', default: '1' },
    memory: { type: 'boolean', default: false },
    config: { type: 'string', multiple: true, default: [] },
  },
});
const overrides = values.config.map((entry) => entry.split('='));
if (files.length === 0 || overrides.some((pair) => pair.length !== 2) || (values.memory && files.length !== 1)) {
  console.error('usage: node bench/model-speed.mjs [--wasm] [--threads N] [--config KEY=VALUE ...] [--memory] MODEL.onnx [MORE.onnx ...] (--memory: one file)');
  process.exit(2);
}
const threads = Number(values.threads);
const ort = values.wasm ? await import('onnxruntime-web') : await import('onnxruntime-node');
const config = { ...JSON.parse(readFileSync(new URL('../src/classify/session-config.json', import.meta.url), 'utf8')), ...Object.fromEntries(overrides) };
// A fresh object per session: onnxruntime-web adds entries of its own to `extra`.
const sessionOptions = () => ({ ...(values.wasm ? { executionProviders: ['wasm'] } : { intraOpNumThreads: threads }), extra: { ...config } });
if (values.wasm) ort.env.wasm.numThreads = threads;

const ROUNDS = 5;
const RUNS = 20;
const size = 160;
// A smooth gradient with texture rather than zeros: all-zero input would skip work that real faces take.
const pixels = new Float32Array(3 * size * size).map((_, i) => (i * 37 + Math.floor(i / size) * 11) % 256);
const makeTensor = (data, dims) => new ort.Tensor('float32', data, dims);
const score = (session) => scoreFaces(session, makeTensor, pixels, size, 1);
const sessions = [];
for (const file of files) sessions.push(await ort.InferenceSession.create(readFileSync(file), sessionOptions()));
const times = files.map(() => []);
const residentMiB = () => Math.round(process.memoryUsage().rss / 2 ** 20);
const resident = [residentMiB()];
const firstRuns = [];
for (const session of sessions) firstRuns.push(await score(session));
for (let round = 0; round < ROUNDS; round++) {
  for (const [index, session] of sessions.entries()) {
    await score(session); // warm-up after the other file ran
    for (let run = 0; run < RUNS; run++) {
      const started = performance.now();
      await score(session);
      times[index].push(performance.now() - started);
    }
  }
  resident.push(residentMiB());
}
const median = (list) => list.toSorted((a, b) => a - b)[Math.floor(list.length / 2)];
const runtime = values.wasm ? 'onnxruntime-web WASM' : 'onnxruntime-node';
for (const [index, file] of files.entries()) {
  console.log(`${file}: ${median(times[index]).toFixed(1)} ms per face (score ${firstRuns[index].scores[0].toFixed(4)}, ${firstRuns[index].views[0] === 1 ? '1 run' : '2 runs, face and mirror image'} of the file, ${runtime}, ${threads} thread${threads === 1 ? '' : 's'}, median of ${times[index].length}, config ${JSON.stringify(config)})`);
}
if (values.memory) console.log(`resident memory, MiB: ${resident[0]} after loading, then ${resident.slice(1).join(', ')} after each round of ${RUNS + 1} runs`);
