#!/usr/bin/env node
/**
 * node bench/eval-compare.mjs BASELINE.csv CANDIDATE.csv [--threshold 0.5]
 *
 * Two `npm run eval` runs over the same files (e.g. one build against
 * another): the candidate's AUC gain with its 95% paired bootstrap interval,
 * how far each file's score moved, and how many verdicts at the threshold
 * flipped. Files are matched by label and name, so the two runs may read
 * copies in different folders.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { parseEvalScores } from './csv.mjs';
import { pairedAucDifference, rocAuc } from './metrics.mjs';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { threshold: { type: 'string', default: '0.5' } } });
if (positionals.length !== 2) {
  console.error('usage: node bench/eval-compare.mjs BASELINE.csv CANDIDATE.csv [--threshold 0.5]');
  process.exit(2);
}
const threshold = Number(values.threshold);

/** label/name → score. */
function scores(path) {
  return new Map(parseEvalScores(readFileSync(path, 'utf8'), path).map(({ file, label, score }) => [`${label}/${basename(file)}`, score]));
}

const [baseline, candidate] = positionals.map(scores);
const keys = [...baseline.keys()].filter((key) => candidate.has(key));
const missing = baseline.size + candidate.size - 2 * keys.length;
if (keys.length === 0) {
  console.error('The two runs share no files.');
  process.exit(1);
}
const labels = keys.map((key) => (key.startsWith('fake/') ? 1 : 0));
const before = keys.map((key) => baseline.get(key));
const after = keys.map((key) => candidate.get(key));
const { difference, interval } = pairedAucDifference(labels, before, after);
const moves = keys.map((_, i) => Math.abs(after[i] - before[i])).sort((a, b) => a - b);
const quantile = (q) => moves[Math.min(moves.length - 1, Math.floor(q * moves.length))];
const flips = keys.filter((_, i) => before[i] >= threshold !== after[i] >= threshold).length;
const signed = (value) => `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(4)}`;

console.log(`${keys.length} files in both runs${missing ? ` (${missing} in only one, left out)` : ''}`);
console.log(`AUC ${rocAuc(labels, before).toFixed(4)} → ${rocAuc(labels, after).toFixed(4)}: ${signed(difference)} ` +
  `(95% paired interval ${signed(interval[0])} to ${signed(interval[1])})`);
console.log(`score moved: median ${quantile(0.5).toFixed(4)}, mean ${(moves.reduce((a, b) => a + b, 0) / moves.length).toFixed(4)}, ` +
  `90th percentile ${quantile(0.9).toFixed(4)}, most ${moves.at(-1).toFixed(4)}; verdicts at ${threshold} flipped: ${flips}`);
