/**
 * `eks-access expire [--write]`: removes expired grants and people from the access files. Without
 * `--write` it prints what it would remove and the diff; with it, it edits the files in place.
 *
 * The edits are cuts out of the file's text, found through yaml's Document API (the ranges of the
 * `access` items and of the documents), so every other line, comment and blank stays as it was: an
 * expired grant is its `- ` item with the lines indented under it; an expired person is their whole
 * document, or their file when it holds nothing else. A flow-style `access: [...]` is rewritten
 * through the Document API (comments kept, layout normalised). `generate` already leaves expired
 * access out of its output; this makes the files say so too.
 */
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { isMap, isSeq, parseAllDocuments, Parser, type Document } from 'yaml';
import { positionOf, UsageError } from '../diagnostics.js';
import { describeGrant } from '../lint/rules/process/util.js';
import { findExpired } from '../model/expiry.js';
import type { AccessModel } from '../model/types.js';
import { compareStrings } from '../text.js';

/** One thing removed from one file. */
export interface Removal {
  file: string;
  line: number;
  column: number;
  employee: string;
  /** undefined: the whole person. */
  grant?: string;
  expired: string;
}

/** The new text of each file that changes (`undefined`: the file is deleted). */
export interface ExpirePlan {
  removals: Removal[];
  files: Map<string, { before: string; after: string | undefined }>;
}

interface Cut {
  from: number;
  to: number;
  insert?: string;
}

const lineStart = (text: string, offset: number): number => text.lastIndexOf('\n', offset - 1) + 1;
const nextLine = (text: string, offset: number): number => {
  const nl = text.indexOf('\n', offset);
  return nl === -1 ? text.length : nl + 1;
};

/** Is `doc` the Employee document of `name`? */
function isEmployeeDoc(doc: Document.Parsed, name: string): boolean {
  return doc.get('kind') === 'Employee' && doc.get('name') === name;
}

/**
 * The text of block sequence item `index` of `seq`: from the start of its `- ` line to the first
 * later line indented no deeper than the dash (blank lines in between go with it).
 */
function itemCut(text: string, dash: number, end: number): Cut {
  let from = lineStart(text, dash);
  const column = dash - from;
  // Comment lines right above the item, at its dash's column, are about it.
  while (from > 0) {
    const above = lineStart(text, from - 1);
    const line = text.slice(above, from).replace(/\r?\n$/, '');
    if (!/^\s*#/.test(line) || line.length - line.trimStart().length !== column) break;
    from = above;
  }
  let to = nextLine(text, dash);
  let lastContent = to;
  while (to < end) {
    const next = nextLine(text, to);
    const line = text.slice(to, next).replace(/\r?\n$/, '');
    if (line.trim() === '') {
      to = next;
      continue;
    }
    const indent = line.length - line.trimStart().length;
    if (indent <= column) break;
    to = next;
    lastContent = to;
  }
  // A blank line on both sides of the cut: one of them goes too.
  const blankAbove = from > 0 && text.slice(lineStart(text, from - 1), from).trim() === '';
  if (blankAbove && lastContent < end && text.slice(lastContent, nextLine(text, lastContent)).trim() === '') lastContent = nextLine(text, lastContent);
  return { from, to: lastContent };
}

/** The offset of the `- ` of a block sequence item whose value starts at `valueStart`. */
function dashBefore(text: string, valueStart: number): number | undefined {
  for (let i = valueStart - 1; i >= 0; i--) {
    const ch = text[i]!;
    if (ch === '-') return i;
    if (ch !== ' ' && ch !== '\t') return undefined;
  }
  return undefined;
}

/** Edits of one file: documents removed whole, grant indices removed per document. */
function editFile(text: string, file: string, people: ReadonlySet<string>, grants: ReadonlyMap<string, ReadonlySet<number>>): string | undefined {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) return text;
  const tokens = [...new Parser().parse(text)];
  const docTokens = tokens.filter((t) => t.type === 'document');
  if (docTokens.length !== docs.length)
    throw new UsageError(`${file}: cannot edit this file safely (its documents could not be told apart); remove the expired access by hand`);
  const cuts: Cut[] = [];
  const rewritten = new Set<number>();
  const edits: { doc: Document.Parsed; indices: ReadonlySet<number> }[] = [];
  const removed = new Set<number>();
  let kept = 0;
  docs.forEach((doc, i) => {
    const name = doc.get('name');
    if (typeof name === 'string' && isEmployeeDoc(doc, name) && people.has(name)) {
      const start = docTokens[i]!.offset;
      const later = tokens.find((t) => t.offset > start && t.type === 'document');
      cuts.push({ from: start, to: later ? later.offset : text.length });
      removed.add(i);
      return;
    }
    kept++;
    const indices = typeof name === 'string' && isEmployeeDoc(doc, name) ? grants.get(name) : undefined;
    if (!indices || indices.size === 0) return;
    const access = doc.get('access', true);
    if (!isSeq(access)) return;
    edits.push({ doc, indices });
    const blockItems = access.items.map((item) => {
      const range = (item as { range?: [number, number, number] }).range;
      return range ? dashBefore(text, range[0]) : undefined;
    });
    const block = access.flow !== true && blockItems.every((d) => d !== undefined);
    if (!block) {
      rewritten.add(i);
      return;
    }
    const seqEnd = access.range?.[2] ?? text.length;
    for (const index of indices) {
      const dash = blockItems[index]!;
      const nextDash = blockItems[index + 1];
      cuts.push(itemCut(text, dash, nextDash !== undefined ? lineStart(text, nextDash) : Math.max(seqEnd, nextLine(text, dash))));
    }
    if (indices.size === access.items.length) {
      // Nothing left: `access: []`, written right after the key's colon.
      const pair = isMap(doc.contents) ? doc.contents.items.find((p) => (p.key as { value?: unknown } | null)?.value === 'access') : undefined;
      const keyEnd = (pair?.key as { range?: [number, number, number] } | undefined)?.range?.[1];
      const colon = keyEnd === undefined ? -1 : text.indexOf(':', keyEnd);
      if (colon >= 0) cuts.push({ from: colon + 1, to: colon + 1, insert: ' []' });
    }
  });
  if (kept === 0) return undefined;
  let out = text;
  if (rewritten.size > 0) {
    // A flow sequence is edited: the whole file through the Document API (comments kept, layout normalised).
    for (const { doc, indices } of edits) for (const index of [...indices].sort((a, b) => b - a)) doc.deleteIn(['access', index]);
    return docs.flatMap((d, i) => (removed.has(i) ? [] : [d.toString({ lineWidth: 0 })])).join('');
  }
  for (const cut of cuts.sort((a, b) => b.from - a.from || b.to - a.to)) {
    out = out.slice(0, cut.from) + (cut.insert ?? '') + out.slice(cut.to);
  }
  return out;
}

