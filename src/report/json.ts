import type { Finding } from '../lint/types.js';

/** `{"findings": [...]}` (SPEC §4), one object per finding with its waiver where there is one. */
export function formatJson(findings: readonly Finding[]): string {
  return JSON.stringify({ findings }, null, 2) + '\n';
}
