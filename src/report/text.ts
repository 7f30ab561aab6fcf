import type { Finding } from '../lint/types.js';
import { printable } from '../text.js';

/** `file:line:col  severity  message  (rule-id)`, one per line, waived findings marked, then a count. */
export function formatText(findings: readonly Finding[]): string {
  const lines = findings.map((f) => {
    const sev = f.waived ? `${f.severity} (waived until ${f.waived.expires}: ${printable(f.waived.reason)})` : f.severity;
    return `${printable(f.file)}:${f.line}:${f.column}  ${sev}  [${f.risk}] ${printable(f.message)}  (${f.ruleId})`;
  });
  const count = (s: string) => findings.filter((f) => f.severity === s && !f.waived).length;
  const waived = findings.filter((f) => f.waived).length;
  lines.push(`${count('error')} error(s), ${count('warning')} warning(s), ${count('info')} info, ${waived} waived`);
  return lines.join('\n') + '\n';
}
