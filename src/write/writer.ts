import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { UsageError } from '../diagnostics.js';
import type { OutputFile } from '../emit/common.js';
import { OUTPUT_README } from '../emit/plan.js';

export interface Change {
  path: string;
  status: 'added' | 'changed' | 'removed';
  before?: string;
  after?: string;
}

/** Unified diff of one change, with paths under `label` (the output folder's name). */
export function patchOf(c: Change, label: string): string {
  const name = `${label}/${c.path}`;
  return createTwoFilesPatch(c.before === undefined ? '/dev/null' : `a/${name}`, c.after === undefined ? '/dev/null' : `b/${name}`, c.before ?? '', c.after ?? '', undefined, undefined, { context: 3 })
    .replace(/^=+\n/m, '')
    .replace(/^(---|\+\+\+) (.*)\t$/gm, '$1 $2');
}

/** Every file under `dir` (path relative to it, with `/`), or an empty map when it does not exist. */
export async function readTree(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const root = resolve(dir);
  if (!existsSync(root)) return out;
  for (const e of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const full = join(e.parentPath, e.name);
    out.set(full.slice(root.length + 1).split('\\').join('/'), readFileSync(full, 'utf8'));
  }
  return out;
}

/** What would change if `files` replaced the current content of the output folder. Sorted by path. */
export function compareOutput(existing: ReadonlyMap<string, string>, files: readonly OutputFile[]): Change[] {
  const changes: Change[] = [];
  const planned = new Map(files.map((f) => [f.path, f.content]));
  const paths = [...new Set([...existing.keys(), ...planned.keys()])].sort();
  for (const path of paths) {
    const before = existing.get(path);
    const after = planned.get(path);
    if (before === after) continue;
    const status = before === undefined ? 'added' : after === undefined ? 'removed' : 'changed';
    changes.push({ path, status, ...(before !== undefined && { before }), ...(after !== undefined && { after }) });
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
  const changes = compareOutput(existing, files);
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
    const made = new Set<string>();
    for (const f of files) {
      const path = join(staging, ...f.path.split('/'));
      const folder = dirname(path);
      if (!made.has(folder)) {
        mkdirSync(folder, { recursive: true });
        made.add(folder);
      }
      writeFileSync(path, f.content);
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
