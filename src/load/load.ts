import { closeSync, constants, fstatSync, openSync, readdirSync, readlinkSync, readSync, realpathSync, type Dirent } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import fg from 'fast-glob';
import { printable } from '../text.js';
import { lineColumn, lineStartsOf, offsetOf, positionTrees, type PositionNode } from './fast-positions.js';
import jsyaml from 'js-yaml';
import { Composer, Document, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, Parser, visit, type CST, type Node, type Pair, type YAMLError } from 'yaml';
import { diagnostic, PLACE, UsageError, type Diagnostic, type Place, type Result, type Source } from '../diagnostics.js';

/** yaml's syntax tree of one document, and the line starts of its file. */
interface Syntax {
  readonly doc: Document.Parsed;
  readonly lineCounter: LineCounter;
}

/**
 * One YAML document of one input file, with what is needed to point back into it. A document read
 * by the fast parser has no syntax tree until something calls `syntax` (to name a line, say): then
 * its file is parsed again with positions, once.
 */
export interface LoadedDocument {
  /** Path as shown to users: relative to the working directory, with `/`. */
  readonly file: string;
  /** 0-based index of the document within its file. */
  readonly index: number;
  /** The syntax tree; for a fast document, built on the first call. */
  readonly syntax: () => Syntax;
  /** Read by the fast parser: its syntax tree is built on first use. */
  readonly fast?: true;
  /** For fast documents: the line and column of a place, without yaml's syntax tree (undefined when unsure). */
  readonly position?: (path: readonly PathSegment[], key: boolean) => { line: number; column: number } | undefined;
  /** The document as plain data (aliases resolved). */
  data: unknown;
  /** The whole file's text, for positions inside block strings (aws-auth's mapRoles). */
  text: string;
}

export type PathSegment = string | number;

/** Aliases beyond this many in one document are refused: a "billion laughs" file must not exhaust memory. */
const MAX_ALIAS_COUNT = 100;
/**
 * Access files nest a handful of levels. yaml composes nested collections recursively, so a few
 * thousand `[` would exhaust the stack; such documents are refused before they are composed.
 */
const MAX_DEPTH = 64;
/** Access files are small; a multi-megabyte file is a mistake or an attack. */
const MAX_FILE_BYTES = 4 * 1024 * 1024;
/** Access files have short lines; a huge line is a pasted blob, and its messages would flood the terminal. */
const MAX_LINE_LENGTH = 10000;

export function displayPath(path: string, cwd = process.cwd()): string {
  const rel = relative(cwd, path);
  const shown = rel === '' || rel.startsWith('..') ? path : rel;
  return shown.split(sep).join('/');
}

/**
 * Characters a file name must not hold: control characters (C0, DEL, C1 with U+0085), the line and
 * paragraph separators and the backslash. YAML, Markdown and terminals read them as syntax (a `\r`
 * ends a comment line in YAML), and a backslash is a separator on Windows and to glob libraries.
 */
const BAD_PATH_CHAR = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\\]/;

/** Whether a path (as found in the folder) holds a character that file names must not hold. */
function badPathCharacter(path: string): boolean {
  return BAD_PATH_CHAR.test(path);
}

/**
 * Every `*.yaml` / `*.yml` under `dir`, sorted: real directory entries, listed by readdir (names
 * are data: no glob syntax, no `\` read as `/`), without following symbolic links and skipping
 * names that start with a dot. A folder below `dir` that cannot be listed is returned as an entry
 * itself, so that loading it reports it (exit 1) rather than the listing failing. A missing `dir`
 * is a usage error.
 */
export async function discoverFiles(dir: string): Promise<string[]> {
  const root = resolve(dir);
  let info;
  try {
    info = await stat(root);
  } catch {
    throw new UsageError(`folder not found: ${dir}`);
  }
  if (!info.isDirectory()) throw new UsageError(`not a folder: ${dir}`);
  const out: string[] = [];
  const folders = [root];
  while (folders.length > 0) {
    const folder = folders.pop()!;
    let entries: Dirent[];
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      out.push(folder);
      continue;
    }
    for (const e of entries) {
      const name = String(e.name);
      if (name.startsWith('.')) continue;
      const full = join(folder, name);
      if (e.isDirectory()) folders.push(full);
      else if (!e.isSymbolicLink() && /\.ya?ml$/.test(name)) out.push(full); // FIFOs and devices too: refused when read
    }
  }
  return out.sort();
}

