import { createHash } from 'node:crypto';
import { docsUrl, REPO_URL } from '../lint/rules/index.js';
import type { Finding, Risk, Rule } from '../lint/types.js';

/** GitHub shows `security-severity` as critical (> 9.0), high (7.0-8.9), medium (4.0-6.9), low (0.1-3.9). */
const SECURITY_SEVERITY: Record<Risk, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '2.0' };
const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

function pascal(id: string): string {
  return id.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}

/**
 * SARIF 2.1.0 for GitHub code scanning: one rule descriptor per rule that has results, with its help
 * page and `security-severity`; waived findings carry an accepted external suppression.
 */
export function formatSarif(findings: readonly Finding[], rules: readonly Rule[], version: string): string {
  const known = new Map(rules.map((r) => [r.meta.id, r]));
  const ids = [...new Set(findings.map((f) => f.ruleId))].sort();
  const descriptors = ids.map((id) => {
    const rule = known.get(id);
    const risk: Risk = rule?.meta.risk ?? findings.find((f) => f.ruleId === id)!.risk;
    const text = rule?.meta.description ?? `Input problem: ${id}`;
    return {
      id,
      name: pascal(id),
      shortDescription: { text },
      fullDescription: { text: rule ? `${text} (${rule.meta.code})` : text },
      ...(rule && { helpUri: docsUrl(id) }),
      help: { text: rule ? `${text}. See ${docsUrl(id)}` : text, markdown: rule ? `${text}. See [the rule's page](${docsUrl(id)}).` : text },
      defaultConfiguration: { level: LEVEL[rule?.meta.severity ?? 'error'] },
      properties: {
        tags: ['security', rule?.meta.category ?? 'input', ...(rule ? [rule.meta.code] : [])],
        precision: 'very-high',
        'security-severity': SECURITY_SEVERITY[risk],
        ...(rule && { 'problem.severity': LEVEL[rule.meta.severity] }),
      },
    };
  });
  const index = new Map(ids.map((id, i) => [id, i]));
  const results = findings.map((f) => ({
    ruleId: f.ruleId,
    ruleIndex: index.get(f.ruleId)!,
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: sarifUri(f.file), uriBaseId: '%SRCROOT%' },
          region: { startLine: f.line, startColumn: f.column },
        },
      },
    ],
    partialFingerprints: {
      // Stable across runs and line moves: the rule, the file and the message.
      'eksAccessFinding/v1': createHash('sha256').update(`${f.ruleId}\0${f.file}\0${f.message}`).digest('hex').slice(0, 32),
    },
    ...(f.waived && { suppressions: [{ kind: 'external', status: 'accepted', justification: `${f.waived.reason} (until ${f.waived.expires})` }] }),
    properties: {
      risk: f.risk,
      ...(f.employee !== undefined && { employee: f.employee }),
      ...(f.cluster !== undefined && { cluster: f.cluster }),
      ...(f.namespace !== undefined && { namespace: f.namespace }),
      ...(f.object !== undefined && { object: f.object }),
    },
  }));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'eks-access', informationUri: REPO_URL, version, semanticVersion: version, rules: descriptors } },
        originalUriBaseIds: { '%SRCROOT%': { description: { text: 'The folder eks-access ran in (the repository root).' } } },
        columnKind: 'unicodeCodePoints',
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

/** A relative path as a SARIF URI: each segment percent-encoded, so `#`, `?`, `%` and spaces stay part of the name. */
export function sarifUri(path: string): string {
  return path.split('/').map((segment) => encodeURIComponent(segment)).join('/');
}
