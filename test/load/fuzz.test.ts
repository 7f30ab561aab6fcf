/**
 * A bounded mutation fuzzer over the example access folder: each run copies a few files of
 * `access/`, breaks them at random (YAML punctuation, anchors, tags, huge strings, control
 * characters, deleted or duplicated lines, shuffled indentation, tabs), runs `lint` and `generate`,
 * and checks that bad input is reported, never crashed on: exit code 0 or 1, no stack trace or
 * internal error, and every error line pointing at `file:line:column`.
 *
 * Deterministic: run i uses seed FUZZ_SEED + i, printed in every failure message together with the
 * mutations it made. FUZZ_RUNS (default 60) and FUZZ_CHILD_RUNS (default 5) run more.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT, run } from '../helpers/run.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
const CHILD_RUNS = Number(process.env.FUZZ_CHILD_RUNS ?? 5);
const SEED = Number(process.env.FUZZ_SEED ?? 20261128);
const TODAY = '2026-11-28';

/** mulberry32: small, fast and good enough to pick mutations. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Random {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = prng(seed);
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)]!;
  }
}

const PUNCTUATION = [':', '-', '[', ']', '{', '}', ',', '#', '&', '*', '!', '|', '>', "'", '"', '%', ': ', '- ', '? ', '---\n', '...\n'];
const ANCHORS = ['&a ', '*a', '*undefined', '&a [x]', '<<: *a', '*a\n', '&x &y ', '&a\n'];
const TAGS = ['!!binary ', '!foo ', '!!map ', '!!seq ', '!!str ', '!!int ', '!!null ', '!<tag:yaml.org,2002:set> ', '!!timestamp ', '!!float '];
const CONTROL = ['\u0000', '\u0007', '\u001b', '\u001b[31m', '\u2028', '\u2029', '\ufeff', '\r', '\u0085', '\ud800', '\ufffe'];

/** Values of every YAML type, and a few that look like paths or special numbers. */
const VALUES = [
  'null',
  '~',
  '',
  '[]',
  '{}',
  '0',
  '-1',
  '1e999',
  '.nan',
  '0x1F',
  'true',
  '"x"',
  "''",
  '[[]]',
  '{a: b}',
  '[a, {b: c}]',
  '2020-01-01',
  '2020-02-30',
  '"../../etc"',
  '/etc/passwd',
  '!!binary aGVsbG8=',
  '*a',
  '"\\u0000"',
  '"a\\nb"',
  '|\n  block\n',
  'x'.repeat(300),
];
const KEYS = ['__proto__', 'constructor', 'prototype', '<<', '? [a]', '""', 'toString', 'hasOwnProperty', '0', 'null', '[a, b]', '{a: b}'];

interface Mutation {
  name: string;
  apply: (text: string, r: Random) => string;
}

const lines = (t: string) => t.split('\n');
const insertAt = (t: string, r: Random, s: string) => {
  const i = r.int(t.length + 1);
  return t.slice(0, i) + s + t.slice(i);
};
/** Inserts right after a `key: ` (a value position), or anywhere when there is none. */
const insertAsValue = (t: string, r: Random, s: string) => {
  const spots = [...t.matchAll(/: /g)].map((m) => m.index! + 2);
  if (spots.length === 0) return insertAt(t, r, s);
  const i = r.pick(spots);
  return t.slice(0, i) + s + t.slice(i);
};
const indentOf = (l: string) => /^[ \t]*/.exec(l)![0];

