import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { UsageError } from '../diagnostics.js';
import type { OutputFile } from '../emit/common.js';
import { OUTPUT_README } from '../emit/plan.js';

export interface Change {
  path: string;
  status: 'added' | 'changed' | 'removed';
  /** Unified diff of the file, with paths relative to the output folder's parent. */
  patch: string;
}

/** Every file under `dir` (path relative to it, with `/`), or an empty map when it does not exist. */
export async function readTree(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const root = resolve(dir);
  if (!existsSync(root)) return out;
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  await Promise.all(
    entries
      .filter((e) => e.isFile())
      .map(async (e) => {
        const full = join(e.parentPath, e.name);
        out.set(full.slice(root.length + 1).split('\\').join('/'), await readFile(full, 'utf8'));
      }),
  );
  return out;
}

/** What would change if `files` replaced the current content of the output folder. Sorted by path. */
export function compareOutput(existing: ReadonlyMap<string, string>, files: readonly OutputFile[], label: string): Change[] {
  const changes: Change[] = [];
  const planned = new Map(files.map((f) => [f.path, f.content]));
  const paths = [...new Set([...existing.keys(), ...planned.keys()])].sort();
  for (const path of paths) {
    const before = existing.get(path);
    const after = planned.get(path);
    if (before === after) continue;
    const status = before === undefined ? 'added' : after === undefined ? 'removed' : 'changed';
    const name = `${label}/${path}`;
    const patch = createTwoFilesPatch(before === undefined ? '/dev/null' : `a/${name}`, after === undefined ? '/dev/null' : `b/${name}`, before ?? '', after ?? '', '', '', { context: 3 });
    changes.push({ path, status, patch: patch.replace(/^=+\n/m, '') });
  }
  return changes;
}

/** The output folder is ours when it is empty or holds the README that generate writes. */
async function assertOwned(dir: string, existing: ReadonlyMap<string, string>): Promise<void> {
  if (existing.size === 0) return;
  const readme = existing.get(OUTPUT_README);
  if (readme === undefined || !readme.includes('eks-access generate')) {
    throw new UsageError(`refusing to replace ${dir}: it has files but was not written by eks-access generate (no ${OUTPUT_README} of ours); choose another --out or empty it`);
  }
}

/**
 * Replaces the output folder with exactly `files`, atomically: everything is written to a sibling
 * folder first, which then takes the old folder's place by rename. A crash leaves either the old or
 * the new output, never a mix; files that no longer belong disappear with the old folder.
 */
export async function writeOutput(dir: string, files: readonly OutputFile[]): Promise<Change[]> {
  const target = resolve(dir);
  const existing = await readTree(target);
  await assertOwned(dir, existing);
  const changes = compareOutput(existing, files, basename(target));
  if (changes.length === 0) return changes;
  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  // Leftovers of an interrupted earlier run.
  for (const name of await readdir(parent)) {
    if (name.startsWith(`.${basename(target)}.eks-access-`)) await rm(join(parent, name), { recursive: true, force: true });
  }
  const staging = join(parent, `.${basename(target)}.eks-access-new-${process.pid}`);
  const retired = join(parent, `.${basename(target)}.eks-access-old-${process.pid}`);
  try {
    for (const f of files) {
      const path = join(staging, ...f.path.split('/'));
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, f.content);
    }
    if (existsSync(target)) await rename(target, retired);
    await rename(staging, target);
  } catch (e) {
    await rm(staging, { recursive: true, force: true });
    if (!existsSync(target) && existsSync(retired)) await rename(retired, target);
    throw e;
  }
  await rm(retired, { recursive: true, force: true });
  return changes;
}
