import { describe, expect, it } from 'vitest';
import { aucInterval, pairedAucDifference, rateInterval, rocAuc, thresholdForBias } from '../../bench/metrics.mjs';

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

describe('intervals (npm run eval)', () => {
  it('rateInterval is Wilson\'s 95% interval, the model card\'s too, with exact ends', () => {
    const [low, high] = rateInterval(4, 162);
    expect(low).toBeCloseTo(0.00964, 4);
    expect(high).toBeCloseTo(0.06176, 4);
    expect(rateInterval(0, 1118)[0]).toBe(0);
    expect(rateInterval(1118, 1118)[1]).toBe(1);
    expect(rateInterval(0, 0).every(Number.isNaN)).toBe(true);
  });

  it('aucInterval holds the AUC, narrows with more files and repeats for a seed', () => {
    // Scores that rank fakes above reals 70% of the time, made without randomness.
    const labels = Array.from({ length: 4000 }, (_, i) => i % 2);
    const scores = labels.map((label, i) => ((i * 7919) % 1000) / 1000 + 0.3 * label);
    const auc = rocAuc(labels, scores);
    const [low, high] = aucInterval(labels, scores, { resamples: 300 });
    const [smallLow, smallHigh] = aucInterval(labels.slice(0, 500), scores.slice(0, 500), { resamples: 300 });
    expect(low).toBeLessThan(auc);
    expect(high).toBeGreaterThan(auc);
    expect(high - low).toBeLessThan((smallHigh - smallLow) * 0.6); // about 1 / sqrt(8) as wide
    expect(aucInterval(labels, scores, { resamples: 300 })).toEqual([low, high]);
    expect(aucInterval([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9], { resamples: 20 })).toEqual([1, 1]);
  });

  it('pairedAucDifference scores both rankings on each resample, so a small gain shows where two intervals overlap', () => {
    const labels = Array.from({ length: 4000 }, (_, i) => i % 2);
    const baseline = labels.map((label, i) => ((i * 7919) % 1000) / 1000 + 0.3 * label);
    const better = baseline.map((score, i) => score + 0.02 * (i % 2)); // every fake a little higher
    const { difference, interval } = pairedAucDifference(labels, baseline, better, { resamples: 300 });
    expect(difference).toBeCloseTo(rocAuc(labels, better) - rocAuc(labels, baseline), 12);
    expect(difference).toBeGreaterThan(0);
    expect(interval[0]).toBeGreaterThan(0);
    expect(interval[0]).toBeLessThan(difference);
    expect(interval[1]).toBeGreaterThan(difference);
    // Unpaired, the two AUCs' own intervals overlap.
    expect(aucInterval(labels, better, { resamples: 300 })[0]).toBeLessThan(aucInterval(labels, baseline, { resamples: 300 })[1]);
    expect(pairedAucDifference(labels, baseline, baseline, { resamples: 50 })).toEqual({ difference: 0, interval: [0, 0] });
  });
});

describe('thresholdForBias (bench/operating-points.mjs)', () => {
  const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

  it('is 0.5 for the shipped bias itself', () => {
    expect(thresholdForBias(-2.13, -2.13)).toBe(0.5);
  });

  it('flags on the shipped scores exactly what the other bias flags at 0.5', () => {
    const scale = 2.54;
    const shipped = -2.13;
    for (const bias of [-1.36, -0.1, -3]) {
      const threshold = thresholdForBias(shipped, bias);
      // Logits on a grid that passes through the other bias' own boundary (scale·logit = −bias).
      for (let logit = -2; logit <= 2; logit += 0.01) {
        if (Math.abs(scale * logit + bias) < 1e-9) continue; // on the boundary, rounding decides
        expect(sigmoid(scale * logit + shipped) >= threshold).toBe(sigmoid(scale * logit + bias) >= 0.5);
      }
    }
  });

  it('is lower for a higher bias: a less cautious calibration flags more', () => {
    expect(thresholdForBias(-2.13, -1.36)).toBeLessThan(0.5);
    expect(thresholdForBias(-2.13, -3)).toBeGreaterThan(0.5);
  });
});
