import { positionOf } from '../diagnostics.js';
import { printable } from '../text.js';
import type { Finding } from '../lint/types.js';

/** Escapes per the workflow-command format: data and property values differ. */
function escapeData(s: string): string {
  // Then ESC, BEL and the other control characters escaped: a log line cannot drive the terminal.
  return printable(s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A'));
}
function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

const COMMAND = { error: 'error', warning: 'warning', info: 'notice' } as const;

/** GitHub Actions workflow annotations (`::error file=...,line=...::message`); waived findings as notices. */
export function formatGithub(findings: readonly Finding[]): string {
  return findings
    .map((f) => {
      const command = f.waived ? 'notice' : COMMAND[f.severity];
      const title = `${f.ruleId} (${f.risk})${f.waived ? ' waived' : ''}`;
      const message = f.waived ? `${f.message} [waived until ${f.waived.expires}: ${f.waived.reason}]` : f.message;
      const { line, column } = positionOf(f);
      return `::${command} file=${escapeProperty(f.file)},line=${line},col=${column},title=${escapeProperty(title)}::${escapeData(message)}`;
    })
    .map((l) => l + '\n')
    .join('');
}