const MUTATIONS: Mutation[] = [
  { name: 'punctuation', apply: (t, r) => insertAt(t, r, r.pick(PUNCTUATION)) },
  { name: 'punctuation as value', apply: (t, r) => insertAsValue(t, r, r.pick(PUNCTUATION)) },
  { name: 'anchor/alias', apply: (t, r) => insertAsValue(t, r, r.pick(ANCHORS)) },
  { name: 'anchor/alias anywhere', apply: (t, r) => insertAt(t, r, r.pick(ANCHORS)) },
  { name: 'tag', apply: (t, r) => insertAsValue(t, r, r.pick(TAGS)) },
  { name: 'huge value', apply: (t, r) => insertAsValue(t, r, r.pick(['x', '"x', 'é', '{', '[']).repeat(100_000)) },
  { name: 'huge block string', apply: (t, r) => insertAsValue(t, r, `|\n${`  ${'y'.repeat(80)}\n`.repeat(1300)}`) },
  { name: 'many keys', apply: (t, r) => insertAt(t, r, `\n${Array.from({ length: 300 }, (_, i) => `k${i}: v`).join('\n')}\n`) },
  { name: 'control character', apply: (t, r) => insertAt(t, r, r.pick(CONTROL)) },
  { name: 'control character as value', apply: (t, r) => insertAsValue(t, r, r.pick(CONTROL)) },
  {
    name: 'delete line',
    apply: (t, r) => {
      const l = lines(t);
      l.splice(r.int(l.length), 1);
      return l.join('\n');
    },
  },
  {
    name: 'duplicate line',
    apply: (t, r) => {
      const l = lines(t);
      const i = r.int(l.length);
      l.splice(i, 0, l[i]!);
      return l.join('\n');
    },
  },
  {
    name: 'move line',
    apply: (t, r) => {
      const l = lines(t);
      const [moved] = l.splice(r.int(l.length), 1);
      l.splice(r.int(l.length + 1), 0, moved!);
      return l.join('\n');
    },
  },
  {
    name: 'swap indentation',
    apply: (t, r) => {
      const l = lines(t);
      const i = r.int(l.length);
      const j = r.int(l.length);
      const a = indentOf(l[i]!);
      const b = indentOf(l[j]!);
      l[i] = b + l[i]!.slice(a.length);
      l[j] = a + l[j]!.slice(b.length);
      return l.join('\n');
    },
  },
  {
    name: 'shift indentation',
    apply: (t, r) => {
      const l = lines(t);
      const i = r.int(l.length);
      l[i] = r.next() < 0.5 ? ` ${l[i]}` : l[i]!.replace(/^ /, '');
      return l.join('\n');
    },
  },
  {
    name: 'tab',
    apply: (t, r) => {
      const l = lines(t);
      const i = r.int(l.length);
      l[i] = r.next() < 0.5 ? l[i]!.replace(/^ +/, '\t') : insertAt(l[i]!, r, '\t');
      return l.join('\n');
    },
  },
  {
    name: 'replace value',
    apply: (t, r) => {
      const l = lines(t);
      const spots = l.flatMap((x, i) => (/: \S/.test(x) || /^\s*- \S/.test(x) ? [i] : []));
      if (spots.length === 0) return t;
      const i = r.pick(spots);
      l[i] = l[i]!.replace(/(: |^(\s*)- ).*$/, (_m, sep: string) => sep + r.pick(VALUES));
      return l.join('\n');
    },
  },
  {
    name: 'replace key',
    apply: (t, r) => {
      const l = lines(t);
      const spots = l.flatMap((x, i) => (/^\s*(- )?[\w-]+:/.test(x) ? [i] : []));
      if (spots.length === 0) return t;
      const i = r.pick(spots);
      l[i] = l[i]!.replace(/^(\s*(?:- )?)[\w-]+:/, (_m, lead: string) => `${lead}${r.pick(KEYS)}:`);
      return l.join('\n');
    },
  },
  {
    name: 'copy a block from another place',
    apply: (t, r) => {
      const l = lines(t);
      const from = r.int(l.length);
      const block = l.slice(from, from + 1 + r.int(6));
      l.splice(r.int(l.length + 1), 0, ...block);
      return l.join('\n');
    },
  },
  { name: 'truncate', apply: (t, r) => t.slice(0, r.int(t.length)) },
  { name: 'empty', apply: () => '' },
  { name: 'deep nesting', apply: (t, r) => insertAsValue(t, r, '['.repeat(200 + r.int(5000))) },
  { name: 'windows line ends', apply: (t) => t.replace(/\n/g, '\r\n') },
  { name: 'repeat document', apply: (t) => `${t}\n---\n${t}` },
];

