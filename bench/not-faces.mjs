#!/usr/bin/env node
/**
 * Boxes judged on pictures without a face: every picture of scikit-image's
 * sample data (Debian's python3-skimage) in which no person appears (cells,
 * coins, a clock, a cat, galaxies, text, textures…), each checked in the
 * built app in headless Chromium. A face judged there is the detector's
 * error, and its score enters the picture's. Reports, per picture, the boxes
 * judged with their score, and how many pictures and boxes there were.
 *
 *   vite build && node bench/not-faces.mjs     # writes bench/results/not-faces-<date>.md
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkFile, openApp, readiness } from '../test/e2e/app.mjs';
import { buildCommit } from './build-commit.mjs';

const SAMPLE_DATA = '/usr/lib/python3/dist-packages/skimage/data';
/** The sample pictures without a person (astronaut.png and camera.png have one; the others are arrays or tables). */
const PICTURES = [
  'block.png', 'brick.png', 'bw_text.png', 'cell.png', 'chelsea.png', 'chessboard_RGB.png', 'clock_motion.png',
  'coffee.png', 'coins.png', 'color.png', 'grass.png', 'gravel.png', 'green_palette.png', 'horse.png',
  'hubble_deep_field.jpg', 'ihc.png', 'logo.png', 'microaneurysms.png', 'moon.png', 'motorcycle_left.png',
  'motorcycle_right.png', 'page.png', 'palette_color.png', 'phantom.png', 'retina.jpg', 'rocket.jpg', 'text.png',
];

if (!existsSync(SAMPLE_DATA)) {
  console.error(`${SAMPLE_DATA} is missing: apt-get install python3-skimage`);
  process.exit(2);
}
const app = await openApp();
const rows = [];
try {
  await readiness(app.page);
  for (const name of PICTURES) {
    rows.push({ name, response: await checkFile(app.page, readFileSync(join(SAMPLE_DATA, name)), name) });
  }
} finally {
  await app.close();
}

const judged = (row) => row.response.faces ?? [];
const cell = (face) => `x ${face.x1.toFixed(2)}–${face.x2.toFixed(2)}, y ${face.y1.toFixed(2)}–${face.y2.toFixed(2)}: ${face.deepfake.toFixed(3)}`;
const lines = [
  `# Boxes judged on pictures without a face, ${new Date().toISOString()}`,
  '',
  `Build of commit ${buildCommit()}. ${PICTURES.length} pictures of ${SAMPLE_DATA}, none with a person in it.`,
  `Faces judged on ${rows.filter((row) => judged(row).length > 0).length} of them, ${rows.reduce((sum, row) => sum + judged(row).length, 0)} in all.`,
  '',
  '| picture | status | picture score | faces judged (box as shares of the picture: score) |',
  '|---|---|---|---|',
  ...rows.map(
    (row) =>
      `| ${row.name} | ${row.response.status} | ${row.response.type?.deepfake?.toFixed(3) ?? '–'} | ${judged(row).map(cell).join('; ') || 'none'} |`,
  ),
];
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
mkdirSync('bench/results', { recursive: true });
writeFileSync(`bench/results/not-faces-${stamp}.md`, lines.join('\n') + '\n');
console.log(lines.join('\n'));
