/**
 * Reading the access folder as it was at a git revision, without touching the working tree: the
 * files are listed with `git ls-tree`, and only those whose bytes differ from the working tree's are
 * read, with one `git cat-file --batch`: thousands of files cost two processes, not thousands, and
 * an unchanged file is read and interpreted once for both sides.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError, type Diagnostic } from '../diagnostics.js';
import { displayPath, loadBytes, type LoadedDocument } from '../load/load.js';

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
    return git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], root)
      .toString('utf8')
      .trim();
  } catch {
    throw new UsageError(`unknown git revision "${ref}": not a branch, tag or commit of this repository (fetch it first, e.g. git fetch origin main)`);
  }
}

/** Is `path` (relative to the access folder) a file the working tree's discovery would pick up? */
function isAccessFile(path: string): boolean {
  // discoverFiles: `**/*.yaml` and `**/*.yml`, no dot files or dot folders.
  return /\.ya?ml$/.test(path) && !path.split('/').some((s) => s.startsWith('.'));
}

/** The object id git gives a file's bytes (`git hash-object`): equal ids, equal bytes. */
export function blobId(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/** Every access file of the folder at `commit`: path relative to the access folder, and its object id. */
function listAtCommit(loc: GitLocation, commit: string): { path: string; sha: string }[] {
  const listing = git(
    ['--literal-pathspecs', 'ls-tree', '-r', '-z', '--full-tree', commit, ...(loc.prefix === '' ? [] : ['--', loc.prefix])],
    loc.root,
  ).toString('utf8');
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
  return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The bytes of blobs, read with one `git cat-file --batch`. */
function readBlobs(loc: GitLocation, shas: readonly string[]): Map<string, Buffer> {
  const blobs = new Map<string, Buffer>();
  const wanted = [...new Set(shas)];
  if (wanted.length === 0) return blobs;
  const out = git(['cat-file', '--batch'], loc.root, Buffer.from(wanted.join('\n') + '\n'));
  let offset = 0;
  for (const sha of wanted) {
    const newline = out.indexOf(0x0a, offset);
    const header = out.subarray(offset, newline).toString('utf8').split(' ');
    const size = Number(header[2]);
    if (header[1] !== 'blob' || !Number.isInteger(size)) throw new Error(`git cat-file: unexpected answer "${header.join(' ')}" for ${sha}`);
    blobs.set(sha, out.subarray(newline + 1, newline + 1 + size));
    offset = newline + 1 + size + 1;
  }
  return blobs;
}

/** A file of the working tree, already read: its object id and what reading it gave. */
export interface ReadFile {
  sha: string;
  documents: LoadedDocument[];
  diagnostics: Diagnostic[];
}

export interface BaseTree {
  documents: LoadedDocument[];
  diagnostics: Diagnostic[];
  /** Paths (relative to the access folder) whose bytes differ from the working tree's, or that it lacks. */
  changed: string[];
  /** Files of the working tree the base does not have. */
  added: string[];
}

/**
 * The documents of the access folder at `commit`, named as the working tree's files are
 * (`absDir`/path shown relative to `cwd`). A file whose bytes are the working tree's (same object
 * id) is not read again: its documents and problems are the working tree's, the same objects. Only
 * the others are read from git, with one `git cat-file --batch`, and go through the same reader
 * (size, encoding and binary checks).
 */
export function loadAtCommit(loc: GitLocation, commit: string, absDir: string, cwd: string, working: ReadonlyMap<string, ReadFile> = new Map()): BaseTree {
  const entries = listAtCommit(loc, commit);
  const changed = entries.filter((e) => working.get(e.path)?.sha !== e.sha);
  const blobs = readBlobs(
    loc,
    changed.map((e) => e.sha),
  );
  const documents: LoadedDocument[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const e of entries) {
    const same = working.get(e.path);
    const r =
      same && same.sha === e.sha
        ? { value: same.documents, diagnostics: same.diagnostics }
        : loadBytes(blobs.get(e.sha)!, displayPath(join(absDir, ...e.path.split('/')), cwd));
    documents.push(...r.value);
    diagnostics.push(...r.diagnostics);
  }
  const atBase = new Set(entries.map((e) => e.path));
  return { documents, diagnostics, changed: changed.map((e) => e.path), added: [...working.keys()].filter((p) => !atBase.has(p)).sort() };
}