const EXAMPLE = join(ROOT, 'access');
const FILES = readdirSync(EXAMPLE, { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile())
  .map((e) => relative(EXAMPLE, join(e.parentPath, e.name)).split('\\').join('/'))
  .sort();

/** Mutates 1 to 3 files of the access folder copied to `dir`; returns what it did, for failure messages. */
function mutate(dir: string, seed: number): string[] {
  const r = new Random(seed);
  const done: string[] = [];
  const count = 1 + r.int(3);
  for (let k = 0; k < count; k++) {
    const file = r.pick(FILES);
    const path = join(dir, 'access', file);
    let text = readFileSync(path, 'utf8');
    const n = 1 + r.int(4);
    for (let m = 0; m < n; m++) {
      const mutation = r.pick(MUTATIONS);
      text = mutation.apply(text, r);
      done.push(`${file}: ${mutation.name}`);
    }
    writeFileSync(path, text);
  }
  return done;
}

/** Puts back the example files (only those a mutation changed would do; all are few and small). */
function restore(dir: string): void {
  rmSync(join(dir, 'access'), { recursive: true, force: true });
  cpSync(EXAMPLE, join(dir, 'access'), { recursive: true });
}

const LOCATED = /^access\/\S+\.ya?ml:\d+:\d+ {2}(error|warning|info)/;
/** Lines that are not diagnostics: counts, the outcome of generate. */
const OTHER = [
  /^\d+ error\(s\), \d+ warning\(s\)/,
  /^access\/\S+\.ya?ml:\d+:\d+ {2}\S/,
  /^ {2}(error|warning|info)\b.*\([a-z0-9-]+\)$/,
  /^ {2}(error|warning|info) {2}\[(critical|high|medium|low)\] also \(\d+\): [a-z0-9-]+(, [a-z0-9-]+)*$/,
  /^nothing written to out/,
  /^out: (up to date \(\d+ files\)|\d+ files, \d+ added, \d+ changed, \d+ removed)$/,
];

const PROTOTYPE_KEYS = Object.getOwnPropertyNames(Object.prototype).length;

/** Everything wrong with one command's outcome, or an empty list. */
function problemsOf(what: string, r: { code: number | null; signal?: string | null; stdout: string; stderr: string }): string[] {
  const problems: string[] = [];
  if (r.code !== 0 && r.code !== 1) problems.push(`${what}: exit code ${r.code}${r.signal ? ` (signal ${r.signal})` : ''}`);
  const all = `${r.stdout}\n${r.stderr}`;
  if (/^\s+at /m.test(all)) problems.push(`${what}: stack trace`);
  for (const word of ['TypeError', 'RangeError', 'ReferenceError', 'SyntaxError:', 'internal error', 'Maximum call stack']) {
    if (all.includes(word)) problems.push(`${what}: output mentions ${word}`);
  }
  const raw = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff\u202a-\u202e\u2066-\u2069]/.exec(all);
  if (raw)
    problems.push(
      `${what}: the output has a raw control character U+${raw[0].charCodeAt(0).toString(16).padStart(4, '0')} (a message must stay one line and not drive the terminal)`,
    );
  if (Object.getOwnPropertyNames(Object.prototype).length !== PROTOTYPE_KEYS) problems.push(`${what}: Object.prototype was changed`);
  for (const line of all.split('\n')) {
    if (line === '' || LOCATED.test(line) || OTHER.some((o) => o.test(line))) continue;
    problems.push(`${what}: a line that is neither a located diagnostic nor a summary: ${JSON.stringify(line.slice(0, 300))}`);
  }
  return problems;
}

