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
