import { describe, expect, it } from 'vitest';
import { LOGIT_OUTPUT, SECOND_VIEW_OUTPUT, mirrorImages, scoreFaces } from '../../src/classify/score-faces.js';

const size = 4;
const plane = 3 * size * size;
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

interface Feed {
  data: Float32Array;
  dims: number[];
}

/**
 * A stand-in for a one-view classifier file: a face's calibrated logit is its top-left red pixel's
 * value minus 100, tenths; the mirror image's is then the top-right one's. It records every batch it ran.
 */
function oneViewFile(secondViewFrom: number | null) {
  const batches: Feed[] = [];
  const session = {
    inputNames: ['pixels'],
    outputNames: secondViewFrom === null ? [LOGIT_OUTPUT] : [LOGIT_OUTPUT, SECOND_VIEW_OUTPUT],
    async run(feeds: Record<string, Feed>) {
      const { data, dims } = feeds.pixels!;
      batches.push({ data: Float32Array.from(data), dims });
      const logits = Float32Array.from({ length: dims[0]! }, (_, face) => (data[face * plane]! - 100) / 10);
      const outputs: Record<string, { data: Float32Array; dispose(): void }> = { [LOGIT_OUTPUT]: { data: logits, dispose() {} } };
      if (secondViewFrom !== null) outputs[SECOND_VIEW_OUTPUT] = { data: Float32Array.of(secondViewFrom), dispose() {} };
      return outputs;
    },
  };
  return { session, batches };
}

const makeTensor = (data: Float32Array, dims: number[]): Feed => ({ data, dims });

/** Faces whose top-left red pixel is `left` and top-right one `right`, the rest of the face 0. */
function faces(...corners: [left: number, right: number][]): Float32Array {
  const pixels = new Float32Array(corners.length * plane);
  corners.forEach(([left, right], face) => {
    pixels[face * plane] = left;
    pixels[face * plane + size - 1] = right;
  });
  return pixels;
}

describe('scoreFaces: the one runner of classifier files (page, score_onnx.mjs, bench)', () => {
  it('averages the logits of the face and its mirror image from the cut up, keeps the first view under it', async () => {
    const { session, batches } = oneViewFile(-1); // the cut: a top-left pixel of 90
    const { scores, views } = await scoreFaces(session, makeTensor, faces([80, 200], [90, 130], [150, 20]), size, 1);
    expect(Array.from(views)).toEqual([1, 2, 2]);
    expect(scores[0]).toBeCloseTo(sigmoid(-2), 6); // its mirror image (10) would have scored it far higher
    expect(scores[1]).toBeCloseTo(sigmoid((-1 + 3) / 2), 6);
    expect(scores[2]).toBeCloseTo(sigmoid((5 - 8) / 2), 6);
    // Three first views, then the two mirror images, one face per run as asked.
    expect(batches.map((batch) => batch.dims)).toEqual(Array(5).fill([1, 3, size, size]));
  });

  it('gives a face the same score whatever shares its batch', async () => {
    const pixels = faces([80, 200], [90, 130], [150, 20], [60, 250]);
    const alone = [];
    for (let face = 0; face < 4; face++) {
      alone.push(...(await scoreFaces(oneViewFile(-1).session, makeTensor, pixels.slice(face * plane, (face + 1) * plane), size, 1)).scores);
    }
    const { session, batches } = oneViewFile(-1);
    const together = await scoreFaces(session, makeTensor, pixels, size, 3);
    expect(Array.from(together.scores)).toEqual(alone.map(Math.fround));
    // The first views in batches of 3 and 1, then one batch of both mirror images.
    expect(batches.map((batch) => batch.dims[0])).toEqual([3, 1, 2]);
  });

  it('runs no mirror image when no face reaches the cut, nor for a file without one', async () => {
    for (const cut of [100, null]) {
      const { session, batches } = oneViewFile(cut);
      const { scores, views } = await scoreFaces(session, makeTensor, faces([180, 0], [90, 0]), size, 1);
      expect(batches).toHaveLength(2);
      expect(Array.from(views)).toEqual([1, 1]);
      expect(scores[0]).toBeCloseTo(sigmoid(8), 6);
    }
  });

  it("takes a probability file's first output as it is", async () => {
    const session = {
      inputNames: ['pixels'],
      outputNames: ['deepfake'],
      run: async (feeds: Record<string, Feed>) => ({ deepfake: { data: feeds.pixels!.data.slice(0, 1).map((v) => v / 1000), dispose() {} } }),
    };
    const { scores, views } = await scoreFaces(session, makeTensor, faces([250, 0]), size, 1);
    expect(scores[0]).toBeCloseTo(0.25, 6);
    expect(Array.from(views)).toEqual([1]);
  });

  it('mirrors each image left to right in every channel, not upside down', () => {
    // One face whose pixel value is its position (channel, row, column) as 100c + 10y + x.
    const pixels = Float32Array.from({ length: plane }, (_, i) => {
      const [channel, row, column] = [Math.floor(i / (size * size)), Math.floor(i / size) % size, i % size];
      return 100 * channel + 10 * row + column;
    });
    const twoFaces = new Float32Array(2 * plane);
    twoFaces.set(pixels, plane);
    const mirrored = mirrorImages(twoFaces, size, [1]);
    expect(mirrored).toHaveLength(plane);
    expect(Array.from(mirrored.subarray(0, size))).toEqual([3, 2, 1, 0]);
    expect(Array.from(mirrored.subarray(2 * size * size + size, 2 * size * size + 2 * size))).toEqual([213, 212, 211, 210]);
  });

  it('mirrors over its own input as it does into a new buffer, for odd and even sizes', () => {
    for (const side of [3, 4]) {
      const pixels = Float32Array.from({ length: 4 * 3 * side * side }, (_, i) => i);
      for (const which of [[0, 2], [1, 3], [0, 1, 2, 3], [3]]) {
        const apart = mirrorImages(pixels, side, which);
        const over = pixels.slice();
        expect(Array.from(mirrorImages(over, side, which, over)), `${side} px, faces ${which}`).toEqual(Array.from(apart));
      }
    }
  });

  it('scores the same with the mirror images written over its input', async () => {
    const pixels = faces([80, 200], [90, 130], [150, 20], [95, 60]);
    const apart = await scoreFaces(oneViewFile(-1).session, makeTensor, pixels.slice(), size, 1);
    const over = pixels.slice();
    const { scores, views } = await scoreFaces(oneViewFile(-1).session, makeTensor, over, size, 1, over);
    expect(Array.from(views)).toEqual([1, 2, 2, 2]);
    expect(Array.from(scores)).toEqual(Array.from(apart.scores));
  });
});
