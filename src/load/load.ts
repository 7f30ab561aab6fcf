import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { relative, resolve, sep } from 'node:path';
import fg from 'fast-glob';
import { Composer, Document, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, Parser, visit, type CST, type Node, type Pair, type YAMLError } from 'yaml';
import { diagnostic, UsageError, type Diagnostic, type Result, type Source } from '../diagnostics.js';

/** One YAML document of one input file, with what is needed to point back into it. */
export interface LoadedDocument {
  /** Path as shown to users: relative to the working directory, with `/`. */
  file: string;
  /** 0-based index of the document within its file. */
  index: number;
  doc: Document.Parsed;
  lineCounter: LineCounter;
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

/** Every `*.yaml` / `*.yml` under `dir`, sorted. A missing folder is a usage error. */
export async function discoverFiles(dir: string): Promise<string[]> {
  const root = resolve(dir);
  let info;
  try {
    info = await stat(root);
  } catch {
    throw new UsageError(`folder not found: ${dir}`);
  }
  if (!info.isDirectory()) throw new UsageError(`not a folder: ${dir}`);
  const files = await fg(['**/*.yaml', '**/*.yml'], { cwd: root, absolute: true, dot: false, followSymbolicLinks: false, onlyFiles: true });
  return files.sort();
}

/** Reads files or folders given on the command line (for `--manifests`), expanding folders to their YAML and JSON files. */
export async function expandPaths(paths: readonly string[]): Promise<string[]> {
  const out = new Set<string>();
  for (const p of paths) {
    let info;
    try {
      info = await stat(p);
    } catch {
      throw new UsageError(`file or folder not found: ${p}`);
    }
    if (info.isDirectory()) {
      for (const f of await fg(['**/*.yaml', '**/*.yml', '**/*.json'], { cwd: resolve(p), absolute: true, onlyFiles: true, followSymbolicLinks: false })) out.add(f);
    }
    else out.add(resolve(p));
  }
  return [...out].sort();
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

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
  const list = Array.from(new Composer({ prettyErrors: false, uniqueKeys: true, strict: true, logLevel: 'error' }).compose(tokens));
  const loaded: LoadedDocument[] = [];
  list.forEach((doc, index) => {
    for (const e of doc.errors) {
      const opened = unclosedStart(doc, e, text);
      const message = describeYamlError(e.code, e.message) + (opened === undefined ? '' : ' (opened here)');
      diagnostics.push(diagnostic(at(opened ?? e.pos[0]), message, 'yaml-syntax'));
    }
    for (const w of doc.warnings) {
      const detail = w.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      diagnostics.push(diagnostic(at(w.pos[0]), w.code === 'TAG_RESOLVE_FAILED' ? `${detail}; the value is read as a plain string` : `YAML: ${detail}`, 'yaml-syntax', 'warning'));
    }
    if (doc.errors.length > 0) return;
    if (isEmptyDocument(doc)) return; // e.g. after a trailing `---`, or only comments
    let data: unknown;
    try {
      data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      const alias = e instanceof Error && /alias/i.test(e.message) ? aliasProblem(doc) : undefined;
      const message = alias?.undefinedAnchor !== undefined
        ? `unknown alias *${alias.undefinedAnchor}: no anchor &${alias.undefinedAnchor} comes before it in this document`
        : alias
          ? `too many aliases in one document (more than ${MAX_ALIAS_COUNT}); write the values out`
          : `cannot read this document: ${e instanceof Error ? e.message : String(e)}`;
      diagnostics.push(diagnostic(at(alias?.offset ?? doc.contents?.range?.[0] ?? 0), message, 'yaml-syntax'));
      return;
    }
    loaded.push({ file, index, doc, lineCounter, data, text });
  });
  if (diagnostics.length === 0 && loaded.length === 0) {
    diagnostics.push(diagnostic({ file, line: 1, column: 1 }, 'file has no YAML documents; remove it or add a document with apiVersion and kind', 'empty-file'));
  }
  return { value: loaded, diagnostics };
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
      for (const item of t.items) stack.push(['key' in item ? item.key ?? undefined : undefined, depth + 1], [item.value, depth + 1]);
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
    case 'DUPLICATE_KEY':
      return `duplicate key: ${first.replace(/^Map keys must be unique:? ?/, '') || 'map keys must be unique'}`.replace(/: $/, '');
    case 'TAB_AS_INDENT':
      return 'tab character used for indentation; YAML indents with spaces only';
    default:
      return `YAML syntax error: ${first}`;
  }
}

/** Reads and parses files. Unreadable, binary and non-UTF-8 files become diagnostics. */
export async function loadFiles(paths: readonly string[]): Promise<Result<LoadedDocument[]>> {
  const diagnostics: Diagnostic[] = [];
  const documents: LoadedDocument[] = [];
  // Synchronous reads: for thousands of small files they beat a thread-pool round trip per file.
  const texts = paths.map((path) => {
    try {
      return { path, bytes: readFileSync(path) };
    } catch (e) {
      return { path, error: e instanceof Error ? e.message : String(e) };
    }
  });
  for (const entry of texts) {
    const file = displayPath(entry.path);
    const start = { file, line: 1, column: 1 };
    if (!('bytes' in entry) || entry.bytes === undefined) {
      diagnostics.push(diagnostic(start, `cannot read file: ${'error' in entry ? entry.error : 'unknown error'}`, 'unreadable-file'));
      continue;
    }
    const { bytes } = entry;
    if (bytes.length > MAX_FILE_BYTES) {
      diagnostics.push(diagnostic(start, `file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB; access files are small text files`, 'unreadable-file'));
      continue;
    }
    if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
      // What Windows PowerShell's `>` writes.
      diagnostics.push(diagnostic(start, 'file is UTF-16 encoded; save it as UTF-8', 'unreadable-file'));
      continue;
    }
    if (bytes.includes(0)) {
      diagnostics.push(diagnostic(start, 'file is binary (contains NUL bytes), not YAML text', 'unreadable-file'));
      continue;
    }
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      const bad = firstInvalidUtf8(bytes);
      diagnostics.push(diagnostic({ file, ...bad }, 'file is not valid UTF-8; save it as UTF-8', 'unreadable-file'));
      continue;
    }
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const long = firstLongLine(text);
    if (long !== undefined) {
      diagnostics.push(diagnostic({ file, line: long, column: 1 }, `line is longer than ${MAX_LINE_LENGTH} characters; access files have short lines`, 'unreadable-file'));
      continue;
    }
    const parsed = parseYamlText(text, file);
    diagnostics.push(...parsed.diagnostics);
    documents.push(...parsed.value);
  }
  return { value: documents, diagnostics };
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
export function pairAt(doc: Document.Parsed, path: readonly PathSegment[]): Pair | undefined {
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
export function locate(d: Pick<LoadedDocument, 'doc' | 'lineCounter' | 'file'>, path: readonly PathSegment[], key = false): Source {
  for (let n = path.length; n >= 0; n--) {
    const prefix = path.slice(0, n);
    const target: { range?: [number, number, number] | null } | undefined =
      key && n === path.length && n > 0 ? (pairAt(d.doc, prefix)?.key as Node | undefined) : nodeAt(d.doc, prefix);
    const offset = target?.range?.[0];
    if (offset !== undefined) {
      const pos = d.lineCounter.linePos(offset);
      return { file: d.file, line: pos.line, column: pos.col };
    }
  }
  return { file: d.file, line: 1, column: 1 };
}
