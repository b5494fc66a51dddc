// @ts-check
/**
 * How a classifier file's outputs become each face's score, in either onnxruntime (web in the page's
 * worker, node in training/score_onnx.mjs and bench/model-speed.mjs): one place, so that what
 * training measures is what the page computes, from the crop's bytes on. Plain JavaScript, since Node
 * runs it as it is.
 *
 * A file with a `deepfake_logit` output gives one view's calibrated logit for each face, and its
 * `second_view_from` output the calibrated logit from which the face's mirror image is scored too:
 * such a face gets the mean of both views' logits, the rest their first view's. Most faces a page
 * checks are real ones that one view already scores far under the threshold, where the second view's
 * small correction could change no decision (models/MODEL_CARD.md, "Stage 12"). The choice is made
 * here rather than inside the graph: with an ONNX `If` there, onnxruntime-web's WASM build kept
 * 80-180 MiB more resident memory (models/EXPERIMENTS.md, "The second view in the runner").
 *
 * Any other file (sbi.export's, or one of a caller's own) gives each face's probability as its first
 * output, taken as it is.
 */

export const LOGIT_OUTPUT = 'deepfake_logit';
export const SECOND_VIEW_OUTPUT = 'second_view_from';

/**
 * @typedef {{ data: unknown, dispose(): void }} OutputTensor  a tensor as both runtimes return it
 * @typedef {{
 *   readonly inputNames: readonly string[],
 *   readonly outputNames: readonly string[],
 *   run(feeds: Record<string, any>): Promise<Record<string, OutputTensor>>,
 * }} Session
 * @typedef {(pixels: Float32Array, dims: number[]) => unknown} MakeTensor  a float32 tensor of that runtime
 * @typedef {{ scores: Float32Array, views: Uint8Array }} FaceScores  per face: its score, and 1 or 2 views looked at
 */

/**
 * HWC RGB bytes of each crop into one NCHW float32 batch (the model normalises pixels itself), written into `out`
 * where one is given (a caller that keeps one buffer for every batch).
 * @param {Uint8Array[]} crops
 * @param {number} size
 * @param {Float32Array} [out]  crops.length x 3 x size x size floats
 */
export function toInputTensor(crops, size, out = new Float32Array(crops.length * 3 * size * size)) {
  const plane = size * size;
  if (out.length !== crops.length * 3 * plane) throw new RangeError(`out has ${out.length} floats, expected ${crops.length * 3 * plane}`);
  crops.forEach((crop, n) => {
    if (crop.length !== plane * 3) throw new RangeError(`crop ${n} has ${crop.length} bytes, expected ${plane * 3}`);
    const base = n * 3 * plane;
    for (let i = 0; i < plane; i++) {
      out[base + i] = /** @type {number} */ (crop[i * 3]);
      out[base + plane + i] = /** @type {number} */ (crop[i * 3 + 1]);
      out[base + 2 * plane + i] = /** @type {number} */ (crop[i * 3 + 2]);
    }
  });
  return out;
}

/** @param {number} logit */
const sigmoid = (logit) => 1 / (1 + Math.exp(-logit));

/**
 * The session's first output (`deepfake_logit` where the file has it) for `pixels`, `batch` faces per run,
 * and the file's `second_view_from` (null without one).
 * @param {Session} session
 * @param {MakeTensor} makeTensor
 * @param {Float32Array} pixels
 * @param {number} size
 * @param {number} batch
 */
async function runFaces(session, makeTensor, pixels, size, batch) {
  const plane = 3 * size * size;
  const count = pixels.length / plane;
  const output = session.outputNames.includes(LOGIT_OUTPUT) ? LOGIT_OUTPUT : session.outputNames[0];
  if (output === undefined) throw new Error('the classifier file has no output');
  const values = new Float32Array(count);
  /** @type {number | null} */
  let secondViewFrom = null;
  for (let start = 0; start < count; start += batch) {
    const n = Math.min(batch, count - start);
    const input = makeTensor(pixels.subarray(start * plane, (start + n) * plane), [n, 3, size, size]);
    const outputs = await session.run({ [session.inputNames[0] ?? 'pixels']: input });
    values.set(/** @type {Float32Array} */ (outputs[output]?.data).subarray(0, n), start);
    const cut = outputs[SECOND_VIEW_OUTPUT];
    if (cut) secondViewFrom = /** @type {Float32Array} */ (cut.data)[0] ?? null;
    for (const tensor of Object.values(outputs)) tensor.dispose();
    /** @type {{ dispose?(): void }} */ (input).dispose?.();
  }
  return { logitFile: output === LOGIT_OUTPUT, values, secondViewFrom };
}

/**
 * The left-right mirror images of the faces `which` (ascending) of `pixels` (NCHW), one after another, in `out`:
 * `pixels` itself may be given, since face k's image only ever lands where face which[k] >= k was, already read.
 * @param {Float32Array} pixels
 * @param {number} size
 * @param {number[]} which
 * @param {Float32Array} [out]
 */
export function mirrorImages(pixels, size, which, out = new Float32Array(which.length * 3 * size * size)) {
  const plane = 3 * size * size;
  which.forEach((face, k) => {
    for (let row = 0; row < 3 * size; row++) {
      const from = face * plane + row * size;
      const to = k * plane + row * size;
      // Both ends of the row read before either is written, so that a row mirrors onto itself too.
      for (let x = 0; x < size - 1 - x; x++) {
        const left = /** @type {number} */ (pixels[from + x]);
        out[to + x] = /** @type {number} */ (pixels[from + size - 1 - x]);
        out[to + size - 1 - x] = left;
      }
      if (size % 2 === 1) out[to + (size >> 1)] = /** @type {number} */ (pixels[from + (size >> 1)]);
    }
  });
  return out.subarray(0, which.length * plane);
}

/**
 * Each face's score in 0..1 and how many views it took. A face's score depends on that face alone,
 * never on the rest of its batch.
 * @param {Session} session
 * @param {MakeTensor} makeTensor
 * @param {Float32Array} pixels  faces x 3 x size x size, RGB in 0..255
 * @param {number} size
 * @param {number} batch  faces per run of the session
 * @param {Float32Array} [mirrorInto]  where the faces' mirror images go (see mirrorImages; `pixels` itself, from a
 *   caller that has no further use for it, so that no second buffer is made); by default a new one
 * @returns {Promise<FaceScores>}
 */
export async function scoreFaces(session, makeTensor, pixels, size, batch, mirrorInto) {
  const first = await runFaces(session, makeTensor, pixels, size, batch);
  const views = new Uint8Array(first.values.length).fill(1);
  if (!first.logitFile) return { scores: first.values, views };
  const cut = first.secondViewFrom;
  const both = cut === null ? [] : [...first.values.keys()].filter((face) => /** @type {number} */ (first.values[face]) >= cut);
  const second = both.length ? (await runFaces(session, makeTensor, mirrorImages(pixels, size, both, mirrorInto), size, batch)).values : new Float32Array(0);
  const logits = Float32Array.from(first.values);
  both.forEach((face, k) => {
    logits[face] = (/** @type {number} */ (logits[face]) + /** @type {number} */ (second[k])) / 2;
    views[face] = 2;
  });
  return { scores: logits.map(sigmoid), views };
}