/** Reads files or folders given on the command line (for `--manifests`), expanding folders to their YAML and JSON files. */
export async function expandPaths(paths: readonly string[]): Promise<string[]> {
  const out = new Set<string>();
  for (const p of paths) {
    let info;
    try {
      info = await stat(p);
    } catch {
      // `--manifests <paths...>` takes every word after it, options included: say so.
      if (p.startsWith('-'))
        throw new UsageError(`file or folder not found: ${p} (--manifests takes every word after it as a path: put other options before --manifests)`);
      throw new UsageError(`file or folder not found: ${p}`);
    }
    if (info.isDirectory()) {
      // Symbolic links are listed too, and then refused by the loader with an error naming them:
      // kubectl and Argo CD apply a link that stays inside the repository, so a silent skip would let
      // what they apply past the linter.
      for (const e of await fg(['**/*.yaml', '**/*.yml', '**/*.json'], {
        cwd: resolve(p),
        absolute: true,
        onlyFiles: false,
        followSymbolicLinks: false,
        objectMode: true,
      })) {
        if (e.dirent.isFile() || e.dirent.isSymbolicLink()) out.add(e.path);
      }
    } else out.add(resolve(p));
  }
  return [...out].sort();
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * What the fast parser is not trusted to read exactly as the positioned one does, so files with any
 * of it take the positioned parse straight away: tags, anchors and aliases (and `*` wildcards, which
 * look alike to a regex), explicit, empty, null and collection keys (`? a`, `: b`, `null: c`,
 * `[a]: d`), a comment glued to a closing bracket or quote, directives, merge keys, tabs, carriage
 * returns, `__proto__`, and the few number spellings the two libraries resolve differently (`0b1`,
 * `+0o7`, `-0x1`, `+.5`). Everything else is plain YAML 1.2 with the core schema, read alike by
 * both; a test (test/load/fast-parse.test.ts) compares them on seeded mutations of real files.
 */
const NEEDS_POSITIONED_PARSE =
  /[!&*?\t\r]|^%|<<|__proto__|(?:^|[\s,[{]):(?:[\s,\]}]|$)|[\]}]\s*:(?:\s|$)|(?:^|[\s,[{])(?:null|Null|NULL|~)\s*:(?:\s|$)|[\]}"']#|[-+]0[box]|[-+]\.\d|\b0b[01]/m;
/** js-yaml counts every node, scalars and keys included, so this is well inside MAX_DEPTH collections. */
const FAST_MAX_DEPTH = 32;

const FAST_OPTIONS = { schema: jsyaml.CORE_SCHEMA, maxDepth: FAST_MAX_DEPTH } as jsyaml.LoadOptions;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * The documents of `text` as plain data, read by js-yaml (several times faster than yaml's
 * positioned parse), or undefined when anything about the file needs the positioned parse: a
 * syntax error, a feature in NEEDS_POSITIONED_PARSE, a document that is not a mapping, no document.
 */
function fastParse(text: string): Record<string, unknown>[] | undefined {
  if (NEEDS_POSITIONED_PARSE.test(text) || spansLines(text)) return undefined;
  let docs: unknown[];
  try {
    docs = jsyaml.loadAll(text, null, FAST_OPTIONS);
  } catch {
    return undefined;
  }
  if (docs.length === 0 || !docs.every(isPlainObject)) return undefined;
  return docs as Record<string, unknown>[];
}

/**
 * Whether a flow collection or a quoted string goes on past the end of a line: `[` or `{` left
 * open, or an odd number of `"` or `'`. Across lines, both have rules (indentation, `---` inside
 * the string) that js-yaml does not enforce, so those files take the positioned parse. The count is
 * rough (brackets and quotes in comments or plain text count too); a wrong guess only sends a file
 * down the slower path.
 */
function spansLines(text: string): boolean {
  let depth = 0;
  let double = 0;
  let single = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) depth++;
    else if (c === 0x5d || c === 0x7d) depth--;
    else if (c === 0x22) double ^= 1;
    else if (c === 0x27) single ^= 1;
    else if (c === 0x0a && (depth !== 0 || double !== 0 || single !== 0)) return true;
  }
  return depth !== 0 || double !== 0 || single !== 0;
}

