import { describe, expect, it } from 'vitest';
import { samplePositions, videoSummary } from '../../src/score/video';

describe('samplePositions', () => {
  it('samples every interval from 0 while inside the video', () => {
    expect(samplePositions(3500, { interval: 1, maxFrames: 300 })).toEqual([0, 1000, 2000, 3000]);
    expect(samplePositions(3000, { interval: 1, maxFrames: 300 })).toEqual([0, 1000, 2000]);
    expect(samplePositions(1000, { interval: 0.25, maxFrames: 300 })).toEqual([0, 250, 500, 750]);
  });

  it('takes one frame from a video shorter than the interval', () => {
    expect(samplePositions(400, { interval: 1, maxFrames: 300 })).toEqual([0]);
  });

  it('spreads the capped frames over the whole video instead of its start', () => {
    const positions = samplePositions(600_000, { interval: 1, maxFrames: 300 });
    expect(positions).toHaveLength(300);
    expect(positions[1]).toBe(2000);
    expect(positions.at(-1)).toBe(598_000);
  });

  it('answers no positions for an empty video or a nonsensical interval', () => {
    expect(samplePositions(0)).toEqual([]);
    expect(samplePositions(Number.NaN)).toEqual([]);
    expect(samplePositions(5000, { interval: 0, maxFrames: 300 })).toEqual([]);
    expect(samplePositions(5000, { interval: -1, maxFrames: 300 })).toEqual([]);
  });
});

describe('videoSummary', () => {
  const frames = (...scores: number[]) => scores.map((deepfake) => ({ deepfake, faces: 1 }));

  it('is 0 when no frame has a face', () => {
    expect(videoSummary([])).toBe(0);
    expect(videoSummary([{ deepfake: 0, faces: 0 }, { deepfake: 0, faces: 0 }])).toBe(0);
  });

  it('ignores one spiking frame among many', () => {
    expect(videoSummary(frames(0.02, 0.03, 0.99, 0.01, 0.02, 0.04, 0.03, 0.02))).toBeLessThan(0.1);
  });

  it('stays high when a swap runs through a quarter of the face frames', () => {
    expect(videoSummary(frames(0.9, 0.92, 0.88, 0.95, 0.1, 0.1, 0.05, 0.1, 0.1, 0.05, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1))).toBeGreaterThan(0.85);
    expect(videoSummary(frames(0.9, 0.9, 0.9, 0.9, 0.9))).toBe(0.9);
  });

  it('leaves out frames without faces instead of diluting the score with them', () => {
    const withGaps = [...frames(0.8, 0.8, 0.8), ...Array.from({ length: 9 }, () => ({ deepfake: 0, faces: 0 }))];
    expect(videoSummary(withGaps)).toBe(0.8);
  });

  it('uses the highest score when only one or two frames have a face', () => {
    expect(videoSummary(frames(0.7))).toBe(0.7);
    expect(videoSummary(frames(0.2, 0.6))).toBe(0.6);
  });
});
