/**
 * Reading the access folder as it was at a git revision, without touching the working tree: the
 * files are listed with `git ls-tree` and read with one `git cat-file --batch`, so thousands of
 * files cost two processes, not thousands.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { UsageError, type Diagnostic } from '../diagnostics.js';
import { displayPath, loadFiles, type LoadedDocument } from '../load/load.js';

const MAX_BUFFER = 512 * 1024 * 1024;

function git(args: readonly string[], cwd: string, input?: Buffer): Buffer {
  return execFileSync('git', args, { cwd, maxBuffer: MAX_BUFFER, stdio: ['pipe', 'pipe', 'pipe'], ...(input !== undefined && { input }) });
}

/** The first line of git's error output, for a message. */
function gitMessage(e: unknown): string {
  const stderr = (e as { stderr?: Buffer | string }).stderr;
  const text = stderr === undefined ? '' : String(stderr).trim();
  return text.split('\n')[0] ?? '';
}

export interface GitLocation {
  /** The repository's top folder. */
  root: string;
  /** The access folder relative to `root`, with `/` and a trailing `/`; `''` when it is the root. */
  prefix: string;
}

/** Where `absDir` sits in its git repository. A missing folder, missing git or no repository is a usage error. */
export function locateInRepository(absDir: string, shown: string): GitLocation {
  if (!existsSync(absDir)) throw new UsageError(`folder not found: ${shown}`);
  if (!statSync(absDir).isDirectory()) throw new UsageError(`not a folder: ${shown}`);
  try {
    const root = git(['rev-parse', '--show-toplevel'], absDir).toString('utf8').trim();
    const prefix = git(['rev-parse', '--show-prefix'], absDir).toString('utf8').trim();
    return { root, prefix };
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') throw new UsageError('git is not installed or not on PATH; diff --base needs it');
    throw new UsageError(`${shown} is not inside a git repository (${gitMessage(e) || 'git rev-parse failed'})`);
  }
}

/** The commit `ref` names. A ref that is not a commit is a usage error. */
export function resolveCommit(root: string, ref: string): string {
  // A ref starting with `-` would be read as an option.
  if (ref === '' || ref.startsWith('-')) throw new UsageError(`invalid git revision "${ref}"`);
  try {
    return git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], root).toString('utf8').trim();
  } catch {
    throw new UsageError(`unknown git revision "${ref}": not a branch, tag or commit of this repository (fetch it first, e.g. git fetch origin main)`);
  }
}

/** Is `path` (relative to the access folder) a file the working tree's discovery would pick up? */
function isAccessFile(path: string): boolean {
  // discoverFiles: `**/*.yaml` and `**/*.yml`, no dot files or dot folders.
  return /\.ya?ml$/.test(path) && !path.split('/').some((s) => s.startsWith('.'));
}

/** Every access file of the folder at `commit`: path relative to the access folder, and content. */
function filesAtCommit(loc: GitLocation, commit: string): { path: string; bytes: Buffer }[] {
  const listing = git(['--literal-pathspecs', 'ls-tree', '-r', '-z', '--full-tree', commit, ...(loc.prefix === '' ? [] : ['--', loc.prefix])], loc.root).toString('utf8');
  const entries: { path: string; sha: string }[] = [];
  for (const line of listing.split('\0')) {
    if (line === '') continue;
    // `<mode> SP <type> SP <object> TAB <path>`; symlinks (120000) and submodules are not files.
    const tab = line.indexOf('\t');
    const [mode, type, sha] = line.slice(0, tab).split(' ');
    const full = line.slice(tab + 1);
    if (type !== 'blob' || mode === '120000' || sha === undefined || !full.startsWith(loc.prefix)) continue;
    const path = full.slice(loc.prefix.length);
    if (isAccessFile(path)) entries.push({ path, sha });
  }
  if (entries.length === 0) return [];
  const out = git(['cat-file', '--batch'], loc.root, Buffer.from(entries.map((e) => e.sha).join('\n') + '\n'));
  const files: { path: string; bytes: Buffer }[] = [];
  let offset = 0;
  for (const entry of entries) {
    const newline = out.indexOf(0x0a, offset);
    const header = out.subarray(offset, newline).toString('utf8').split(' ');
    const size = Number(header[2]);
    if (header[1] !== 'blob' || !Number.isInteger(size)) throw new Error(`git cat-file: unexpected answer "${header.join(' ')}" for ${entry.path}`);
    files.push({ path: entry.path, bytes: out.subarray(newline + 1, newline + 1 + size) });
    offset = newline + 1 + size + 1;
  }
  return files;
}

/** Renames the files of loaded documents and diagnostics. */
export function renameFiles(docs: LoadedDocument[], diagnostics: Diagnostic[], names: ReadonlyMap<string, string>): { docs: LoadedDocument[]; diagnostics: Diagnostic[] } {
  const rename = (f: string) => names.get(f) ?? f;
  return {
    docs: docs.map((d) => ({ ...d, file: rename(d.file) })),
    diagnostics: diagnostics.map((d) => ({ ...d, file: rename(d.file) })),
  };
}

/**
 * The documents of the access folder at `commit`, named as the working tree's files would be
 * (`absDir`/path shown relative to `cwd`). The files go through the same reader as the working
 * tree's (size, encoding and binary checks), from a temporary copy.
 */
export async function loadAtCommit(loc: GitLocation, commit: string, absDir: string, cwd: string): Promise<{ documents: LoadedDocument[]; diagnostics: Diagnostic[] }> {
  const files = filesAtCommit(loc, commit);
  const temp = mkdtempSync(join(tmpdir(), 'eks-access-base-'));
  try {
    const names = new Map<string, string>();
    const paths: string[] = [];
    for (const f of files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
      const p = join(temp, ...f.path.split('/'));
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, f.bytes);
      paths.push(p);
      names.set(displayPath(p), displayPath(join(absDir, ...f.path.split('/')), cwd));
    }
    const loaded = await loadFiles(paths);
    const renamed = renameFiles(loaded.value, loaded.diagnostics, names);
    return { documents: renamed.docs, diagnostics: renamed.diagnostics };
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}
