/**
 * The CSV that `npm run eval` writes and `bench/eval-compare.mjs` and
 * `bench/operating-points.mjs` read (RFC 4180: a field holding a comma, quote
 * or line break is quoted, its quotes doubled), in one place so that writer
 * and readers cannot drift apart.
 */

/** @param {unknown} value */
function field(value) {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * @param {string[]} header
 * @param {unknown[][]} rows
 * @returns {string}
 */
export function toCsv(header, rows) {
  return [header, ...rows].map((row) => row.map(field).join(',')).join('\n') + '\n';
}

/**
 * Records of CSV text, each a list of fields; a quoted field may hold
 * commas, doubled quotes and line breaks.
 * @param {string} text
 * @returns {string[][]}
 */
export function parseCsv(text) {
  const records = [];
  let record = [];
  let value = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        value += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        value += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      record.push(value);
      value = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      record.push(value);
      records.push(record);
      record = [];
      value = '';
    } else {
      value += c;
    }
  }
  if (value !== '' || record.length > 0) records.push([...record, value]);
  return records;
}

/**
 * The per-file scores of a CSV that `npm run eval` wrote (files it could not
 * check are there with score 0, as a user would see them).
 * @param {string} text
 * @param {string} path named in the error when the text is not such a CSV
 * @returns {{ file: string, label: string, score: number }[]}
 */
export function parseEvalScores(text, path) {
  const [header, ...records] = parseCsv(text);
  if (header?.slice(0, 3).join(',') !== 'file,label,score') throw new Error(`${path} is not a CSV of npm run eval`);
  return records.map(([file, label, score]) => ({ file, label, score: Number(score) }));
}
