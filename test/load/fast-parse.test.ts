/**
 * The loader reads most files with a fast parser and builds the positioned syntax tree only when a
 * message needs a line. That is only sound if the two agree: whenever the fast parser accepts a
 * file, the positioned parse must accept it too, give the same data, and every place in it must be
 * located at the same line and column either way. Checked on the example, the fixtures, and
 * seeded mutations of them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fg from 'fast-glob';
import { positionOf } from '../../src/diagnostics.js';
import { locate, parseYamlFile, parseYamlText, type LoadedDocument, type PathSegment } from '../../src/load/load.js';
import { ROOT } from '../helpers/run.js';

const sources = fg
  .sync(['access/**/*.yaml', 'test/fixtures/**/*.yaml', 'src/templates/**/*.yaml'], { cwd: ROOT })
  .sort()
  .map((f) => ({ file: f, text: readFileSync(join(ROOT, f), 'utf8') }));

function* paths(value: unknown, prefix: PathSegment[] = []): Generator<PathSegment[]> {
  yield prefix;
  if (Array.isArray(value)) for (let i = 0; i < value.length; i++) yield* paths(value[i], [...prefix, i]);
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) yield* paths(v, [...prefix, k]);
}

/** Returns whether the fast path was taken; asserts it agrees with the positioned parse. */
function agree(text: string, label: string): boolean {
  const fast = parseYamlFile(text, 'f.yaml');
  if (!fast.value.some((d) => d.fast)) return false;
  const slow = parseYamlText(text, 'f.yaml');
  assert.equal(slow.diagnostics, [], `${label}: the fast parser accepted a file the positioned parse reports on\n${text}`);
  assert.is(fast.value.length, slow.value.length, `${label}: document count`);
  fast.value.forEach((d: LoadedDocument, i) => {
    const s = slow.value[i]!;
    assert.equal(d.data, s.data, `${label}: document ${i} data\n${text}`);
    for (const p of paths(d.data)) {
      for (const key of [false, true]) {
        // A fast document's places are plain data, their positions worked out by positionOf.
        const a = locate(d, p, key);
        assert.equal([a.line, a.column], [0, 0], `${label}: ${p.join('.')}: a fast document's place is not worked out before it is asked for`);
        const pa = positionOf(a);
        const pb = positionOf(locate(s, p, key));
        assert.equal([pa.line, pa.column], [pb.line, pb.column], `${label}: ${p.join('.')}${key ? ' (key)' : ''}\n${text}`);
        // Where js-yaml's events give the place, it must be yaml's place too.
        const own = d.position?.(p, key);
        if (own) assert.equal([own.line, own.column], [pb.line, pb.column], `${label}: ${p.join('.')}${key ? ' (key)' : ''} from parse events\n${text}`);
      }
    }
  });
  return true;
}

test('the fast parser reads the example and the fixtures as the positioned parse does', () => {
  let fast = 0;
  for (const s of sources) if (agree(s.text, s.file)) fast++;
  // Most files take the fast path; the rest (with `*` wildcards, anchors, tags) must still agree above.
  assert.ok(fast > sources.length / 2, `${fast} of ${sources.length} files took the fast path`);
});

/** A small seeded generator, so a failure names a seed that reproduces it. */
function prng(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => (state = (state * 1103515245 + 12345) >>> 0) / 2 ** 32;
}

const INSERTS = [
  ':',
  ' ',
  '-',
  '- ',
  '[',
  ']',
  '{',
  '}',
  ',',
  '#',
  '"',
  "'",
  '|',
  '>',
  '?',
  '\n',
  '\n  ',
  '  ',
  '0x1',
  '+.5',
  '0o7',
  '1_000',
  '.inf',
  'yes',
  '~',
  'null',
  'true',
  '---\n',
  '...\n',
  '\\',
  '\u00e9',
  '\u2028',
  '\r',
  '\r\n',
  ': x',
  'a: 1\n',
  '"\\u0041"',
  "'it''s'",
  '>-\n  folded\n',
  '|+\n  kept\n\n',
  '0b1',
  '1e3',
  '2024-01-01',
  '@',
  '`',
  '%',
  '=',
  '<',
  '[a, b]: ',
  '{a: b}: ',
  '0: ',
  'null: ',
  '"": ',
  'constructor: ',
];

function mutate(text: string, random: () => number): string {
  const lines = text.split('\n');
  const n = 1 + Math.floor(random() * 3);
  for (let k = 0; k < n; k++) {
    const i = Math.floor(random() * lines.length);
    const roll = random();
    if (roll < 0.15) lines.splice(i, 1);
    else if (roll < 0.3) lines.splice(i, 0, lines[i] ?? '');
    else if (roll < 0.4) lines[i] = ' ' + (lines[i] ?? '');
    else if (roll < 0.5) lines[i] = (lines[i] ?? '').replace(/^ /, '');
    else {
      const line = lines[i] ?? '';
      const at = Math.floor(random() * (line.length + 1));
      lines[i] = line.slice(0, at) + INSERTS[Math.floor(random() * INSERTS.length)] + line.slice(at);
    }
  }
  return lines.join('\n');
}

test('on mutated files, whatever the fast parser accepts the positioned parse reads the same way', () => {
  const runs = Number(process.env.FAST_PARSE_RUNS ?? 1500);
  const random = prng(Number(process.env.FAST_PARSE_SEED ?? 7));
  let fast = 0;
  for (let r = 0; r < runs; r++) {
    const s = sources[Math.floor(random() * sources.length)]!;
    const text = mutate(s.text, random);
    if (agree(text, `run ${r} on ${s.file}`)) fast++;
  }
  // Both outcomes must be exercised, or the comparison proves nothing.
  assert.ok(fast > runs / 10 && fast < runs, `${fast} of ${runs} mutated files took the fast path`);
});

test('files with what only the positioned parse reads exactly take it', () => {
  for (const text of [
    'a: &x 1\nb: *x\n',
    'a: !!str 1\n',
    '%YAML 1.1\n---\na: yes\n',
    'a: +.5\n',
    'a: 0b1\n',
    '<<: {a: 1}\n',
    'a:\tb\n',
    '__proto__: 1\n',
    '- a\n',
    'plain\n',
    '',
    '# only a comment\n',
    'a: 1\n---\n',
  ]) {
    assert.not.ok(
      parseYamlFile(text, 'f.yaml').value.some((d) => d.fast),
      JSON.stringify(text),
    );
  }
  assert.ok(parseYamlFile('a: 1\n---\nb: [x, y]\n', 'f.yaml').value.every((d) => d.fast));
});

test.run();