/** What `expire` removes from the access folder of `model`, as of `today`, and the files' new text. */
export async function planExpire(model: AccessModel, today: string): Promise<ExpirePlan> {
  const expired = findExpired(model, today);
  const byFile = new Map<string, { people: Set<string>; grants: Map<string, Set<number>> }>();
  const entry = (file: string) => {
    let e = byFile.get(file);
    if (!e) byFile.set(file, (e = { people: new Set(), grants: new Map() }));
    return e;
  };
  const removals: Removal[] = [];
  for (const e of expired.employees) {
    entry(e.file).people.add(e.name);
    const { line, column } = positionOf(e.expiresAt ?? e.at);
    removals.push({ file: e.file, line, column, employee: e.name, expired: e.expires! });
  }
  for (const { employee, grant } of expired.grants) {
    const f = entry(employee.file);
    let set = f.grants.get(employee.name);
    if (!set) f.grants.set(employee.name, (set = new Set()));
    set.add(grant.index);
    const { line, column } = positionOf(grant.at);
    removals.push({
      file: employee.file,
      line,
      column,
      employee: employee.name,
      grant: describeGrant(grant),
      expired: grant.expires!,
    });
  }
  const files = new Map<string, { before: string; after: string | undefined }>();
  for (const [file, { people, grants }] of [...byFile].sort((a, b) => compareStrings(a[0], b[0]))) {
    const before = await readFile(resolve(file), 'utf8');
    files.set(file, { before, after: editFile(before, file, people, grants) });
  }
  removals.sort((a, b) => compareStrings(a.file, b.file) || a.line - b.line || a.column - b.column);
  return { removals, files };
}

export function describeRemoval(r: Removal): string {
  return r.grant === undefined ? `employee ${r.employee} (expired on ${r.expired})` : `${r.employee}'s grant ${r.grant} (expired on ${r.expired})`;
}

/** Writes each changed file through a temporary file and a rename; deleted files last. */
export async function applyPlan(plan: ExpirePlan): Promise<void> {
  for (const [file, { after }] of plan.files) {
    if (after === undefined) continue;
    const tmp = `${resolve(file)}.eks-access-expire-${process.pid}`;
    await writeFile(tmp, after);
    await rename(tmp, resolve(file));
  }
  for (const [file, { after }] of plan.files) if (after === undefined) await rm(resolve(file));
}
