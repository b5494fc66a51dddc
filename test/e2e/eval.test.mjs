/** `npm run eval` on folders a user brings: mixed images and videos, a broken file, per-file CSV and a summary. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const fixtures = new URL('../fixtures/', import.meta.url).pathname;

describe('npm run eval', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deepfake-eval-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('scores every file of both folders through the browser pipeline and reports the metrics', () => {
    const folders = { real: ['astronaut.jpg', 'no-face.png', 'face.webm'], fake: ['astronaut-sbi.jpg', 'truncated.mp4'] };
    for (const [label, names] of Object.entries(folders)) {
      mkdirSync(join(dir, label));
      for (const name of names) copyFileSync(join(fixtures, name), join(dir, label, name));
    }
    const out = join(dir, 'result');
    const printed = execFileSync('node', ['bench/eval.mjs', '--real', join(dir, 'real'), '--fake', join(dir, 'fake'), '--out', out], { encoding: 'utf8' });
    assert.match(printed, /3 real, 2 fake/);
    assert.match(printed, /AUC \d\.\d{3}/);

    const [header, ...lines] = readFileSync(`${out}.csv`, 'utf8').trim().split('\n');
    assert.equal(header, 'file,label,score,faces,uncertain,status,error');
    const columns = header.split(',');
    const rows = lines.map((line) => Object.fromEntries(line.split(',').map((value, i) => [columns[i], value])));
    const byName = Object.fromEntries(rows.map((row) => [row.file.split('/').pop(), row]));
    assert.deepEqual(Object.keys(byName).sort(), [...folders.real, ...folders.fake].sort());
    assert.deepEqual(byName['no-face.png'], { ...byName['no-face.png'], label: 'real', score: '0', faces: '0', uncertain: '', status: 'success' });
    assert.deepEqual([byName['face.webm'].faces, byName['face.webm'].status], ['1', 'success']);
    assert.deepEqual(byName['truncated.mp4'], { ...byName['truncated.mp4'], label: 'fake', score: '0', faces: '0', uncertain: '', status: 'failure' });

    const summary = JSON.parse(readFileSync(`${out}.json`, 'utf8'));
    assert.deepEqual(summary.count, { real: 3, fake: 2 });
    assert.deepEqual(summary.noFace, { real: 1, fake: 1 });
    // The summary counts the files whose CSV row names each reason.
    for (const label of ['real', 'fake']) {
      const counted = {};
      for (const row of rows.filter((r) => r.label === label && r.uncertain !== '')) {
        for (const reason of row.uncertain.split('+')) counted[reason] = (counted[reason] ?? 0) + 1;
      }
      assert.deepEqual(summary.uncertain[label], counted);
    }
    assert.equal(summary.failures.length, 1);
    assert.ok(summary.auc >= 0 && summary.auc <= 1);
  });
});
