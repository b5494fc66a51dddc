import { describe, expect, it } from 'vitest';
import { parseCsv, parseEvalScores, toCsv } from '../../bench/csv.mjs';

describe('CSV of npm run eval', () => {
  it('reads back what it writes, commas, quotes and line breaks inside fields included', () => {
    const rows = [
      ['/data/real/a.jpg', 'real', 0.214, 1, 'success', ''],
      ['/data/fake/b, "c".jpg', 'fake', 0.9, 0, 'failure', 'Could not decode:\nline two\r\nline three'],
    ];
    const text = toCsv(['file', 'label', 'score', 'faces', 'status', 'error'], rows);
    expect(parseCsv(text)).toEqual([
      ['file', 'label', 'score', 'faces', 'status', 'error'],
      ...rows.map((row) => row.map(String)),
    ]);
  });

  it('quotes only the fields that need it', () => {
    expect(toCsv(['a', 'b'], [['x y', 'p,q'], ['say "hi"', '']])).toBe('a,b\nx y,"p,q"\n"say ""hi""",\n');
  });

  it('keeps a last record without a line break and empty fields', () => {
    expect(parseCsv('a,,c\r\n1,2,')).toEqual([['a', '', 'c'], ['1', '2', '']]);
  });
});

describe('parseEvalScores (bench/eval-compare.mjs, bench/operating-points.mjs)', () => {
  it('reads each file, label and score of an npm run eval CSV, quoted names too', () => {
    const text = toCsv(['file', 'label', 'score', 'faces', 'status', 'error'], [['a,1.jpg', 'real', 0.074, 1, 'success', ''], ['b.jpg', 'fake', 0, 0, 'failure', 'x']]);
    expect(parseEvalScores(text, 'e.csv')).toEqual([{ file: 'a,1.jpg', label: 'real', score: 0.074 }, { file: 'b.jpg', label: 'fake', score: 0 }]);
  });

  it('refuses another CSV, naming its path', () => {
    expect(() => parseEvalScores('name,score\na,1\n', 'other.csv')).toThrow('other.csv is not a CSV of npm run eval');
  });
});
