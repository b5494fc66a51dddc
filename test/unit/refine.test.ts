import { describe, expect, it } from 'vitest';
import { afterSecondLook, confirmingFace, REFINE_BELOW, refineWindow, REFINE_WINDOW, seenSide } from '../../src/faces/refine';

const face = (x: number, y: number, size: number, score = 0.9) => ({ x, y, width: size, height: size, score, keypoints: [] });

describe('the second look at every box', () => {
  it('measures a box in pixels of BlazeFace\'s 128 px input, whatever size the pass showed it', () => {
    expect(seenSide({ width: 64, height: 60 }, 256, 171)).toBe(32);
    expect(seenSide({ width: 47, height: 47 }, 512, 512)).toBeCloseTo(11.75);
  });

  it('looks at a window REFINE_WINDOW times the box, centred on it', () => {
    expect(refineWindow({ x: 400, y: 300, width: 50, height: 40 })).toEqual({
      x: 425 - (REFINE_WINDOW * 50) / 2,
      y: 320 - (REFINE_WINDOW * 50) / 2,
      width: REFINE_WINDOW * 50,
      height: REFINE_WINDOW * 50,
    });
  });

  it('keeps a window that crosses an edge centred on the box, past the edge, where the detector paints grey', () => {
    expect(refineWindow({ x: 5, y: 660, width: 20, height: 20 })).toEqual({ x: -15, y: 640, width: 60, height: 60 });
    expect(refineWindow({ x: 100, y: -40, width: 90, height: 90 })).toEqual({ x: 10, y: -130, width: 270, height: 270 });
  });

  it('takes the most confident face whose centre lies inside the first box, and none when no face does', () => {
    const first = face(100, 100, 100);
    const inside = face(120, 110, 50, 0.8);
    const moreConfidentInside = face(130, 120, 60, 0.95);
    const outside = face(300, 100, 50, 0.99);
    expect(confirmingFace(first, [inside, outside, moreConfidentInside])).toBe(moreConfidentInside);
    expect(confirmingFace(first, [outside])).toBeNull();
    expect(confirmingFace(first, [])).toBeNull();
  });

  it('puts the confirming box in place of a box seen small, keeps a box seen larger as it is, and drops either unconfirmed', () => {
    const seen = (x: number, y: number, size: number, side: number, score = 0.9) => ({ ...face(x, y, size, score), seenSide: side });
    const small = seen(100, 100, 100, REFINE_BELOW - 1);
    const large = seen(100, 100, 100, REFINE_BELOW);
    const confirming = seen(110, 105, 80, 40);
    const elsewhere = seen(400, 400, 80, 40);
    expect(afterSecondLook(small, [confirming, elsewhere])).toBe(confirming);
    expect(afterSecondLook(large, [confirming, elsewhere])).toBe(large);
    expect(afterSecondLook(small, [elsewhere])).toBeNull();
    expect(afterSecondLook(large, [elsewhere])).toBeNull();
    expect(afterSecondLook(large, [])).toBeNull();
  });
});
