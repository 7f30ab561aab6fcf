import { printable } from './text.js';

/** A source named by its place in the document rather than by line, so it can be told apart without computing the line. */
export const PLACE = Symbol('place');

/** Where something came from in the input: a file (relative to the working directory) and a 1-based position. */
export interface Source {
  file: string;
  line: number;
  column: number;
  /** Set by sources whose line is computed only when read: see placeKey. */
  readonly [PLACE]?: string;
}

/** A key equal for two sources exactly when they name the same place, which needs no line for a lazily located source. */
export function placeKey(at: Source): string {
  return at[PLACE] ?? `${at.file}:${at.line}:${at.column}`;
}

export type Severity = 'error' | 'warning' | 'info';

/** One problem found in the input. Bad input is reported, never thrown. */
export interface Diagnostic extends Source {
  severity: Severity;
  message: string;
  /** A stable id naming the check, e.g. `yaml-syntax`, `schema`, `unknown-reference`. */
  ruleId: string;
}

export function diagnostic(at: Source, message: string, ruleId: string, severity: Severity = 'error'): Diagnostic {
  return { file: at.file, line: at.line, column: at.column, severity, message, ruleId };
}

function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    a.line - b.line ||
    a.column - b.column ||
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
  return `${printable(d.file)}:${d.line}:${d.column}  ${d.severity}  ${printable(d.message)}  (${d.ruleId})`;
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