function failure(seed: number, done: string[], problems: string[], r?: { stdout: string; stderr: string }): string {
  const output = r ? `\n--- stderr (start) ---\n${r.stderr.slice(0, 3000)}\n--- stdout (start) ---\n${r.stdout.slice(0, 1000)}` : '';
  return `fuzz seed ${seed} (rerun: FUZZ_SEED=${seed} FUZZ_RUNS=1): mutations [${done.join('; ')}]\n${problems.join('\n')}${output}`;
}

test(`in process: ${RUNS} mutated access folders, lint and generate report problems without crashing`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eks-access-fuzz-'));
  try {
    for (let i = 0; i < RUNS; i++) {
      const seed = SEED + i;
      restore(dir);
      rmSync(join(dir, 'out'), { recursive: true, force: true });
      const done = mutate(dir, seed);
      for (const argv of [
        ['lint', '--today', TODAY],
        ['generate', '--out', 'out', '--today', TODAY],
      ]) {
        let r;
        try {
          r = await run(argv, dir);
        } catch (e) {
          assert.unreachable(failure(seed, done, [`${argv[0]} threw: ${e instanceof Error ? e.stack : String(e)}`]));
          return;
        }
        const problems = problemsOf(argv[0]!, r);
        if (argv[0] === 'generate' && r.code === 1) {
          if (existsSync(join(dir, 'out'))) problems.push('generate exited 1 but wrote out/');
        }
        if (problems.length > 0) assert.unreachable(failure(seed, done, problems, r));
      }
      assert.equal(
        readdirSync(dir).filter((n) => n !== 'access' && n !== 'out'),
        [],
        failure(seed, done, ['leftover files next to out/']),
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const BIN = join(ROOT, 'dist', 'src', 'bin.js');

function spawnCli(argv: string[], cwd: string): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...argv], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, EKS_ACCESS_DEBUG: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', fail);
    child.on('close', (code, signal) => done({ code, signal, stdout, stderr }));
  });
}

test(`out of process: ${CHILD_RUNS} mutated access folders, no signal and exit code 0 or 1`, async () => {
  const runs = Array.from({ length: CHILD_RUNS }, (_, i) => {
    const seed = SEED + 1_000_000 + i;
    const dir = mkdtempSync(join(tmpdir(), 'eks-access-fuzz-child-'));
    restore(dir);
    return { seed, dir, done: mutate(dir, seed) };
  });
  try {
    // In parallel, each child a Node.js of its own: lint, generate, lint, ...
    const argvOf = (i: number) => (i % 2 === 0 ? ['lint', '--today', TODAY] : ['generate', '--out', 'out', '--today', TODAY]);
    const results = await Promise.all(runs.map((c, i) => spawnCli(argvOf(i), c.dir)));
    results.forEach((r, i) => {
      const problems = problemsOf(argvOf(i)[0]!, r);
      if (problems.length > 0) assert.unreachable(failure(runs[i]!.seed, runs[i]!.done, problems, r));
    });
  } finally {
    for (const c of runs) rmSync(c.dir, { recursive: true, force: true });
  }
});

test('the fuzzer mutates: a seed changes files, and the same seed changes them the same way', () => {
  const a = mkdtempSync(join(tmpdir(), 'eks-access-fuzz-'));
  const b = mkdtempSync(join(tmpdir(), 'eks-access-fuzz-'));
  try {
    restore(a);
    restore(b);
    const da = mutate(a, SEED);
    const db = mutate(b, SEED);
    assert.equal(da, db);
    const text = (d: string) => FILES.map((f) => readFileSync(join(d, 'access', f), 'utf8')).join('\0');
    assert.is(text(a), text(b));
    assert.is.not(text(a), text(join(ROOT)));
  } finally {
    rmSync(a, { recursive: true, force: true });
    rmSync(b, { recursive: true, force: true });
  }
});

test.run();
