/**
 * Text of the access files (written by whoever opens a pull request) in the Markdown reports and on the
 * terminal: explain (Markdown and text), review --format markdown, ACCESS.md and the import report
 * never let a value hide the rest of a comment (`<!--`), start a heading or an HTML block, leave a live
 * link or mention, close a code span early, or drive the terminal (ESC, BEL, bidi overrides).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { codeSpan, markdownText } from '../../src/text.js';
import { BASE_FILES, HEADER, run, scratch } from '../helpers/run.js';

const FILE = 'access/employees/j`| <!--[a](http:%2F%2Fe) @u #?.yaml';

const HOSTILE: Record<string, string> = {
  ...BASE_FILES,
  'access/employees/alice.yaml': `${HEADER}kind: Employee
name: alice
email: alice@example.com
team: "x\\n<!-- hidden \\u202e @here"
identity:
  iamUser: alice
access:
  - cluster: prod
    namespaces: [my-namespace]
    reason: "r\\n# Heading\\n<!--\\n@here [x](javascript:alert(1)) \\u001b]8;;http://e.vil\\u0007 x"
    rules:
      - apiGroups: [""]
        resources: [secrets]
        resourceNames: ["a|b<!--c\`d@e", "[l](http://e.vil)"]
        verbs: [get]
`,
  [FILE]: `${HEADER}kind: Employee
name: judy
email: judy@example.com
identity:
  iamUser: judy
access:
  - cluster: prod
    level: read-only
`,
};

/**
 * The text of a Markdown line outside its code spans (CommonMark: a run of n backticks up to the next
 * run of exactly n), with each backslash-escaped character replaced by `□`, so that what is left is
 * what a renderer reads as syntax. `spans`: the contents of the code spans.
 */
