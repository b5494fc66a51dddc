/**
 * Area under the ROC curve: the chance that a random fake outscores a random
 * real (Mann-Whitney U, ties counted half). NaN when a class is missing.
 * @param {number[]} labels 1 for fake, 0 for real
 * @param {number[]} scores higher means more likely fake
 * @returns {number}
 */
export function rocAuc(labels, scores) {
  const positives = labels.filter((label) => label === 1).length;
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  const order = scores.map((score, index) => ({ score, index })).sort((a, b) => a.score - b.score);
  let positiveRankSum = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end < order.length && order[end].score === order[start].score) end++;
    const averageRank = (start + 1 + end) / 2; // ranks are 1-based; ties share their mean rank
    for (let k = start; k < end; k++) if (labels[order[k].index] === 1) positiveRankSum += averageRank;
    start = end;
  }
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * 95% Wilson score interval of the rate hits / count (the model card's
 * `rate_interval`): it stays inside [0, 1] and is honest for few hits.
 * @param {number} hits
 * @param {number} count
 * @returns {[number, number]}
 */
export function rateInterval(hits, count, z = 1.959964) {
  if (count === 0) return [Number.NaN, Number.NaN];
  const rate = hits / count;
  const centre = (rate + (z * z) / (2 * count)) / (1 + (z * z) / count);
  const half = (z * Math.sqrt((rate * (1 - rate)) / count + (z * z) / (4 * count * count))) / (1 + (z * z) / count);
  // Exact bounds at the ends, where rounding would leave 1e-17 off 0 or 1.
  return [hits === 0 ? 0 : centre - half, hits === count ? 1 : centre + half];
}

/**
 * 95% bootstrap interval of the AUC, reals and fakes resampled apart so that
 * each resample keeps their counts (the model card's `auc_interval`); seeded,
 * so a rerun on the same scores gives the same interval.
 * @param {number[]} labels 1 for fake, 0 for real
 * @param {number[]} scores
 * @returns {[number, number]}
 */
export function aucInterval(labels, scores, { resamples = 1000, seed = 1 } = {}) {
  return percentiles95(stratifiedResamples(labels, resamples, seed).map((pick) => aucOf(pick, labels, scores)));
}

/**
 * How much `scores` rank fakes above reals better than `baseline` does on the
 * same files (the model card's paired comparisons, `sbi.compare`): the AUC
 * difference and its 95% bootstrap interval, both scored on each resample.
 * @param {number[]} labels 1 for fake, 0 for real
 * @param {number[]} baseline
 * @param {number[]} scores
 * @returns {{ difference: number, interval: [number, number] }}
 */
export function pairedAucDifference(labels, baseline, scores, { resamples = 1000, seed = 1 } = {}) {
  const differences = stratifiedResamples(labels, resamples, seed).map((pick) => aucOf(pick, labels, scores) - aucOf(pick, labels, baseline));
  return { difference: rocAuc(labels, scores) - rocAuc(labels, baseline), interval: percentiles95(differences) };
}

/**
 * The threshold on a file's calibrated scores that flags exactly the faces its
 * network would flag at 0.5 had it been calibrated with bias `bias` instead of
 * `shippedBias` (the same Platt scale): sigmoid(a·logit + bias) ≥ 0.5 holds
 * where a·logit ≥ −bias, that is where sigmoid(a·logit + shippedBias) ≥
 * sigmoid(shippedBias − bias). So a CSV of `npm run eval` answers what another
 * cap would have done, without running the browser again.
 * @param {number} shippedBias
 * @param {number} bias
 * @returns {number}
 */
export function thresholdForBias(shippedBias, bias) {
  return 1 / (1 + Math.exp(bias - shippedBias));
}

/** `resamples` lists of indices drawn with replacement, fakes and reals apart, each keeping their counts. */
function stratifiedResamples(labels, resamples, seed) {
  const positives = labels.flatMap((label, index) => (label === 1 ? [index] : []));
  const negatives = labels.flatMap((label, index) => (label === 1 ? [] : [index]));
  const random = mulberry32(seed);
  const draw = (indices) => indices.map(() => indices[Math.floor(random() * indices.length)]);
  return Array.from({ length: resamples }, () => [...draw(positives), ...draw(negatives)]);
}

function aucOf(pick, labels, scores) {
  return rocAuc(pick.map((index) => labels[index]), pick.map((index) => scores[index]));
}

function percentiles95(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))];
  return [at(0.025), at(0.975)];
}

/** A small seeded generator of uniform numbers in [0, 1) (Math.random cannot be seeded). */
function mulberry32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
