#!/usr/bin/env node
/**
 * node bench/operating-points.mjs EVAL.csv [--bias=[NAME=]B ...]   (the = lets B start with a minus)
 *
 * What the shipped network would flag and miss at 0.5 under other biases b
 * (models/deepfake.json's `calibration`): its own, the uncapped Platt bias,
 * and each `--bias` given, named or not (e.g. `--bias=clean=-1.3633`: the b
 * each false-positive cap asks for, which `sbi.export` prints). Read from a
 * CSV of `npm run eval` made with the shipped file, so no check runs again.
 * The app's scores carry three decimals, so a face within 0.0005 of a
 * threshold may fall either side.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseEvalScores } from './csv.mjs';
import { rateInterval, thresholdForBias } from './metrics.mjs';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { bias: { type: 'string', multiple: true, default: [] } } });
if (positionals.length !== 1) {
  console.error('usage: node bench/operating-points.mjs EVAL.csv [--bias=[NAME=]B ...]');
  process.exit(2);
}
const [csvPath] = positionals;
const manifest = JSON.parse(readFileSync('models/deepfake.json', 'utf8'));
const summaryPath = csvPath.replace(/\.csv$/, '.json');
const evaluated = JSON.parse(readFileSync(summaryPath, 'utf8')).model;
if (evaluated !== manifest.version) {
  console.error(`${csvPath} scored model ${evaluated}, not the shipped ${manifest.version}: its scores carry another calibration`);
  process.exit(1);
}
const rows = parseEvalScores(readFileSync(csvPath, 'utf8'), csvPath);
const reals = rows.filter((row) => row.label === 'real');
const fakes = rows.filter((row) => row.label === 'fake');

const { bias: shippedBias, platt_bias: plattBias } = manifest.calibration;
const biases = [
  { name: 'shipped', bias: shippedBias },
  { name: 'Platt, no cap', bias: plattBias },
  ...values.bias.map((value) => {
    const [name, bias] = value.includes('=') ? value.split('=', 2) : ['given', value];
    return { name, bias: Number(bias) };
  }),
];
for (const { name, bias } of biases) {
  if (!Number.isFinite(bias)) throw new Error(`--bias of ${name}: not a number`);
}
const pct = (value) => `${(100 * value).toFixed(1)}%`;
const rate = (hits, count) => {
  const [low, high] = rateInterval(hits, count);
  return `${pct(hits / count)} (${pct(low)}–${pct(high)})`;
};
console.log(`${reals.length} real, ${fakes.length} fake, model ${manifest.version}`);
console.log('| b | threshold on the shipped scores | reals flagged (95%) | fakes missed (95%) |');
console.log('|---|---|---|---|');
for (const { name, bias } of biases) {
  const threshold = thresholdForBias(shippedBias, bias);
  const flagged = reals.filter((row) => row.score >= threshold).length;
  const missed = fakes.filter((row) => row.score < threshold).length;
  console.log(`| ${bias.toFixed(4)} (${name}) | ${threshold.toFixed(4)} | ${rate(flagged, reals.length)} | ${rate(missed, fakes.length)} |`);
}
