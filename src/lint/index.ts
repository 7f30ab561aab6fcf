import { positioned, type Diagnostic } from '../diagnostics.js';
import { loadAccess } from '../pipeline.js';
import { inputFromModel } from './from-model.js';
import { compareFindings, lint, rulesThatCanFail } from './run.js';
import type { Finding } from './types.js';
import type { AccessModel } from '../model/types.js';

export interface LintResult {
  /** Load, schema and reference problems (lint rules do not run when there are errors among them). */
  diagnostics: Diagnostic[];
  findings: Finding[];
}

/** Today's date as YYYY-MM-DD in UTC: expiry dates are whole days. */
export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

/** validate + every lint rule over the access folder `dir`. */
export async function lintAccess(
  dir: string,
  options: { today?: string } = {},
): Promise<LintResult & { model?: NonNullable<Awaited<ReturnType<typeof loadAccess>>['model']> }> {
  const loaded = await loadAccess(dir);
  if (!loaded.model) return { diagnostics: loaded.diagnostics, findings: [] };
  return { diagnostics: loaded.diagnostics, findings: lintModel(loaded.model, dir, options.today ?? todayUtc()), model: loaded.model };
}

/**
 * Every lint rule over a model built from the access folder `dir`; with `onlyFailing`, only the
 * rules that can fail the run (what `generate` needs to know, several times faster).
 */
export function lintModel(model: AccessModel, dir: string, today: string, onlyFailing = false): Finding[] {
  return lint(inputFromModel(model, today), { accessDir: dir, ...(onlyFailing && { rules: rulesThatCanFail(model.lintPolicy, today) }) });
}

/**
 * The unwaived errors of the rules that can fail a run (what stops `generate`), in the order lint
 * reports them. Only their positions are worked out: the other findings are never printed, and a
 * large folder's files are not parsed again for their lines.
 */
export function blockingFindings(model: AccessModel, dir: string, today: string): Finding[] {
  const findings = lint(inputFromModel(model, today), { accessDir: dir, rules: rulesThatCanFail(model.lintPolicy, today), sort: false });
  return findings
    .filter((f) => f.severity === 'error' && !f.waived)
    .map(positioned)
    .sort(compareFindings);
}

/** Validation problems in the shape of findings, so every output format carries them too. */
export function diagnosticsAsFindings(diagnostics: readonly Diagnostic[]): Finding[] {
  return diagnostics.map(positioned).map((d) => ({
    ruleId: d.ruleId,
    code: 'INPUT',
    severity: d.severity,
    risk: d.severity === 'error' ? 'medium' : 'low',
    message: d.message,
    file: d.file,
    line: d.line,
    column: d.column,
  }));
}