function parseLine(line: string): { outside: string; spans: string[] } {
  let outside = '';
  const spans: string[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === '\\' && i + 1 < line.length && /[!-/:-@[-`{-~]/.test(line[i + 1]!)) {
      outside += '□';
      i += 2;
      continue;
    }
    if (c === '`') {
      let n = 0;
      while (line[i + n] === '`') n++;
      let j = i + n;
      let close = -1;
      while (j < line.length) {
        if (line[j] === '`') {
          let m = 0;
          while (line[j + m] === '`') m++;
          if (m === n) {
            close = j;
            break;
          }
          j += m;
        } else j++;
      }
      if (close === -1) {
        outside += '`'.repeat(n);
        i += n;
      } else {
        spans.push(line.slice(i + n, close));
        outside += '▯';
        i = close + n;
      }
      continue;
    }
    outside += c;
    i++;
  }
  return { outside, spans };
}

/** Nothing of the input is live Markdown, HTML or a terminal control in `md`. */
function assertDefused(md: string, what: string): void {
  assert.not.match(md, /[\u001b\u0007\u202e]/, `${what}: raw ESC, BEL or U+202E`);
  for (const line of md.split('\n')) {
    assert.not.match(line, /^\s*</, `${what}: a line starts with <: ${line}`);
    assert.not.match(line, /^\s*#+ ?Heading/, `${what}: a heading from the input: ${line}`);
    assert.not.match(line, /^\s*@here/, `${what}: a line starts with a mention: ${line}`);
    const { outside } = parseLine(line);
    assert.not.match(outside, /<!--/, `${what}: raw <!-- in ${line}`);
    assert.not.match(outside, /<[a-z!/]/i, `${what}: raw HTML in ${line}`);
    assert.not.match(outside, /\]\(/, `${what}: a live link in ${line}`);
    assert.not.match(outside, /(^|[^\w`])@(here|u\b|e\b)/, `${what}: a live mention in ${line}`);
    assert.not.match(outside, /\bhttps?:\/\//, `${what}: a live URL in ${line}`);
  }
}

test('explain --format markdown escapes every value of the access files', async () => {
  const s = scratch(HOSTILE);
  try {
    const alice = await run(['explain', 'alice', '--format', 'markdown'], s.dir);
    assert.is(alice.code, 0, alice.stderr);
    assertDefused(alice.stdout, 'explain alice');
    assert.match(alice.stdout, '\\<!-- hidden');
    assert.match(alice.stdout, '# Heading');
    assert.match(alice.stdout, '\\u001b\\]8;;');
    const judy = await run(['explain', 'judy', '--format', 'markdown'], s.dir);
    assert.is(judy.code, 0, judy.stderr);
    assertDefused(judy.stdout, 'explain judy');
    // The grant's source, a code span or escaped text, is closed before "): no expiry".
    const grant = judy.stdout.split('\n').find((l) => l.startsWith('- level read-only'))!;
    assert.ok(grant, judy.stdout);
    assert.match(parseLine(grant).outside, /\): no expiry$/, grant);
  } finally {
    s.cleanup();
  }
});

test('explain (text) shows control characters and line breaks of the input escaped', async () => {
  const s = scratch(HOSTILE);
  try {
    const r = await run(['explain', 'alice'], s.dir);
    assert.is(r.code, 0, r.stderr);
    assert.not.match(r.stdout, /[\u001b\u0007\u202e]/);
    assert.not.match(r.stdout, /^(<!--|# Heading|@here)/m);
    assert.match(r.stdout, 'team x\\n<!-- hidden \\u202e @here');
    assert.match(r.stdout, '\\u001b]8;;http://e.vil\\u0007 x');
  } finally {
    s.cleanup();
  }
});

test('review --format markdown: a file name with a backtick and a pipe stays in its cell and its code span', async () => {
  const s = scratch(HOSTILE);
  try {
    const r = await run(['review', '--today', '2026-01-05', '--format', 'markdown'], s.dir);
    assertDefused(r.stdout, 'review');
    const row = r.stdout.split('\n').find((l) => l.startsWith('| judy |'));
    assert.ok(row, r.stdout);
    // Seven cell borders: no | of the file name splits the row (GitHub splits on | even in code spans).
    assert.is(row!.replace(/\\./g, '').split('|').length - 1, 7, row);
    const { outside } = parseLine(row!);
    assert.is(outside.split('|').length - 1, 7, row);
    // The last cell (what to do) is text, not inside a code span opened by the file name.
    assert.match(outside, /\| [^|▯]*[a-z]{3}[^|▯]* \|$/, row);
  } finally {
    s.cleanup();
  }
});

test('ACCESS.md (generate) escapes every value of the access files, | kept escaped in the table', async () => {
  const s = scratch(HOSTILE);
  try {
    const g = await run(['generate'], s.dir);
    assert.is(g.code, 0, g.stdout + g.stderr);
    const md = readFileSync(join(s.dir, 'generated', 'ACCESS.md'), 'utf8');
    assertDefused(md, 'ACCESS.md');
    const row = md.split('\n').find((l) => l.startsWith('| alice |') && l.includes('rules:'));
    assert.ok(row, md);
    assert.is(row!.replace(/\\./g, '').split('|').length - 1, 8, row);
    assert.match(row!, 'a\\|b\\<!--c\\`d@e');
  } finally {
    s.cleanup();
  }
});

test('the import report escapes the values of the aws-auth ConfigMap', async () => {
  const s = scratch({
    'in/aws-auth.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: aws-auth
  namespace: kube-system
data:
  mapRoles: |
    - rolearn: arn:aws:iam::111122223333:role/prod-nodes
      username: system:node:{{EC2PrivateDNSName}}
      groups: [system:bootstrappers, system:nodes]
  mapUsers: |
    - userarn: "x\\n<!-- hidden @here [l](http://e.vil) \\u001b]2;t\\u0007 \\u202e"
      username: mallory
      groups: [system:masters]
`,
  });
  try {
    const r = await run(['import', '--aws-auth', 'in/aws-auth.yaml', '--cluster', 'prod', '--region', 'eu-west-1', '--out-dir', 'out'], s.dir);
    const md = readFileSync(join(s.dir, 'out', 'IMPORT-REPORT.md'), 'utf8');
    assert.match(md, 'hidden', r.stdout + r.stderr);
    assertDefused(md, 'IMPORT-REPORT.md');
  } finally {
    s.cleanup();
  }
});

test('codeSpan: as written for ordinary text, | escaped in a table cell, never a span a backtick closes early', () => {
  assert.is(codeSpan('access/employees/alice.yaml:7'), '`access/employees/alice.yaml:7`');
  assert.is(codeSpan('a|b'), '`a|b`');
  assert.is(codeSpan('a|b', { cell: true }), '`a\\|b`');
  // A backslash before the pipe would still split the cell: the text is escaped instead.
  assert.is(codeSpan('a\\|b', { cell: true }), markdownText('a\\|b'));
  assert.is(codeSpan('x\n<!--'), markdownText('x\n<!--'));
  for (const text of ['j`| <!--[a](http:%2F%2Fe) @u #?.yaml', '`', '``a`', 'a`', '\u001b[2J`x']) {
    for (const cell of [false, true]) {
      const { outside } = parseLine(`${codeSpan(text, { cell })} after`);
      assert.ok(outside.endsWith(' after'), `${text}: ${codeSpan(text, { cell })}`);
      assertDefused(codeSpan(text, { cell }), text);
      if (cell) assert.not.match(codeSpan(text, { cell }).replace(/\\./g, ''), /\|/);
    }
  }
  // An underscore inside a word needs no escape (no emphasis starts there); elsewhere it is escaped.
  assert.is(markdownText('AWSReservedSSO_Dev_01'), 'AWSReservedSSO_Dev_01');
  assert.is(markdownText('_x_ a_ _b'), '\\_x\\_ a\\_ \\_b');
});

test.run();
