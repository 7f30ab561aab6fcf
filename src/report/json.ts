import type { Finding } from '../lint/types.js';
import { countFindings } from './text.js';

/**
 * `{"findings": [...], "summary": {...}}` (SPEC §4): one object per finding with its waiver where
 * there is one, then the counts of unwaived errors, warnings and info, of waived findings, and in all.
 */
export function formatJson(findings: readonly Finding[]): string {
  return JSON.stringify({ findings, summary: { ...countFindings(findings), total: findings.length } }, null, 2) + '\n';
}
