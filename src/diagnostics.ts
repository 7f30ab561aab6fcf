import { printable } from './text.js';

/** The key of a source's Place: see Source. */
export const PLACE = Symbol('place');

/**
 * A place in a document whose line and column are worked out only when something prints or
 * compares them (a document read by the fast parser has no positions until then).
 */
export interface Place {
  /** Equal for two places exactly when they are the same place: see placeKey. */
  readonly key: string;
  /** Works out the line and column; called once, by positionOf. */
  readonly locate: () => Position;
  /** What locate returned, kept. */
  position?: Position;
}

/** A 1-based line and column. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/**
 * Where something came from in the input: a file (relative to the working directory) and a 1-based
 * position. Plain data: a source whose position is not worked out yet has line and column 0 and its
 * Place under a symbol key, which spreads copy and JSON leaves out. Read the position with positionOf.
 */
export interface Source {
  file: string;
  line: number;
  column: number;
  readonly [PLACE]?: Place;
}

/**
 * The line and column of `at`: the ones it holds, or, for a source whose position is not worked
 * out yet, its place's, worked out on the first call for that place and kept. Everything that
 * prints or compares positions reads them through this.
 */
export function positionOf(at: Source): Position {
  const place = at[PLACE];
  if (place === undefined || at.line !== 0) return at;
  return (place.position ??= place.locate());
}

/** `x` with its line and column worked out: itself when they are, else a copy. What is printed or serialised. */
export function positioned<T extends Source>(x: T): T {
  if (x[PLACE] === undefined || x.line !== 0) return x;
  const { line, column } = positionOf(x);
  return { ...x, line, column };
}

/** Orders two sources of one file by line, then column. */
export function comparePositions(a: Source, b: Source): number {
  const pa = positionOf(a);
  const pb = positionOf(b);
  return pa.line - pb.line || pa.column - pb.column;
}

/** `file:line:column`, as messages name a place. */
export function placeText(at: Source): string {
  const { line, column } = positionOf(at);
  return `${at.file}:${line}:${column}`;
}

/** `file:line`, as messages name a place when the column does not matter. */
export function lineText(at: Source): string {
  return `${at.file}:${positionOf(at).line}`;
}

/** A key equal for two sources exactly when they name the same place, which needs no line for a source not yet positioned. */
export function placeKey(at: Source): string {
  return at[PLACE]?.key ?? `${at.file}:${at.line}:${at.column}`;
}

export type Severity = 'error' | 'warning' | 'info';

/** One problem found in the input. Bad input is reported, never thrown. */
export interface Diagnostic extends Source {
  severity: Severity;
  message: string;
  /** A stable id naming the check, e.g. `yaml-syntax`, `schema`, `unknown-reference`. */
  ruleId: string;
}

/** A diagnostic at `at`, its position worked out: diagnostics are printed. */
export function diagnostic(at: Source, message: string, ruleId: string, severity: Severity = 'error'): Diagnostic {
  const { line, column } = positionOf(at);
  return { file: at.file, line, column, severity, message, ruleId };
}

function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    comparePositions(a, b) ||
    (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) ||
    (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)
  );
}

/** Sorted and without exact repeats, so output is stable whatever order the checks ran in. */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  const sorted = [...list].sort(compareDiagnostics);
  return sorted.filter((d, i) => i === 0 || compareDiagnostics(d, sorted[i - 1]!) !== 0 || d.severity !== sorted[i - 1]!.severity);
}

export function hasErrors(list: readonly Diagnostic[]): boolean {
  return list.some((d) => d.severity === 'error');
}

export function formatDiagnostic(d: Diagnostic): string {
  const { line, column } = positionOf(d);
  return `${printable(d.file)}:${line}:${column}  ${d.severity}  ${printable(d.message)}  (${d.ruleId})`;
}

/** Each diagnostic on a line, then the count of errors and warnings when there are any: what commands print on stderr. */
export function formatDiagnostics(list: readonly Diagnostic[]): string {
  const errors = list.filter((d) => d.severity === 'error').length;
  const warnings = list.filter((d) => d.severity === 'warning').length;
  return list.map((d) => formatDiagnostic(d) + '\n').join('') + (errors + warnings > 0 ? `${errors} error(s), ${warnings} warning(s)\n` : '');
}

/**
 * The command was used wrongly or could not run (exit code 2): a missing folder, a bad flag value.
 * Input problems are diagnostics, not this.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A value together with everything found wrong on the way to it. */
export interface Result<T> {
  value: T;
  diagnostics: Diagnostic[];
}
