/**
 * Where each node of a file starts, from js-yaml's parse events: several times cheaper than yaml's
 * syntax tree, for files the fast parser read (plain block YAML; see fastParse in load.ts). Lint
 * findings on thousands of files need lines, and this is how they get them.
 *
 * js-yaml reports `open` before it skips the blanks and comments in front of a node, and `close`
 * with the value it built; the start is the first character after those blanks. When the events
 * cannot be matched to the value (a flow mapping entry without a value, say), the file is
 * reported as unreliable and the caller uses yaml's positioned parse. A test checks both agree on
 * every place of the example, the fixtures and mutated copies of them.
 */
import jsyaml from 'js-yaml';
import type { PathSegment } from './load.js';

export interface PositionNode {
  /** Offset of the node's first character. */
  start: number;
  /** Mapping entries by key: where the key starts, and the value's node. */
  entries?: Map<string, { key: number; value: PositionNode }>;
  /** Sequence items. */
  items?: PositionNode[];
}

interface Frame {
  open: number;
  children: PositionNode[];
  keys: unknown[];
}

/** Offset of the first character at or after `i` that is not a blank, a line break or a comment. */
function skipBlanks(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d) i++;
    else if (c === 0x23 /* # */) {
      const end = text.indexOf('\n', i);
      if (end === -1) return text.length;
      i = end + 1;
    } else return i;
  }
}

/** Offset of the first character at or after `i` that is not a space or a tab. */
function skipSpaces(text: string, i: number): number {
  while (text.charCodeAt(i) === 0x20 || text.charCodeAt(i) === 0x09) i++;
  return i;
}

/**
 * The position tree of each document of `text`, or undefined when the events could not be matched
 * to the values (the caller then takes yaml's positions).
 */
export function positionTrees(text: string, options: jsyaml.LoadOptions): PositionNode[] | undefined {
  const stack: Frame[] = [];
  const roots: PositionNode[] = [];
  let reliable = true;
  const listener = (event: string, state: { position: number; result: unknown; kind: string | null }): void => {
    if (event === 'open') {
      stack.push({ open: state.position, children: [], keys: [] });
      return;
    }
    const f = stack.pop()!;
    const result = state.result;
    const start = skipBlanks(text, f.open);
    // An empty value (`role:` and nothing) has no first character; yaml places it where it would start.
    const node: PositionNode = { start: result === null && state.position <= start ? skipSpaces(text, f.open) : start };
    if (state.kind === 'mapping' && result !== null && typeof result === 'object' && !Array.isArray(result)) {
      const count = Object.keys(result).length;
      if (f.children.length !== 2 * count) reliable = false;
      else {
        node.entries = new Map();
        for (let i = 0; i < f.children.length; i += 2) node.entries.set(String(f.keys[i]), { key: f.children[i]!.start, value: f.children[i + 1]! });
        if (node.entries.size !== count) reliable = false;
      }
    } else if (state.kind === 'sequence' && Array.isArray(result)) {
      if (f.children.length !== result.length) reliable = false;
      else node.items = f.children;
    }
    const parent = stack[stack.length - 1];
    if (parent) {
      parent.children.push(node);
      parent.keys.push(result);
    } else roots.push(node);
  };
  try {
    jsyaml.loadAll(text, null, { ...options, listener } as jsyaml.LoadOptions);
  } catch {
    return undefined;
  }
  return reliable ? roots : undefined;
}

function nodeAt(root: PositionNode, path: readonly PathSegment[]): PositionNode | undefined {
  let node: PositionNode | undefined = root;
  for (const seg of path) {
    if (node?.entries) node = node.entries.get(String(seg))?.value;
    else if (node?.items) node = node.items[Number(seg)];
    else return undefined;
  }
  return node;
}

/**
 * Offset of the value at `path` (with `key`, of its key), falling back to the nearest existing
 * ancestor as yaml's `locate` does.
 */
export function offsetOf(root: PositionNode, path: readonly PathSegment[], key: boolean): number {
  for (let n = path.length; n >= 0; n--) {
    const prefix = path.slice(0, n);
    const offset =
      key && n === path.length && n > 0 ? nodeAt(root, prefix.slice(0, -1))?.entries?.get(String(prefix[n - 1]))?.key : nodeAt(root, prefix)?.start;
    if (offset !== undefined) return offset;
  }
  return 0;
}

/** 1-based line and column of `offset`, from the offsets where lines start. */
export function lineColumn(lineStarts: readonly number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - lineStarts[lo]! + 1 };
}

export function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}
