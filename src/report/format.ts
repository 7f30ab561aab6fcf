import { RULES } from '../lint/rules/index.js';
import type { Finding } from '../lint/types.js';
import { formatText } from './text.js';

/** The ways findings are printed; json, sarif and github are loaded only when asked for. */
export const FINDING_FORMATS = ['text', 'json', 'sarif', 'github'] as const;
export type FindingFormat = (typeof FINDING_FORMATS)[number];

/** `findings` as text, JSON, SARIF 2.1.0 (naming eks-access `version`) or GitHub workflow annotations. */
export async function formatFindings(findings: readonly Finding[], format: FindingFormat, version: string): Promise<string> {
  switch (format) {
    case 'json':
      return (await import('./json.js')).formatJson(findings);
    case 'sarif':
      return (await import('./sarif.js')).formatSarif(findings, RULES, version);
    case 'github':
      return (await import('./github.js')).formatGithub(findings);
    case 'text':
      return formatText(findings);
  }
}
