import { positioned } from '../diagnostics.js';
import type { Finding } from '../lint/types.js';
import { countFindings } from './text.js';

/** A finding as written: its position and its waiver's worked out. */
function withPositions(f: Finding): Finding {
  const p = positioned(f);
  return p.waived === undefined ? p : { ...p, waived: { ...p.waived, at: positioned(p.waived.at) } };
}

/**
 * `{"findings": [...], "summary": {...}}` (SPEC §4): one object per finding with its waiver where
 * there is one, then the counts of unwaived errors, warnings and info, of waived findings, and in all.
 */
export function formatJson(findings: readonly Finding[]): string {
  return JSON.stringify({ findings: findings.map(withPositions), summary: { ...countFindings(findings), total: findings.length } }, null, 2) + '\n';
}