/**
 * Parses one file, fast when it can: documents read by js-yaml get their syntax tree (and every
 * diagnostic about syntax) from the positioned parse only when something asks for a position.
 */
export function parseYamlFile(text: string, file: string): Result<LoadedDocument[]> {
  const fast = fastParse(text);
  return fast === undefined ? parseYamlText(text, file) : fastDocuments(text, file, fast);
}

let onPositionedParse: ((file: string) => void) | undefined;

/**
 * Calls `hook` with the file's name each time a file the fast parser read is parsed again for
 * positions (from js-yaml's parse events or yaml's syntax tree), until the returned function is
 * called: tests hold commands to parsing only the files whose lines they print.
 */
export function watchPositionedParses(hook: (file: string) => void): () => void {
  onPositionedParse = hook;
  return () => {
    if (onPositionedParse === hook) onPositionedParse = undefined;
  };
}

/** Documents already read by the fast parser; their syntax tree is built when a position is asked for. */
function fastDocuments(text: string, file: string, fast: Record<string, unknown>[]): Result<LoadedDocument[]> {
  let positioned: LoadedDocument[] | undefined;
  let trees: { roots: PositionNode[]; lineStarts: number[] } | null | undefined;
  const position = (index: number, path: readonly PathSegment[], key: boolean) => {
    if (trees === undefined) {
      onPositionedParse?.(file);
      const roots = positionTrees(text, FAST_OPTIONS);
      trees = roots !== undefined && roots.length === fast.length ? { roots, lineStarts: lineStartsOf(text) } : null;
    }
    return trees === null ? undefined : lineColumn(trees.lineStarts, offsetOf(trees.roots[index]!, path, key));
  };
  const syntaxes: Syntax[] = [];
  const tree = (index: number): Syntax => {
    if (positioned === undefined) {
      onPositionedParse?.(file);
      positioned = parseYamlText(text, file).value;
    }
    // The two parsers agree on every file the fast one accepts (test/load/fast-parse.test.ts). Should they
    // ever not, the document keeps the data it was read with and its places fall back to line 1:
    // a message with a rough position, rather than a crash.
    return (syntaxes[index] ??=
      positioned.length === fast.length ? positioned[index]!.syntax() : { doc: new Document(fast[index]) as Document.Parsed, lineCounter: new LineCounter() });
  };
  return {
    value: fast.map((data, index) => ({
      file,
      index,
      data,
      text,
      fast: true as const,
      position: (path: readonly PathSegment[], key: boolean) => position(index, path, key),
      syntax: () => tree(index),
    })),
    diagnostics: [],
  };
}

