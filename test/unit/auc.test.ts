import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain JavaScript module of the benchmark scripts, typed by its JSDoc
import { rocAuc } from '../../bench/metrics.mjs';

describe('rocAuc (npm run eval)', () => {
  it('is 1 for a perfect ranking, 0 for a reversed one, 0.5 for all ties', () => {
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])).toBe(1);
    expect(rocAuc([1, 1, 0, 0], [0.1, 0.2, 0.8, 0.9])).toBe(0);
    expect(rocAuc([0, 1, 0, 1], [0, 0, 0, 0])).toBe(0.5);
  });

  it('counts each real-fake pair, ties half', () => {
    // pairs (fake, real): (0.5, 0.1) win, (0.5, 0.5) tie, (0.3, 0.1) win, (0.3, 0.5) loss → 2.5 / 4
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.5, 0.5, 0.3])).toBe(0.625);
  });

  it('is NaN without both classes', () => {
    expect(rocAuc([1, 1], [0.2, 0.3])).toBeNaN();
  });
});
