import { positioned } from '../diagnostics.js';
import type { Finding, Risk } from '../lint/types.js';
import { compareStrings, printable } from '../text.js';

const RISK_ORDER: Record<Risk, number> = { critical: 0, high: 1, medium: 2, low: 3 };
const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

/** Counts of unwaived findings per severity, and of waived ones: the closing line and JSON's summary. */
export interface FindingCounts {
  errors: number;
  warnings: number;
  info: number;
  waived: number;
}

export function countFindings(findings: readonly Finding[]): FindingCounts {
  const counts: FindingCounts = { errors: 0, warnings: 0, info: 0, waived: 0 };
  for (const f of findings) {
    if (f.waived) counts.waived++;
    else if (f.severity === 'error') counts.errors++;
    else if (f.severity === 'warning') counts.warnings++;
    else counts.info++;
  }
  return counts;
}

/** What a finding is about, for its heading: the grant or binding, else the object, person or file. */
function headingOf(f: Finding): string {
  if (f.grant !== undefined) return f.grant;
  const parts = [f.object, f.employee !== undefined ? `employee ${f.employee}` : undefined, f.cluster !== undefined ? `on ${f.cluster}` : undefined].filter(
    (x): x is string => x !== undefined,
  );
  if (parts.length > 0) return parts.join(' ');
  return f.code.startsWith('AUTH') ? 'aws-auth or access-entry mapping' : 'this object';
}

/** The message without the heading's own words at its start ("employee bob can ..." -> "can ..."). */
function shortMessage(f: Finding): string {
  const m = f.message;
  if (f.grant === undefined) return m;
  const subject = /^(.*?) (cluster-wide|in |through )/.exec(f.grant)?.[1];
  if (subject === undefined || !m.startsWith(`${subject} `)) return m;
  // The heading says where and through what; the line keeps what can be done and why it matters.
  const rest = f.grant.slice(subject.length);
  const short = m.slice(subject.length + 1);
  return short.includes(rest) ? short.replace(rest, '') : short;
}

/** More than this many findings under one heading: the less risky ones are named on one line. */
const FOLD_AFTER = 3;

/**
 * The findings of a heading (most risky first) that the text output names on one line instead of
 * one line each: under a full wildcard everything it includes; under a busy heading (a built-in
 * role like edit) those below its highest risk. Waived ones are always shown. JSON and SARIF keep
 * one result per finding.
 */
function foldedOf(sorted: readonly Finding[]): Finding[] {
  const open = sorted.filter((f) => !f.waived);
  if (open.some((f) => f.ruleId === 'full-wildcard')) return open.filter((f) => f.ruleId !== 'full-wildcard');
  if (open.length <= FOLD_AFTER) return [];
  const top = Math.min(...open.map((f) => RISK_ORDER[f.risk]));
  return open.filter((f) => RISK_ORDER[f.risk] > top);
}

/**
 * One heading per grant or binding (its place, then who, where and through what), its findings
 * under it from the most to the least risky, then the counts. Headings follow the files and lines.
 */
export function formatText(given: readonly Finding[]): string {
  const findings = given.map(positioned);
  const lines: string[] = [];
  // Problems with the input itself (schema, syntax) are one located line each, as validate prints them.
  for (const f of findings)
    if (f.code === 'INPUT') lines.push(`${printable(f.file)}:${f.line}:${f.column}  ${f.severity}  ${printable(f.message)}  (${f.ruleId})`);
  const groups = new Map<string, { place: string; file: string; line: number; column: number; heading: string; findings: Finding[] }>();
  for (const f of findings) {
    if (f.code === 'INPUT') continue;
    const heading = headingOf(f);
    const key = `${f.file}\u0000${f.line}\u0000${f.column}\u0000${heading}`;
    let g = groups.get(key);
    if (!g) {
      g = { place: `${printable(f.file)}:${f.line}:${f.column}`, file: f.file, line: f.line, column: f.column, heading, findings: [] };
      groups.set(key, g);
    }
    g.findings.push(f);
  }
  const ordered = [...groups.values()].sort(
    (a, b) => compareStrings(a.file, b.file) || a.line - b.line || a.column - b.column || compareStrings(a.heading, b.heading),
  );
  if (lines.length > 0 && ordered.length > 0) lines.push('');
  for (const g of ordered) {
    lines.push(`${g.place}  ${printable(g.heading)}`);
    const sorted = [...g.findings].sort(
      (a, b) =>
        RISK_ORDER[a.risk] - RISK_ORDER[b.risk] ||
        SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
        compareStrings(a.ruleId, b.ruleId) ||
        compareStrings(a.message, b.message),
    );
    const folded = foldedOf(sorted);
    for (const f of sorted) {
      if (folded.includes(f)) continue;
      const sev = f.waived ? `${f.severity} (waived until ${f.waived.expires}: ${printable(f.waived.reason)})` : f.severity;
      lines.push(`  ${sev}  [${f.risk}] ${printable(shortMessage(f))}  (${f.ruleId})`);
    }
    // One line per severity and risk: `  warning  [medium] also (5): broad-delete, ...`.
    const byLevel = new Map<string, Finding[]>();
    for (const f of folded) {
      const key = `${f.severity}  [${f.risk}]`;
      byLevel.set(key, [...(byLevel.get(key) ?? []), f]);
    }
    for (const [key, list] of byLevel) lines.push(`  ${key} also (${list.length}): ${[...new Set(list.map((f) => f.ruleId))].join(', ')}`);
    lines.push('');
  }
  const c = countFindings(findings);
  lines.push(`${c.errors} error(s), ${c.warnings} warning(s), ${c.info} info, ${c.waived} waived`);
  return lines.join('\n') + '\n';
}

/** `file:line:col  severity  [risk] message  (rule-id)`, one per line, then the counts: what generate prints of the errors that stop it. */
export function formatFlat(given: readonly Finding[]): string {
  const findings = given.map(positioned);
  const lines = findings.map((f) => {
    const sev = f.waived ? `${f.severity} (waived until ${f.waived.expires}: ${printable(f.waived.reason)})` : f.severity;
    return `${printable(f.file)}:${f.line}:${f.column}  ${sev}  [${f.risk}] ${printable(f.message)}  (${f.ruleId})`;
  });
  const c = countFindings(findings);
  lines.push(`${c.errors} error(s), ${c.warnings} warning(s), ${c.info} info, ${c.waived} waived`);
  return lines.join('\n') + '\n';
}