/** Parses one file's text into documents; syntax problems become diagnostics. */
export function parseYamlText(text: string, file: string): Result<LoadedDocument[]> {
  const diagnostics: Diagnostic[] = [];
  const lineCounter = new LineCounter();
  const at = (offset: number): Source => {
    const pos = lineCounter.linePos(offset);
    return { file, line: pos.line, column: pos.col };
  };
  // parseAllDocuments, in two steps so that nesting is checked between them.
  const tokens = Array.from(new Parser(lineCounter.addNewLine).parse(text));
  for (const token of tokens) {
    const deep = tooDeep(token);
    if (deep !== undefined) {
      diagnostics.push(diagnostic(at(deep), `document is nested more than ${MAX_DEPTH} levels deep; access files need only a few levels`, 'yaml-syntax'));
      return { value: [], diagnostics };
    }
  }
  // logLevel 'error': yaml would otherwise print its own warnings (e.g. about collection keys) to the console.
  // Duplicate keys are found below, with a Set: yaml's own check compares every pair of keys, which
  // takes minutes on a few megabytes of keys.
  const list = Array.from(new Composer({ prettyErrors: false, uniqueKeys: false, strict: true, logLevel: 'error' }).compose(tokens));
  const loaded: LoadedDocument[] = [];
  list.forEach((doc, index) => {
    const duplicates = duplicateKeys(doc);
    for (const d of duplicates)
      diagnostics.push(
        diagnostic(
          at(d.offset),
          `duplicate key ${JSON.stringify(d.key)}: a mapping holds each key once (the first is on line ${lineCounter.linePos(d.first).line})`,
          'yaml-syntax',
        ),
      );
    if (duplicates.length > 0 && doc.errors.length === 0) return;
    for (const e of doc.errors) {
      const opened = unclosedStart(doc, e, text);
      const message = describeYamlError(e.code, e.message) + (opened === undefined ? '' : ' (opened here)');
      diagnostics.push(diagnostic(at(opened ?? e.pos[0]), message, 'yaml-syntax'));
    }
    for (const w of doc.warnings) {
      const detail = w.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      diagnostics.push(
        diagnostic(
          at(w.pos[0]),
          w.code === 'TAG_RESOLVE_FAILED' ? `${detail}; the value is read as a plain string` : `YAML: ${detail}`,
          'yaml-syntax',
          'warning',
        ),
      );
    }
    if (doc.errors.length > 0) return;
    if (isEmptyDocument(doc)) return; // e.g. after a trailing `---`, or only comments
    let data: unknown;
    try {
      // yaml refuses from maxAliasCount uses on; MAX_ALIAS_COUNT uses are allowed, as the message says.
      data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT + 1 });
    } catch (e) {
      const alias = e instanceof Error && /alias/i.test(e.message) ? aliasProblem(doc) : undefined;
      const message =
        alias?.undefinedAnchor !== undefined
          ? `unknown alias *${alias.undefinedAnchor}: no anchor &${alias.undefinedAnchor} comes before it in this document`
          : alias
            ? `too many aliases in one document (more than ${MAX_ALIAS_COUNT}); write the values out`
            : `cannot read this document: ${e instanceof Error ? e.message : String(e)}`;
      diagnostics.push(diagnostic(at(alias?.offset ?? doc.contents?.range?.[0] ?? 0), message, 'yaml-syntax'));
      return;
    }
    const syntax: Syntax = { doc, lineCounter };
    loaded.push({ file, index, syntax: () => syntax, data, text });
  });
  if (diagnostics.length === 0 && loaded.length === 0) {
    diagnostics.push(
      diagnostic({ file, line: 1, column: 1 }, 'file has no YAML documents; remove it or add a document with apiVersion and kind', 'empty-file'),
    );
  }
  return { value: loaded, diagnostics };
}

/**
 * Keys that a mapping already holds, as yaml's `uniqueKeys` finds them (scalar keys equal in type
 * and value), in one pass per mapping.
 */
function duplicateKeys(doc: Document.Parsed): { key: string; offset: number; first: number }[] {
  const out: { key: string; offset: number; first: number }[] = [];
  visit(doc, {
    Map: (_key, map) => {
      const seen = new Map<string, number>();
      for (const pair of map.items) {
        if (!isScalar(pair.key) || !pair.key.range) continue;
        const value = pair.key.value;
        const id = `${typeof value}:${String(value)}`;
        const first = seen.get(id);
        if (first === undefined) seen.set(id, pair.key.range[0]);
        else out.push({ key: String(value), offset: pair.key.range[0], first });
      }
    },
  });
  return out;
}

/** Offset of the first collection nested deeper than MAX_DEPTH, or undefined. Iterative: depth is what is checked. */
function tooDeep(token: CST.Token): number | undefined {
  const stack: [CST.Token | undefined, number][] = [[token, 0]];
  while (stack.length > 0) {
    const [t, depth] = stack.pop()!;
    if (t === undefined) continue;
    if (t.type === 'document') stack.push([t.value, depth]);
    else if (t.type === 'block-map' || t.type === 'block-seq' || t.type === 'flow-collection') {
      if (depth >= MAX_DEPTH) return t.offset;
      for (const item of t.items) stack.push(['key' in item ? (item.key ?? undefined) : undefined, depth + 1], [item.value, depth + 1]);
    }
  }
  return undefined;
}

