#!/usr/bin/env node
/**
 * How a face cut by the picture's edge scores: the astronaut portrait, real
 * and self-blended (test/fixtures/astronaut-sbi.jpg, a pseudo-fake), with a
 * growing share of her face's box cut away at the top, the left or the right
 * (the rows or columns beyond the cut removed from the picture), each checked
 * in the built app in headless Chromium, as a face walking out of a video
 * frame is. Reports the score and flags of the box judged on her face, and
 * the picture's score where a box elsewhere (on her suit, say) sets it.
 *
 *   vite build && node bench/cut-face.mjs     # writes bench/results/cut-face-<date>.md
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { openApp, readiness } from '../test/e2e/app.mjs';
import { buildCommit } from './build-commit.mjs';

/** Shares of the face box's height (top) or width (left, right) cut away. */
const SHARES = [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5];
const EDGES = ['top', 'left', 'right'];

const PORTRAITS = ['astronaut.jpg', 'astronaut-sbi.jpg'];

const app = await openApp();
const lines = [`# A face cut by the picture's edge, ${new Date().toISOString()}`, '', `Build of commit ${buildCommit()}.`];
try {
  await readiness(app.page);
  for (const name of PORTRAITS) lines.push('', ...(await table(name)));
} finally {
  await app.close();
}
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
mkdirSync('bench/results', { recursive: true });
writeFileSync(`bench/results/cut-face-${stamp}.md`, lines.join('\n') + '\n');
console.log(lines.join('\n'));

/** The markdown table of one portrait's checks. */
async function table(name) {
  const portrait = readFileSync(`test/fixtures/${name}`);
  const { face, rows } = await app.page.evaluate(
    async ({ base64, shares, edges }) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const bitmap = await createImageBitmap(new Blob([bytes]));
      const { width, height } = bitmap;
      const face = (await window.deepfakeDetector.check({ media: new File([bytes], 'portrait.jpg') })).faces[0];
      const box = { left: face.x1 * width, top: face.y1 * height, right: face.x2 * width, bottom: face.y2 * height };
      const rows = [];
      for (const edge of edges) {
        for (const share of shares) {
          // The part of the picture kept: everything on the far side of the cut line.
          const cut =
            edge === 'top'
              ? { x: 0, y: Math.round(box.top + share * (box.bottom - box.top)), right: width, bottom: height }
              : edge === 'left'
                ? { x: Math.round(box.left + share * (box.right - box.left)), y: 0, right: width, bottom: height }
                : { x: 0, y: 0, right: Math.round(box.right - share * (box.right - box.left)), bottom: height };
          const canvas = new OffscreenCanvas(cut.right - cut.x, cut.bottom - cut.y);
          canvas.getContext('2d').drawImage(bitmap, -cut.x, -cut.y);
          const response = await window.deepfakeDetector.check({ media: new File([await canvas.convertToBlob({ type: 'image/png' })], 'cut.png') });
          const cutWidth = cut.right - cut.x;
          const cutHeight = cut.bottom - cut.y;
          // A judged box is on her face when most of it, mapped back into the whole portrait, lies within her face's box.
          const onFace = (found) => {
            const left = Math.max(box.left, cut.x + found.x1 * cutWidth);
            const right = Math.min(box.right, cut.x + found.x2 * cutWidth);
            const top = Math.max(box.top, cut.y + found.y1 * cutHeight);
            const bottom = Math.min(box.bottom, cut.y + found.y2 * cutHeight);
            const area = (found.x2 - found.x1) * cutWidth * (found.y2 - found.y1) * cutHeight;
            return Math.max(0, right - left) * Math.max(0, bottom - top) >= area / 2;
          };
          const faces = response.faces ?? [];
          const onHerFace = faces.filter(onFace);
          rows.push({
            edge,
            share,
            status: response.status,
            face: onHerFace[0],
            score: response.type?.deepfake,
            elsewhere: onHerFace.length < faces.length,
          });
        }
      }
      return { face, rows };
    },
    { base64: portrait.toString('base64'), shares: SHARES, edges: EDGES },
  );
  const cell = (row) => {
    if (row.status !== 'success') return row.status;
    const own = row.face ? `${row.face.deepfake.toFixed(3)}${row.face.uncertain ? ` (${row.face.uncertain.join(', ')})` : ''}` : 'no face';
    return row.elsewhere && row.score !== row.face?.deepfake ? `${own}; picture ${row.score.toFixed(3)} from a box elsewhere` : own;
  };
  return [
    `## ${name}`,
    '',
    `512x512; the face's box x ${face.x1}–${face.x2}, y ${face.y1}–${face.y2}, score ${face.deepfake} whole. Each cell: the score of the box judged on her face (most of it within her face's box) with the given share of that box cut away at each edge, with its uncertainty flags, or "no face" where none is judged there; and the picture's score where a judged box elsewhere sets it.`,
    '',
    `| share of the box cut away | ${EDGES.join(' | ')} |`,
    `|---|${EDGES.map(() => '---').join('|')}|`,
    ...SHARES.map((share) => `| ${share} | ${EDGES.map((edge) => cell(rows.find((row) => row.edge === edge && row.share === share))).join(' | ')} |`),
  ];
}
