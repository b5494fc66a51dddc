#!/usr/bin/env node
/**
 * How small a face the built app still finds in a large photo: the
 * astronaut portrait, scaled to a given side, pasted at five places on a
 * grey 6000x4000 JPEG, each checked in headless Chromium. A detection counts
 * as the face when its box overlaps where the portrait's face lies by an IoU
 * of at least 0.5 (where that is, relative to the portrait, comes from a
 * check of the portrait alone); any other box is reported as another
 * detection, with its width. The same images for any build, so that two
 * builds' tables compare cell by cell.
 *
 * It bounds what decoding a photo at more pixels can give: a crop is never
 * smaller than the smallest face found (src/decode/limits.ts).
 *
 *   vite build && node bench/smallest-face.mjs     # writes bench/results/smallest-face-<date>.md
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { boxOverlap, openApp, readiness } from '../test/e2e/app.mjs';
import { buildCommit } from './build-commit.mjs';

const WIDTH = 6000;
const HEIGHT = 4000;
/** The portrait's sides tried, in pixels of the 6000 px photo. */
const PORTRAIT_SIDES = [3200, 2900, 2600, 2400, 2200, 2000, 1850, 1700, 1550, 1400];
/** Where the portrait's top left corner goes, as fractions of the room left around it. */
const PLACES = [
  [0.05, 0.05],
  [0.3, 0.3],
  [0.5, 0.6],
  [0.8, 0.1],
  [0.95, 0.9],
];

const portrait = readFileSync('test/fixtures/astronaut.jpg');
const commit = buildCommit();

const app = await openApp();
try {
  await readiness(app.page);
  const { face, rows: outcomes } = await app.page.evaluate(
    async ({ base64, width, height, sides, places }) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const alone = await window.deepfakeDetector.check({ media: new File([bytes], 'astronaut.jpg') });
      const face = alone.faces[0]; // in fractions of the portrait's sides
      const bitmap = await createImageBitmap(new Blob([bytes]));
      const rows = [];
      for (const side of sides) {
        for (const [fx, fy] of places) {
          const left = Math.round(fx * (width - side));
          const top = Math.round(fy * (height - side));
          const canvas = new OffscreenCanvas(width, height);
          const context = canvas.getContext('2d');
          context.fillStyle = '#808080';
          context.fillRect(0, 0, width, height);
          context.drawImage(bitmap, left, top, side, side);
          const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.92 });
          const response = await window.deepfakeDetector.check({ media: new File([blob], 'composite.jpg') });
          const expected = {
            x1: (left + face.x1 * side) / width,
            y1: (top + face.y1 * side) / height,
            x2: (left + face.x2 * side) / width,
            y2: (top + face.y2 * side) / height,
          };
          rows.push({ side, place: [fx, fy], expected, status: response.status, found: response.faces ?? [] });
        }
      }
      return { face, rows };
    },
    { base64: portrait.toString('base64'), width: WIDTH, height: HEIGHT, sides: PORTRAIT_SIDES, places: PLACES },
  );

  /** The face's width in the photo, in pixels, where the portrait's side is `side`. */
  const faceWidth = (side) => Math.round((face.x2 - face.x1) * side);
  const cells = (side) =>
    outcomes
      .filter((row) => row.side === side)
      .map((row) => {
        if (row.status !== 'success') return row.status;
        const match = row.found.find((found) => boxOverlap(found, row.expected) >= 0.5);
        if (match) return `face, ${Math.round((match.x2 - match.x1) * WIDTH)} px, ${match.deepfake.toFixed(2)}`;
        if (row.found.length === 0) return 'none';
        return row.found.map((found) => `other box, ${Math.round((found.x2 - found.x1) * WIDTH)} px, ${found.deepfake.toFixed(2)}`).join('; ');
      });
  const foundAt = (side) => cells(side).filter((cell) => cell.startsWith('face')).length;
  const smallestEverywhere = PORTRAIT_SIDES.filter((side) => foundAt(side) === PLACES.length).map(faceWidth).at(-1);
  const smallestAnywhere = PORTRAIT_SIDES.filter((side) => foundAt(side) > 0).map(faceWidth).at(-1);
  const otherBoxes = PORTRAIT_SIDES.flatMap(cells).filter((cell) => cell.includes('other box')).length;
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const lines = [
    `# The smallest face found, ${new Date().toISOString()}`,
    '',
    `The astronaut portrait pasted on a grey ${WIDTH}x${HEIGHT} JPEG at the given side, at ${PLACES.length} places (top left at ${PLACES.map(([x, y]) => `${x}/${y}`).join(', ')} of the room around it); its face's box, from a check of the portrait alone, is ${(100 * (face.x2 - face.x1)).toFixed(1)}% of its side. Each cell: the face found (its box's width and score), another box, or none. Build of commit ${commit}.`,
    '',
    `| portrait side (px) | face width (px of ${WIDTH}) | ${PLACES.map((_, i) => `place ${i + 1}`).join(' | ')} |`,
    `|---|---|${PLACES.map(() => '---').join('|')}|`,
    ...PORTRAIT_SIDES.map((side) => `| ${side} | ${faceWidth(side)} (1/${(WIDTH / faceWidth(side)).toFixed(1)}) | ${cells(side).join(' | ')} |`),
    '',
    `Found at every place down to a face ${smallestEverywhere ?? '-'} px wide (1/${smallestEverywhere ? (WIDTH / smallestEverywhere).toFixed(1) : '-'} of the long side); at some place down to ${smallestAnywhere ?? '-'} px. Boxes other than the face: ${otherBoxes}.`,
  ];
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(`bench/results/smallest-face-${stamp}.md`, lines.join('\n') + '\n');
  console.log(lines.join('\n'));
} finally {
  await app.close();
}