/** A document with no content at all: yaml gives it an empty null scalar (not `~`, which is written out). */
function isEmptyDocument(doc: Document.Parsed): boolean {
  const c = doc.contents;
  return c === null || (isScalar(c) && c.value === null && c.range[0] === c.range[1] && !c.anchor && !c.tag);
}

/**
 * For a quoted string or flow collection that is never closed, yaml reports where it expected the
 * closing character (often the end of the file); the offset where it was opened is what to fix.
 */
function unclosedStart(doc: Document.Parsed, e: YAMLError, text: string): number | undefined {
  const closer = /Missing closing (["'])quote/.exec(e.message)?.[1] ?? /end with a ([\]}])/.exec(e.message)?.[1];
  if (closer === undefined) return undefined;
  const opener = closer === ']' ? '[' : closer === '}' ? '{' : closer;
  let start: number | undefined;
  visit(doc, {
    Node: (_key, node) => {
      const range = node.range;
      if (range && range[1] === e.pos[0] && text[range[0]] === opener) start = range[0];
    },
  });
  return start;
}

/**
 * The alias that a failed `toJS` is about: the first one whose anchor is not defined before it, else
 * the first alias at all (where an alias bomb starts expanding).
 */
function aliasProblem(doc: Document.Parsed): { offset: number; undefinedAnchor?: string } | undefined {
  const anchors = new Set<string>();
  let first: { offset: number } | undefined;
  let undefinedAlias: { offset: number; undefinedAnchor: string } | undefined;
  visit(doc, {
    Node: (_key, node) => {
      if (isAlias(node)) {
        const offset = node.range?.[0] ?? 0;
        first ??= { offset };
        if (!anchors.has(node.source) && !undefinedAlias) undefinedAlias = { offset, undefinedAnchor: node.source };
      } else if (node.anchor) anchors.add(node.anchor);
    },
  });
  return undefinedAlias ?? first;
}

function describeYamlError(code: string, message: string): string {
  const first = message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  switch (code) {
    case 'TAB_AS_INDENT':
      return 'tab character used for indentation; YAML indents with spaces only';
    default:
      return `YAML syntax error: ${first}`;
  }
}

type TextOrProblem = { text: string } | { problem: { message: string; line: number; column: number } };

/** Opened read-only, never following a symbolic link in the last component and never waiting (a FIFO opens at once). */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/** The real path of an open file descriptor (Linux), else of the path. */
function realPathOf(fd: number, path: string): string {
  try {
    return readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return realpathSync(path);
  }
}

/** The folder files must stay inside: as given, and its real path (undefined when it cannot be found). */
interface Root {
  dir: string;
  real: string | undefined;
}

function rootOf(dir: string | undefined): Root | undefined {
  if (dir === undefined) return undefined;
  try {
    return { dir, real: realpathSync(dir) };
  } catch {
    return { dir, real: undefined };
  }
}

const TOO_LARGE = `file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB; access files are small text files`;

/**
 * Reads one regular file without following links or blocking: opened with O_NOFOLLOW | O_NONBLOCK,
 * then checked with fstat on the open descriptor (what is read is what was checked, whatever is
 * swapped in meanwhile) and, with `root`, refused when it resolves outside that folder.
 */
function readRegularFile(path: string, root: Root | undefined): Buffer | string {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP' || code === 'EMLINK')
      return 'not read: it is a symbolic link, and links are not followed (files are read as they are in the folder); give the file it points to';
    if (code === 'EACCES' || code === 'EPERM') return 'cannot read: permission denied';
    if (code === 'ENOENT') return 'cannot read: it was removed while being read';
    return `cannot read: ${code ?? 'error'}`;
  }
  try {
    const info = fstatSync(fd);
    if (info.isDirectory()) return 'cannot read this folder: permission denied';
    if (!info.isFile()) return 'not read: it is not a regular file (a FIFO, socket or device); access files are regular files';
    // A second name for a file elsewhere (git never writes hard links in a checkout): what is read
    // would not be what the folder's history shows.
    if (info.nlink > 1)
      return 'not read: it is a hard link to a file that has other names, maybe outside the access folder; access files are read as they are in the folder';
    if (root !== undefined) {
      let real: string;
      try {
        real = realPathOf(fd, path);
      } catch {
        return 'cannot read: its real path cannot be determined';
      }
      const inside = root.real !== undefined && (real === root.real || real.startsWith(root.real.endsWith(sep) ? root.real : root.real + sep));
      if (!inside) return 'not read: it resolves outside the access folder';
    }
    if (info.size > MAX_FILE_BYTES) return TOO_LARGE;
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(65536);
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') return 'cannot read: it is not a regular file';
        return `cannot read: ${(e as NodeJS.ErrnoException).code ?? 'error'}`;
      }
      if (n === 0) break;
      total += n;
      if (total > MAX_FILE_BYTES) return TOO_LARGE;
      chunks.push(chunk.subarray(0, n));
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

/** One file's text, read from disk and checked, or the one problem that stops it being read. */
function readText(path: string, root: Root | undefined, keep?: (bytes: Buffer) => void): TextOrProblem {
  const at = (message: string) => ({ problem: { message, line: 1, column: 1 } });
  const shownFrom = root === undefined ? path : relative(resolve(root.dir), path);
  if (badPathCharacter(shownFrom))
    return at('file name holds a control character, line separator or backslash; rename the file (names are data, and these read as syntax)');
  const read = readRegularFile(path, root);
  if (typeof read === 'string') return at(read);
  keep?.(read);
  return checkText(read);
}

/** The text of an access file's bytes, checked (size, encoding, binary, long lines), or the one problem that stops it being read. */
function checkText(bytes: Buffer): TextOrProblem {
  const at = (message: string, line = 1, column = 1) => ({ problem: { message, line, column } });
  if (bytes.length > MAX_FILE_BYTES) return at(TOO_LARGE);
  // What Windows PowerShell's `>` writes.
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) return at('file is UTF-16 encoded; save it as UTF-8');
  if (bytes.includes(0)) return at('file is binary (contains NUL bytes), not YAML text');
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    const bad = firstInvalidUtf8(bytes);
    return at('file is not valid UTF-8; save it as UTF-8', bad.line, bad.column);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const long = firstLongLine(text);
  if (long !== undefined) return at(`line is longer than ${MAX_LINE_LENGTH} characters; access files have short lines`, long);
  return { text };
}

/** 1-based number of the first line longer than MAX_LINE_LENGTH characters, or undefined. */
function firstLongLine(text: string): number | undefined {
  let start = 0;
  for (let line = 1; ; line++) {
    const end = text.indexOf('\n', start);
    if ((end === -1 ? text.length : end) - start > MAX_LINE_LENGTH) return line;
    if (end === -1) return undefined;
    start = end + 1;
  }
}

/** One input file, read and parsed: its documents and the problems found reading it. */
export interface LoadedFile {
  /** The path it was read from. */
  path: string;
  /** As shown to users. */
  file: string;
  documents: LoadedDocument[];
  diagnostics: Diagnostic[];
  /** The bytes read, with `keepBytes` (undefined when the file could not be read). */
  bytes?: Buffer;
}

/** Parses the bytes of one access file shown as `file` (read from disk or from git). */
export function loadBytes(bytes: Buffer, file: string): Result<LoadedDocument[]> {
  return parsedText(checkText(bytes), file);
}

function parsedText(r: TextOrProblem, file: string): Result<LoadedDocument[]> {
  if ('problem' in r)
    return { value: [], diagnostics: [diagnostic({ file, line: r.problem.line, column: r.problem.column }, r.problem.message, 'unreadable-file')] };
  return parseYamlFile(r.text, file);
}

/**
 * Reads and parses files one by one, each with its own documents and problems. Files are shown
 * relative to `cwd` (default the process's working directory); `keepBytes` keeps what was read.
 */
export function loadEachFile(paths: readonly string[], options: { cwd?: string; keepBytes?: boolean; root?: string } = {}): LoadedFile[] {
  // One thread: split across two, reading and parsing small files was no faster (measured), as
  // V8's compiler and GC threads then compete for the second core.
  const root = rootOf(options.root);
  return paths.map((path) => {
    const shown = displayPath(path, options.cwd);
    // A name that holds syntax is shown escaped: it is data, whatever reads the message.
    const file = badPathCharacter(shown) ? printable(shown.replace(/\\/g, '\\\\')) : shown;
    let bytes: Buffer | undefined;
    const parsed = parsedText(readText(path, root, options.keepBytes ? (b) => (bytes = b) : undefined), file);
    return { path, file, documents: parsed.value, diagnostics: parsed.diagnostics, ...(bytes !== undefined && { bytes }) };
  });
}

/** Reads and parses files. Unreadable, binary and non-UTF-8 files become diagnostics. */
export async function loadFiles(paths: readonly string[], root?: string): Promise<Result<LoadedDocument[]>> {
  const diagnostics: Diagnostic[] = [];
  const documents: LoadedDocument[] = [];
  for (const f of loadEachFile(paths, { root })) {
    diagnostics.push(...f.diagnostics);
    documents.push(...f.documents);
  }
  return { value: documents, diagnostics };
}

function firstInvalidUtf8(bytes: Uint8Array): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i] !== 0x0a) continue;
    try {
      utf8.decode(bytes.subarray(lineStart, i));
    } catch {
      return { line, column: invalidUtf8Column(bytes.subarray(lineStart, i)) };
    }
    line++;
    lineStart = i + 1;
  }
  return { line: 1, column: 1 };
}

