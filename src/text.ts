/** Small text helpers shared by messages and emitters. */

/**
 * Edit distance counting a swap of two neighbouring letters as one edit (optimal string alignment),
 * for "did you mean" suggestions: `emial` is one edit from `email`.
 */
export function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}

/**
 * editDistance(a, b) when it is at most `max`, else max + 1: rows are cut short as soon as every
 * cell exceeds `max`, so a hopeless candidate costs a few characters, not the whole table.
 */
function distanceAtMost(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let least = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      row.push(d);
      if (d < least) least = d;
    }
    if (least > max) return max + 1;
    prev2 = prev;
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * Work left for hints against large candidate lists (a cluster's 64,000 namespaces): each such
 * hint costs up to one pass over the list, so past this many candidates compared in a run, names
 * are reported without a hint and validation stays linear however many names are unknown.
 */
const LARGE_LIST_BUDGET = 2_000_000;
let largeListBudget = LARGE_LIST_BUDGET;
const LARGE_LIST = 1000;

/** A new run (one validation of a folder) gets the whole budget again. */
export function resetSuggestBudget(): void {
  largeListBudget = LARGE_LIST_BUDGET;
}

/** The closest candidate when it is close enough to be a typo, else undefined. */
export function suggest(input: string, candidates: Iterable<string>): string | undefined {
  const list = Array.isArray(candidates) ? (candidates as string[]) : [...candidates];
  if (list.length > LARGE_LIST) {
    if (largeListBudget < list.length) return undefined;
    largeListBudget -= list.length;
  }
  let best: string | undefined;
  let bestDistance = Infinity;
  const lower = input.toLowerCase();
  for (const c of list) {
    // Only a distance within the typo threshold (a third of the longer name) can be suggested.
    const limit = Math.min(bestDistance - 1, Math.max(1, Math.floor(Math.max(input.length, c.length) / 3)));
    const d = distanceAtMost(lower, c.toLowerCase(), limit);
    if (d <= limit && d < bestDistance) {
      best = c;
      bestDistance = d;
      if (d === 0) break;
    }
  }
  return best;
}

export function didYouMean(input: string, candidates: Iterable<string>): string {
  const s = suggest(input, candidates);
  return s === undefined ? '' : ` (did you mean "${s}"?)`;
}

/** `a`, `a or b`, `a, b or c` with each item quoted. */
export function listOr(items: readonly string[], quote = true): string {
  const q = items.map((i) => (quote ? `"${i}"` : i));
  return q.length <= 1 ? (q[0] ?? '') : `${q.slice(0, -1).join(', ')} or ${q[q.length - 1]}`;
}

/** A value as shown in a message: strings quoted, long values cut. */
export function showValue(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Control characters, line and paragraph separators, the byte order mark and bidirectional overrides,
 * escaped: a message quoting the input stays one line and cannot drive the terminal.
 */
const UNPRINTABLE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\ufeff\u202a-\u202e\u2066-\u2069]/g;

export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

/**
 * Text from the input as inline Markdown for a GitHub comment, issue or report: one line (control
 * characters and line breaks escaped as printable does), Markdown and HTML punctuation backslashed (no
 * `<!--` that hides the rest of a comment, no links, code spans, emphasis or table cells broken), and
 * `@` followed by a zero-width space so that no one is mentioned (notified) by a name in a file, nor
 * a URL autolinked; zero-width characters of the input shown escaped (no look-alike names).
 */
export function markdownText(text: string): string {
  return (
    printable(text)
      .replace(/[\u200b-\u200f\u2060-\u2064]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
      .replace(/[\\`*[\]<>|~#&]/g, (c) => `\\${c}`)
      // An underscore between letters or digits never starts or ends emphasis: `AWSReservedSSO_Dev` stays as written.
      .replace(/(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu, '\\_')
      .replace(/(^|[^\w`])@/g, '$1@&#8203;')
      .replace(/\b(https?|ftp)(?=:\/\/)/gi, '$1&#8203;')
      .replace(/\bwww\./gi, 'www&#8203;.')
  );
}

/**
 * Text from the input as a Markdown code span, shown as written (on one line): control characters and
 * line breaks escaped (printable), a backtick fence one longer than the longest run of backticks inside,
 * padded with a space where the text starts or ends with a backtick. Text with backticks or HTML
 * characters is written escaped instead (markdownText), so that nothing an access file holds ever
 * reaches the comment as raw HTML, even should a renderer read a code span differently. `cell`: the
 * span goes into a table cell, where GitHub splits on `|` even inside code spans, so `|` is written
 * `\|` (text with both a backslash and a `|` is written escaped: `\\|` would still split the cell).
 */
export function codeSpan(text: string, options: { cell?: boolean } = {}): string {
  if (/[`<>&]/.test(text) || (options.cell && text.includes('|') && text.includes('\\'))) return markdownText(text);
  const t = options.cell ? printable(text).replace(/\|/g, '\\|') : printable(text);
  const longest = Math.max(0, ...(t.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = t.startsWith('`') || t.endsWith('`') || (t.startsWith(' ') && t.endsWith(' ') && t.trim() !== '') ? ' ' : '';
  return `${fence}${pad}${t}${pad}${fence}`;
}

/** A real calendar day written YYYY-MM-DD (not 2026-02-30). */
export function isCalendarDate(value: string): boolean {
  const ms = Date.parse(`${value}T00:00:00Z`);
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === value;
}
