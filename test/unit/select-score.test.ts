import { describe, expect, it } from 'vitest';
import { MAX_SHARE_OUTSIDE, eyePastSide, selectFaces, shareOutside } from '../../src/faces/select';
import type { DetectedFace } from '../../src/faces/types';
import { faceResults, imageScore, roundScore } from '../../src/score/aggregate';

const face = (x: number, size: number, score = 0.9): DetectedFace => ({ x, y: 10, width: size, height: size, score, keypoints: [] });

describe('face selection', () => {
  it('keeps the most prominent faces first, at most maxFaces', () => {
    const picked = selectFaces([face(0, 50), face(100, 200), face(300, 120), face(500, 90)], 1000, 1000, { maxFaces: 3, minFaceSize: 20 });
    expect(picked.map((f) => f.width)).toEqual([200, 120, 90]);
  });

  it('weighs area by confidence and drops faces below the minimum size', () => {
    const picked = selectFaces([face(0, 100, 0.55), face(200, 90, 0.99), face(400, 12)], 1000, 1000, { maxFaces: 5, minFaceSize: 20 });
    expect(picked.map((f) => f.width)).toEqual([90, 100]);
  });

  it('measures how much of a box lies past the edges, on the worse axis', () => {
    expect(shareOutside({ ...face(100, 100), y: -40 }, 1000, 500)).toBeCloseTo(0.4);
    expect(shareOutside({ ...face(-10, 100), y: 450 }, 1000, 500)).toBeCloseTo(0.5);
    expect(shareOutside({ ...face(-20, 400), y: -20, height: 1000 }, 300, 900)).toBeCloseTo(0.25);
    expect(shareOutside(face(100, 100), 1000, 500)).toBe(0);
  });

  it('ignores a face more than MAX_SHARE_OUTSIDE past the edge, and keeps one just within it', () => {
    const side = 120;
    const within = { ...face(500, side), y: -Math.floor(MAX_SHARE_OUTSIDE * side) };
    const beyond = { ...face(100, side, 0.99), y: -Math.ceil(MAX_SHARE_OUTSIDE * side + 1) };
    expect(selectFaces([within, beyond], 1000, 500)).toEqual([within]);
  });

  it('ignores a face with an eye past the left or right edge, whatever its box says, but not past the top', () => {
    // Eyes a third of the box in from its sides, as BlazeFace places them; then nose, mouth and ears.
    const points: Array<[number, number]> = [
      [30, 30],
      [60, 30],
      [45, 50],
      [45, 70],
      [5, 40],
      [85, 40],
    ];
    const withEyes = (x: number, y: number): DetectedFace => ({
      ...face(x, 90),
      y,
      keypoints: points.map(([dx, dy]) => ({ x: x + dx, y: y + dy })),
    });
    const movedEye = (f: DetectedFace, eye: number, x: number): DetectedFace => ({
      ...f,
      keypoints: f.keypoints.map((p, i) => (i === eye ? { ...p, x } : p)),
    });
    const leftShort = withEyes(-29, 100); // its box 32% past the left edge, its right eye at x 1: judged
    const leftEyeOut = movedEye(leftShort, 0, -1); // the same box, the eye just past the edge
    const rightShort = withEyes(935, 100); // its box 28% past the right edge, its left eye at x 995: judged
    const rightEyeOut = movedEye(rightShort, 1, 1000); // the eye on the first column past the edge
    const topCut = withEyes(300, -29); // its box 32% past the top, its eyes at y 1: judged
    const eyesAboveTop = { ...topCut, keypoints: topCut.keypoints.map((p) => ({ ...p, y: p.y - 6 })) }; // eyes at y -5
    expect([leftShort, leftEyeOut, rightShort, rightEyeOut, eyesAboveTop].map((f) => eyePastSide(f, 1000))).toEqual([
      false,
      true,
      false,
      true,
      false,
    ]);
    const faces = [leftShort, leftEyeOut, rightShort, rightEyeOut, eyesAboveTop];
    expect(selectFaces(faces, 1000, 500, { maxFaces: 9, minFaceSize: 20 })).toEqual([leftShort, rightShort, eyesAboveTop]);
  });
});

describe('scoring', () => {
  it('is the maximum over faces, and 0 without faces', () => {
    const box = { x: 0, y: 0, width: 10, height: 10 };
    expect(imageScore([])).toBe(0);
    expect(imageScore([{ box, deepfake: 0.2, uncertain: [] }, { box, deepfake: 0.91234, uncertain: [] }])).toBe(0.912);
  });

  it('clamps and rounds scores to [0, 1] with 3 decimals', () => {
    expect([roundScore(-0.1), roundScore(1.7), roundScore(0.12345)]).toEqual([0, 1, 0.123]);
  });

  it('gives boxes as fractions of the image size, clamped, with uncertainty only when present', () => {
    const results = faceResults(
      [
        { box: { x: 100, y: 50, width: 200, height: 100 }, deepfake: 0.5, uncertain: [] },
        { box: { x: -10, y: 150, width: 50, height: 80 }, deepfake: 0.25, uncertain: ['small'] },
      ],
      400,
      200,
    );
    expect(results).toEqual([
      { x1: 0.25, y1: 0.25, x2: 0.75, y2: 0.75, deepfake: 0.5 },
      { x1: 0, y1: 0.75, x2: 0.1, y2: 1, deepfake: 0.25, uncertain: ['small'] },
    ]);
  });
});