/** Column (in characters, as elsewhere) of the first byte of the first invalid UTF-8 sequence of a line. */
function invalidUtf8Column(line: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let decoded = 0;
  try {
    // Byte by byte: an incomplete sequence is held back, so when the decoder fails, what it has
    // returned so far ends just before the bad sequence.
    for (let i = 0; i < line.length; i++) decoded += decoder.decode(line.subarray(i, i + 1), { stream: true }).length;
    decoder.decode();
  } catch {
    // `decoded` is where the bad sequence starts.
  }
  return decoded + 1;
}

/** The YAML node at `path` inside a document, or undefined. */
export function nodeAt(doc: Document.Parsed, path: readonly PathSegment[]): Node | undefined {
  let node: unknown = doc.contents;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      node = pair?.value;
    } else if (isSeq(node)) {
      node = node.items[Number(seg)];
    } else {
      return undefined;
    }
  }
  return node as Node | undefined;
}

/** The key/value pair whose key is the last segment of `path`, or undefined. */
function pairAt(doc: Document.Parsed, path: readonly PathSegment[]): Pair | undefined {
  const parent = nodeAt(doc, path.slice(0, -1));
  const key = path[path.length - 1];
  if (!isMap(parent) || key === undefined) return undefined;
  const pair = parent.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(key));
  return pair as Pair | undefined;
}

