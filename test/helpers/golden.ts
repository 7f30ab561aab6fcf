import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { snapshotTree } from './run.js';

/** Set UPDATE_GOLDEN=1 to rewrite expected output from what the code produces now. */
const UPDATE = process.env.UPDATE_GOLDEN === '1';

/**
 * Compares the files under `actualDir` with those under `expectedDir`. Returns a readable unified diff
 * of every difference (empty when equal). With UPDATE_GOLDEN=1, rewrites `expectedDir` instead.
 */
export function compareGolden(actualDir: string, expectedDir: string): string {
  const actual = snapshotTree(actualDir);
  if (UPDATE) {
    rmSync(expectedDir, { recursive: true, force: true });
    for (const [path, content] of Object.entries(actual)) {
      mkdirSync(dirname(join(expectedDir, path)), { recursive: true });
      writeFileSync(join(expectedDir, path), content);
    }
    return '';
  }
  const expected = snapshotTree(expectedDir);
  const paths = [...new Set([...Object.keys(actual), ...Object.keys(expected)])].sort();
  const diffs: string[] = [];
  for (const p of paths) {
    if (actual[p] === expected[p]) continue;
    diffs.push(createTwoFilesPatch(`expected/${p}`, `actual/${p}`, expected[p] ?? '', actual[p] ?? '', '', '', { context: 2 }));
  }
  return diffs.length === 0 ? '' : `${diffs.length} file(s) differ from the golden output (rerun with UPDATE_GOLDEN=1 after checking):\n${diffs.join('\n')}`;
}
