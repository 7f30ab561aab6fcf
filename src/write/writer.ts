import {
  constants,
  copyFileSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { access, link, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { UsageError } from '../diagnostics.js';
import { parallelThreshold, runInWorker } from '../parallel/pool.js';
import { writeFiles } from './files.js';
import type { OutputFile } from '../emit/common.js';
import { OUTPUT_MARKER, OUTPUT_MARKER_TEXT, OUTPUT_README, README } from '../emit/plan.js';

export interface Change {
  path: string;
  status: 'added' | 'changed' | 'removed';
  before?: string;
  after?: string;
}

/** Unified diff of one change, with paths under `label` (the output folder's name). */
export function patchOf(c: Change, label: string): string {
  const name = `${label}/${c.path}`;
  return createTwoFilesPatch(
    c.before === undefined ? '/dev/null' : `a/${name}`,
    c.after === undefined ? '/dev/null' : `b/${name}`,
    c.before ?? '',
    c.after ?? '',
    undefined,
    undefined,
    { context: 3 },
  )
    .replace(/^=+\n/m, '')
    .replace(/^(---|\+\+\+) (.*)\t$/gm, '$1 $2');
}

/**
 * Is `path` (relative to the output folder, with `/`) one of Terraform's own files: its state and
 * state backups, its working folder `.terraform/`, the dependency lock file, variable values, plans,
 * crash logs? generate never writes such a file, and never deletes, changes or reports one, wherever
 * it is under the output folder: `terraform init` and `apply` may have been run there.
 */
export function isTerraformOwnFile(path: string): boolean {
  const segments = path.split('/');
  // Terraform runs in terraform/<account>/ only: elsewhere these names are foreign files.
  if (segments[0] !== 'terraform' || segments.length < 3) return false;
  if (segments.slice(0, -1).includes('.terraform')) return true;
  const name = segments[segments.length - 1] ?? '';
  return (
    name === '.terraform' ||
    name === '.terraform.lock.hcl' ||
    name === '.terraformrc' ||
    name === 'terraform.rc' ||
    /\.tfstate(\..*)?$/.test(name) ||
    /\.tfvars(\.json)?$/.test(name) ||
    name.endsWith('.tfplan') ||
    /^crash(\..*)?\.log$/.test(name)
  );
}

/**
 * Every file under `dir` (path relative to it, with `/`), or an empty map when it does not exist.
 * Terraform's own files are left out: they are not output.
 */
export async function readTree(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const root = resolve(dir);
  if (!existsSync(root)) return out;
  for (const e of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const full = join(e.parentPath, e.name);
    const rel = full
      .slice(root.length + 1)
      .split('\\')
      .join('/');
    if (isTerraformOwnFile(rel)) continue;
    out.set(rel, readFileSync(full, 'utf8'));
  }
  return out;
}

/**
 * Puts Terraform's own files of `from` (the current output) at the same places in `to` (the new
 * output, before it is swapped in), as hard links (copies where links cannot be made): the old output
 * keeps them until the swap, the new one has them after it.
 */
function carryTerraformFiles(from: string, to: string, rel = ''): void {
  if (!existsSync(from)) return;
  for (const e of readdirSync(join(from, ...rel.split('/').filter(Boolean)), { withFileTypes: true })) {
    const path = rel === '' ? e.name : `${rel}/${e.name}`;
    if (isTerraformOwnFile(path)) mirror(join(from, ...path.split('/')), join(to, ...path.split('/')));
    else if (e.isDirectory()) carryTerraformFiles(from, to, path);
  }
}

/** Makes `dst` what `src` is: folders re-created, files hard-linked (or copied), symbolic links as links. */
function mirror(src: string, dst: string): void {
  const info = lstatSync(src);
  mkdirSync(dirname(dst), { recursive: true });
  if (info.isSymbolicLink()) symlinkSync(readlinkSync(src), dst);
  else if (info.isDirectory()) {
    mkdirSync(dst, { recursive: true });
    for (const name of readdirSync(src)) mirror(join(src, name), join(dst, name));
  } else if (info.isFile()) {
    try {
      linkSync(src, dst);
    } catch {
      copyFileSync(src, dst);
    }
  }
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

/**
 * compareOutput against the folder on disk, reading one file at a time: only the changed files'
 * text is kept, not the whole tree's (generate --check on a large output).
 */
export function compareWithFolder(dir: string, files: readonly OutputFile[]): Change[] {
  const root = resolve(dir);
  const existing = new Set<string>();
  if (existsSync(root)) {
    for (const e of readdirSync(root, { recursive: true, withFileTypes: true })) {
      if (e.isFile())
        existing.add(
          join(e.parentPath, e.name)
            .slice(root.length + 1)
            .split('\\')
            .join('/'),
        );
    }
  }
  const changes: Change[] = [];
  const planned = new Map(files.map((f) => [f.path, f.content]));
  for (const path of [...new Set([...existing, ...planned.keys()])].sort()) {
    const before = existing.has(path) ? readFileSync(join(root, ...path.split('/')), 'utf8') : undefined;
    const after = planned.get(path);
    if (before === after) continue;
    const status = before === undefined ? 'added' : after === undefined ? 'removed' : 'changed';
    changes.push({ path, status, ...(before !== undefined && { before }), ...(after !== undefined && { after }) });
  }
  return changes;
}

/** Top-level entries generate writes: anything else in the folder means it is not (only) ours. */
const OWN_TOP_LEVEL = new Set([OUTPUT_MARKER, OUTPUT_README, 'ACCESS.md', 'clusters', 'terraform', 'kubeconfigs']);

/**
 * The output folder is ours when it is empty, or holds the exact marker file that generate writes
 * (or, written before the marker existed, exactly the README generate writes) and nothing at its top
 * level that generate would not have written. A phrase in a README proves nothing: another
 * repository's README may quote it, and replacing that folder would delete the repository.
 */
async function assertOwned(dir: string, existing: ReadonlyMap<string, string>, entries: readonly string[]): Promise<void> {
  if (existing.size === 0 && entries.length === 0) return;
  const marked = existing.get(OUTPUT_MARKER) === OUTPUT_MARKER_TEXT || (!existing.has(OUTPUT_MARKER) && existing.get(OUTPUT_README) === README);
  if (!marked) {
    throw new UsageError(
      `refusing to replace ${dir}: it has files but was not written by eks-access generate (no ${OUTPUT_MARKER} of ours); choose another --out or empty it`,
    );
  }
  const foreign = entries.filter((e) => !OWN_TOP_LEVEL.has(e)).sort();
  if (foreign.length > 0) {
    throw new UsageError(
      `refusing to replace ${dir}: it holds ${foreign.map((f) => JSON.stringify(f)).join(', ')}, which eks-access generate does not write; move it out of the output folder or choose another --out`,
    );
  }
}

/** Writing the output folder failed, or another generate is writing it; the folder is as it was before. */
export class WriteError extends Error {
  override name = 'WriteError';
}

export interface WriteOptions {
  /** Folders the output must not be, contain or sit inside: the access folder. */
  inputs?: readonly string[];
}

const isInside = (child: string, parent: string): boolean => child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep);

/** The real path of `path`, or of its nearest existing ancestor with the rest appended. */
function realOrResolved(path: string): string {
  const abs = resolve(path);
  const rest: string[] = [];
  for (let p = abs; ; p = dirname(p)) {
    try {
      return join(realpathSync(p), ...rest.reverse());
    } catch {
      if (dirname(p) === p) return abs;
      rest.push(basename(p));
    }
  }
}

/**
 * Refuses output folders whose replacement would destroy something that is not generated output: the
 * file system root, the working directory or one of its parents, an input folder (or one around or
 * inside it), a symbolic link (its target would be left stale while the link became a folder), a file.
 */
export function checkOutputFolder(dir: string, inputs: readonly string[]): void {
  const target = resolve(dir);
  if (dirname(target) === target)
    throw new UsageError(`refusing to write to ${dir}: it is the root of the file system; choose an output folder of its own, e.g. --out generated`);
  let info;
  try {
    info = lstatSync(target);
  } catch {
    // Does not exist yet: created by the swap.
  }
  if (info?.isSymbolicLink()) throw new UsageError(`refusing to write to ${dir}: it is a symbolic link; give the folder it points to, or another --out`);
  if (info && !info.isDirectory()) throw new UsageError(`refusing to write to ${dir}: it is not a folder`);
  const real = realOrResolved(target);
  if (isInside(realOrResolved(process.cwd()), real))
    throw new UsageError(
      `refusing to write to ${dir}: it is the working directory or contains it, and generate replaces the whole output folder; choose an output folder of its own, e.g. --out generated`,
    );
  for (const input of inputs) {
    const inReal = realOrResolved(input);
    if (isInside(inReal, real) || isInside(real, inReal)) {
      throw new UsageError(
        `refusing to write to ${dir}: it ${real === inReal ? 'is' : isInside(inReal, real) ? 'contains' : 'is inside'} the input folder (--dir ${input}); choose an output folder of its own, e.g. --out generated`,
      );
    }
  }
}

/**
 * A relative path inside the output folder, or a WriteError: every `/`-separated segment a plain
 * name, so no entry can land outside the folder whatever the names in the input.
 */
function checkEntryPath(path: string, root: string): string {
  const segments = path.split('/');
  const bad = path === '' || path.includes('\\') || path.includes('\0') || segments.some((s) => s === '' || s === '.' || s === '..');
  const full = resolve(root, ...segments);
  if (bad || !isInside(full, root) || full === root)
    throw new WriteError(`refusing to write ${JSON.stringify(path)}: output paths are relative paths of plain names inside the output folder`);
  return full;
}

/** Tells whether process `pid` is running (one we may not signal counts as running). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The lock file's name, next to the output folder. */
/** Prefix of the file a lock is written to before it takes the lock's name. */
const LOCK_DRAFT = '.eks-access-lock-';
const lockName = (target: string): string => `.${basename(target)}.eks-access-lock`;

/** A lock file that was created but never given its pid is taken over after this long. */
const EMPTY_LOCK_GRACE_MS = 30_000;
/** Locks this process holds: a lock with our pid that is not among them was left by an earlier process with the same pid (containers reuse pids). */
const held = new Set<string>();

/**
 * When process `pid` started (clock ticks since boot, from /proc), or undefined where that cannot be
 * read. A pid is reused, in containers at once: the pid together with its start time names one process.
 */
function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** What a lock file holds: `<pid> <start time>`. */
const lockText = (): string => `${process.pid} ${processStart(process.pid) ?? '-'}\n`;

/** Whether the process a lock names still runs: same pid and, where known, the same start time. */
function holderRunning(pid: number, start: string | undefined): boolean {
  if (!isRunning(pid)) return false;
  if (start === undefined || start === '-') return true;
  const now = processStart(pid);
  return now === undefined || now === start;
}

/**
 * Takes the lock of the output folder: a file next to it, created exclusively, holding the pid and
 * start time of the generate writing it. A lock whose process is gone is taken over; a lock that
 * could not be written whole (a full disk) is removed again. Returns the release function.
 */
async function lockOutput(dir: string, lock: string): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 3; attempt++) {
    // Written whole to a file of its own, then linked to the lock's name: link creates the name
    // atomically or fails, so a lock is never seen empty or half written, whenever a run is killed.
    // (A short name: the lock's own name may already be as long as a name may be.)
    const draft = join(dirname(lock), `${LOCK_DRAFT}${process.pid}-${randomBytes(6).toString('hex')}`);
    try {
      await writeFile(draft, lockText(), { flag: 'wx' });
    } catch (e) {
      await rm(draft, { force: true }).catch(() => undefined);
      throw e;
    }
    try {
      await link(draft, lock);
      // Held from creation until removal, so that no run of this process takes it for a stale one.
      held.add(lock);
      return async () => {
        try {
          await rm(lock, { force: true });
        } finally {
          held.delete(lock);
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      await rm(draft, { force: true }).catch(() => undefined);
    }
    let holder = NaN;
    let start: string | undefined;
    let age = 0;
    try {
      const [pid, started] = readFileSync(lock, 'utf8').trim().split(/\s+/);
      holder = Number.parseInt(pid ?? '', 10);
      start = started;
      age = Date.now() - statSync(lock).mtimeMs;
    } catch {
      continue; // released meanwhile
    }
    const known = Number.isInteger(holder) && holder > 0;
    const stale = known ? (holder === process.pid ? !held.has(lock) : !holderRunning(holder, start)) : age > EMPTY_LOCK_GRACE_MS;
    if (!stale) {
      throw new WriteError(
        `another generate is writing ${dir}${known ? ` (process ${holder})` : ''}; run generate again when it has finished, or remove ${lock} if no generate is running`,
      );
    }
    // Left by a generate that died. (Two runs taking over the same stale lock at the same instant
    // could both remove it; the window is the few microseconds between the read and the removal.)
    await rm(lock, { force: true });
  }
  throw new WriteError(`another generate is writing ${dir}; run generate again when it has finished`);
}

/** The journal of a swap in progress, next to the output folder: it names the folder holding the old output. */
const journalName = (target: string): string => `.${basename(target)}.eks-access-swap`;

/**
 * Finishes or undoes a swap that a killed generate left, under the lock: when the output folder is
 * missing, the old output (named by the journal, else the one retired folder left) is put back. Then
 * the journal goes; removeLeftovers then clears the staging and retired folders left beside it.
 */
export async function recoverSwap(target: string): Promise<void> {
  const parent = dirname(target);
  const journal = join(parent, journalName(target));
  let named: string | undefined;
  try {
    named = readFileSync(journal, 'utf8').trim();
  } catch {
    named = undefined;
  }
  if (!existsSync(target)) {
    const prefix = `.${basename(target)}.eks-access-old-`;
    const candidates =
      named !== undefined && named.startsWith(prefix) && !named.includes('/') && existsSync(join(parent, named))
        ? [named]
        : existsSync(parent)
          ? (await readdir(parent)).filter((n) => n.startsWith(prefix))
          : [];
    if (candidates.length === 1) await rename(join(parent, candidates[0]!), target);
  }
  await rm(journal, { force: true });
}

const reason = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Replaces the output folder with exactly `files`, atomically: everything is written to a sibling
 * folder first, which then takes the old folder's place by rename. A crash leaves either the old or
 * the new output, never a mix; files that no longer belong disappear with the old folder. A lock next
 * to the folder keeps two runs from writing it at once. Problems writing are WriteErrors (the folder
 * is then as it was); an output folder that must not be replaced is a UsageError.
 */
/**
 * Removes what interrupted earlier runs left next to the output folder: staging and retired copies
 * (recoverSwap has run, so the output folder is in place and they are old copies) and lock drafts of
 * processes that are gone. Called holding the lock, which is not a leftover: it is ours now.
 */
async function removeLeftovers(target: string): Promise<void> {
  const parent = dirname(target);
  for (const name of await readdir(parent)) {
    if (name.startsWith(`.${basename(target)}.eks-access-`) && name !== lockName(target) && name !== journalName(target)) {
      await rm(join(parent, name), { recursive: true, force: true });
    } else if (name.startsWith(LOCK_DRAFT)) {
      // `.eks-access-lock-<pid>-<random>`: a live process's draft exists only while it takes the lock.
      const pid = Number(name.slice(LOCK_DRAFT.length).split('-')[0]);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !isRunning(pid)) await rm(join(parent, name), { force: true });
    }
  }
}

/**
 * What writeOutput and addFiles do first: refuse entry paths that would leave the folder (a check
 * of the path's own segments, the same against any folder) and paths given twice, make the parent folder,
 * and take the output lock. Returns the parent, the staging folder beside the target, and the unlock.
 */
async function prepareWrite(
  dir: string,
  target: string,
  files: readonly OutputFile[],
): Promise<{ parent: string; staging: string; unlock: () => Promise<void> }> {
  const parent = dirname(target);
  const staging = join(parent, `.${basename(target)}.eks-access-new-${process.pid}`);
  const paths = new Set<string>();
  for (const f of files) {
    checkEntryPath(f.path, target);
    if (paths.has(f.path)) throw new WriteError(`refusing to write ${JSON.stringify(f.path)} twice`);
    paths.add(f.path);
  }
  try {
    await mkdir(parent, { recursive: true });
  } catch (e) {
    throw new WriteError(`cannot write ${dir}: ${reason(e)}`);
  }
  try {
    return { parent, staging, unlock: await lockOutput(dir, join(parent, lockName(target))) };
  } catch (e) {
    throw e instanceof WriteError ? e : new WriteError(`cannot write ${dir}: ${reason(e)}`);
  }
}

export async function writeOutput(dir: string, files: readonly OutputFile[], options: WriteOptions = {}): Promise<Change[]> {
  const target = resolve(dir);
  checkOutputFolder(dir, options.inputs ?? []);
  const { parent, staging, unlock } = await prepareWrite(dir, target, files);
  const retired = join(parent, `.${basename(target)}.eks-access-old-${process.pid}`);
  try {
    await recoverSwap(target).catch((e: unknown) => {
      throw new WriteError(`cannot recover ${dir} from an interrupted run: ${reason(e)}`);
    });
    await removeLeftovers(target).catch(() => undefined);
    const existing = await readTree(target).catch((e: unknown) => {
      throw new WriteError(`cannot read ${dir}: ${reason(e)}`);
    });
    const entries = await readdir(target).catch((e: unknown) => {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [] as string[];
      throw new WriteError(`cannot read ${dir}: ${reason(e)}`);
    });
    await assertOwned(dir, existing, entries);
    const changes = compareOutput(existing, files);
    if (changes.length === 0) return changes;
    await swapIn(dir, files, { target, staging, retired });
    return changes;
  } finally {
    await unlock().catch(() => undefined);
  }
}

/**
 * Adds `files` (paths relative to `dir`, `/`-separated) to the folder `dir`, created if missing,
 * leaving everything else in it as it is: for folders eks-access writes into but does not own, such
 * as the access folder `import` fills. Under the same lock as writeOutput, every file is written to a
 * staging folder beside `dir` first; only when all are written are the missing folders made and the
 * files renamed into place, so a failure while writing (a full disk, a file where a folder must go)
 * leaves `dir` as it was. Existing files among `files` are replaced. Problems are WriteErrors.
 */
export async function addFiles(dir: string, files: readonly OutputFile[]): Promise<void> {
  const target = realOrResolved(dir);
  if (dirname(target) === target) throw new WriteError(`refusing to write to ${dir}: it is the root of the file system`);
  let info;
  try {
    info = lstatSync(target);
  } catch {
    // Does not exist yet: made with the files.
  }
  if (info && !info.isDirectory()) throw new WriteError(`cannot write to ${dir}: it is not a folder`);
  const { staging, unlock } = await prepareWrite(dir, target, files);
  const made: string[] = [];
  let renaming = false;
  try {
    await removeLeftovers(target).catch(() => undefined);
    writeFiles(
      staging,
      files.map((f): [string, string] => [f.path, f.content]),
    );
    for (const folder of [...new Set(files.map((f) => dirname(checkEntryPath(f.path, target))))].sort()) {
      const first = await mkdir(folder, { recursive: true });
      if (first !== undefined) made.push(first);
      await access(folder, constants.W_OK);
    }
    for (const f of files) {
      const at = checkEntryPath(f.path, target);
      if (existsSync(at) && lstatSync(at).isDirectory()) throw new Error(`${f.path} is a folder`);
    }
    renaming = true;
    for (const f of files) await rename(checkEntryPath(f.path, staging), checkEntryPath(f.path, target));
  } catch (e) {
    if (renaming) throw new WriteError(`cannot write ${dir}: ${reason(e)}; some of the files may have been written`);
    // Nothing was renamed into place: the folders made for the files go again, and `dir` is as it was.
    for (const folder of made.reverse()) await rm(folder, { recursive: true, force: true }).catch(() => undefined);
    throw new WriteError(`cannot write ${dir}: ${reason(e)}; ${dir} is as it was`);
  } finally {
    await rm(staging, { recursive: true, force: true }).catch(() => undefined);
    await unlock().catch(() => undefined);
  }
}

/** Below this many files one thread writes them all. */
const PARALLEL_WRITE_MIN_FILES = 2000;

/** Writes `files` to `staging` and swaps it in for `target`; on any failure, `target` is left as it was. */
async function swapIn(dir: string, files: readonly OutputFile[], at: { target: string; staging: string; retired: string }): Promise<void> {
  const { target, staging, retired } = at;
  const parent = dirname(target);
  try {
    for (const f of files) checkEntryPath(f.path, staging);
    const entries = files.map((f): [string, string] => [f.path, f.content]);
    if (entries.length < parallelThreshold(PARALLEL_WRITE_MIN_FILES)) writeFiles(staging, entries);
    else {
      // Creating files is most of the cost: the worker writes the second half meanwhile.
      const half = Math.ceil(entries.length / 2);
      const theirs = runInWorker('write', { root: staging, files: entries.slice(half) });
      let failed: unknown;
      try {
        writeFiles(staging, entries.slice(0, half));
      } catch (e) {
        failed = e;
      }
      // Waited for either way, so the worker is done with the staging folder before it is removed.
      await theirs;
      if (failed !== undefined) throw failed;
    }
    carryTerraformFiles(target, staging);
    // The journal names the old output while the two renames run: a kill between them leaves no
    // output folder, and the next run (holding the lock) puts the old one back.
    const journal = join(parent, journalName(target));
    await writeFile(journal, `${basename(retired)}\n`);
    if (existsSync(target)) await rename(target, retired);
    await rename(staging, target);
    await rm(journal, { force: true });
  } catch (e) {
    await rm(staging, { recursive: true, force: true }).catch(() => undefined);
    if (!existsSync(target) && existsSync(retired)) {
      try {
        await rename(retired, target);
        await rm(join(parent, journalName(target)), { force: true });
      } catch {
        throw new WriteError(`cannot write ${dir}: ${reason(e)}; the previous output could not be put back and is in ${retired}`);
      }
    }
    throw new WriteError(`cannot write ${dir}: ${reason(e)}; ${dir} is as it was`);
  }
  // The old output is gone from view; a copy that cannot be removed now is removed by the next run.
  await rm(retired, { recursive: true, force: true }).catch(() => undefined);
}