/**
 * Position of the value at `path`; with `key`, of the key that holds it. Falls back to the nearest
 * existing ancestor, so every message has a line even when the path does not fully exist.
 */
export function locate(d: Pick<LoadedDocument, 'syntax' | 'file' | 'fast' | 'index' | 'position'>, path: readonly PathSegment[], key = false): Source {
  if (d.fast) {
    // Named by its place: the file is parsed with positions only if a message ever shows this line.
    const place: Place = {
      key: `${d.file}#${d.index}/${path.join('/')}${key ? '/:key' : ''}`,
      locate: () => d.position?.(path, key) ?? locateInTree(d, path, key),
    };
    return { file: d.file, line: 0, column: 0, [PLACE]: place };
  }
  return locateInTree(d, path, key);
}

function locateInTree(d: Pick<LoadedDocument, 'syntax' | 'file'>, path: readonly PathSegment[], key: boolean): Source {
  const { doc, lineCounter } = d.syntax();
  for (let n = path.length; n >= 0; n--) {
    const prefix = path.slice(0, n);
    const target: { range?: [number, number, number] | null } | undefined =
      key && n === path.length && n > 0 ? (pairAt(doc, prefix)?.key as Node | undefined) : nodeAt(doc, prefix);
    const offset = target?.range?.[0];
    if (offset !== undefined) {
      const pos = lineCounter.linePos(offset);
      return { file: d.file, line: pos.line, column: pos.col };
    }
  }
  return { file: d.file, line: 1, column: 1 };
}
