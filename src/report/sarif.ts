import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { positionOf } from '../diagnostics.js';
import { docsUrl, REPO_URL } from '../lint/rules/index.js';
import type { Finding, Risk, Rule } from '../lint/types.js';

/** GitHub shows `security-severity` as critical (> 9.0), high (7.0-8.9), medium (4.0-6.9), low (0.1-3.9). */
const SECURITY_SEVERITY: Record<Risk, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '2.0' };
const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

/** GitHub code scanning reads at most this many results of a run. */
export const MAX_RESULTS = 25_000;

/** A rule's PascalCase name (`pods-exec` -> `PodsExec`), which differs from its kebab-case id. */
function pascal(id: string): string {
  const name = id.replace(/(^|[-_:.])([a-zA-Z0-9])/g, (_, __, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, '');
  return name.toLowerCase() === id.toLowerCase() ? `${name}Rule` : name;
}

/** The repository's top folder: the nearest folder from `from` upwards that holds `.git`. */
export function gitTopLevel(from: string): string | undefined {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, '.git'))) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/**
 * Where a finding's file is, as SARIF wants it: relative to the repository root (`%SRCROOT%`) when
 * the file is inside it, else an absolute `file://` URI with no base.
 */
function artifactLocation(file: string, root: string | undefined, cwd: string): { uri: string; uriBaseId?: string } {
  const abs = isAbsolute(file) ? file : resolve(cwd, file);
  if (root !== undefined) {
    const rel = relative(root, abs);
    if (rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)) return { uri: sarifUri(rel.split(sep).join('/')), uriBaseId: '%SRCROOT%' };
  }
  return { uri: pathToFileURL(abs).href };
}

/**
 * The repository the findings' files are in, wherever it is: the git top level of their folders
 * when they share one, else that of the working directory (files outside it get absolute URIs).
 */
function repositoryOf(findings: readonly Finding[], cwd: string): string | undefined {
  const byDir = new Map<string, string | undefined>();
  const roots = new Set<string | undefined>();
  for (const f of findings) {
    const dir = dirname(isAbsolute(f.file) ? f.file : resolve(cwd, f.file));
    if (!byDir.has(dir)) {
      const top = gitTopLevel(dir);
      byDir.set(dir, top);
      roots.add(top);
    }
  }
  const found = [...roots].filter((r): r is string => r !== undefined);
  return found.length === 1 ? found[0] : gitTopLevel(cwd);
}

const LEVEL_ORDER = { error: 0, warning: 1, info: 2 } as const;

/**
 * SARIF 2.1.0 for GitHub code scanning: one rule descriptor per rule that has results, with its help
 * page and `security-severity`; waived findings carry an accepted external suppression.
 */
export function formatSarif(all: readonly Finding[], rules: readonly Rule[], version: string, options: { cwd?: string } = {}): string {
  const cwd = options.cwd ?? process.cwd();
  const root = repositoryOf(all, cwd);
  // Past GitHub's limit, the errors are kept first (unwaived before waived), and a notification says what was left out.
  let findings: readonly Finding[] = all;
  let leftOut: Record<string, number> | undefined;
  if (all.length > MAX_RESULTS) {
    const ordered = [...all].sort((a, b) => LEVEL_ORDER[a.severity] - LEVEL_ORDER[b.severity] || Number(Boolean(a.waived)) - Number(Boolean(b.waived)));
    findings = ordered.slice(0, MAX_RESULTS);
    leftOut = { error: 0, warning: 0, info: 0 };
    for (const f of ordered.slice(MAX_RESULTS)) leftOut[f.severity] = (leftOut[f.severity] ?? 0) + 1;
  }
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
  const results = findings.map((f) => {
    const where = artifactLocation(f.file, root, cwd);
    const { line, column } = positionOf(f);
    return {
      ruleId: f.ruleId,
      ruleIndex: index.get(f.ruleId)!,
      level: LEVEL[f.severity],
      message: { text: f.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: where,
            region: { startLine: line, startColumn: column },
          },
        },
      ],
      partialFingerprints: {
        // Stable across runs, line moves and working directories: the rule, the file's URI and the message.
        'eksAccessFinding/v1': createHash('sha256').update(`${f.ruleId}\0${where.uri}\0${f.message}`).digest('hex').slice(0, 32),
      },
      ...(f.waived && { suppressions: [{ kind: 'external', status: 'accepted', justification: `${f.waived.reason} (until ${f.waived.expires})` }] }),
      properties: {
        risk: f.risk,
        ...(f.employee !== undefined && { employee: f.employee }),
        ...(f.cluster !== undefined && { cluster: f.cluster }),
        ...(f.namespace !== undefined && { namespace: f.namespace }),
        ...(f.object !== undefined && { object: f.object }),
      },
    };
  });
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'eks-access', informationUri: REPO_URL, version, semanticVersion: version, rules: descriptors } },
        ...(leftOut && {
          invocations: [
            {
              executionSuccessful: true,
              toolExecutionNotifications: [
                {
                  level: 'warning',
                  descriptor: { id: 'results-left-out' },
                  message: {
                    text: `${all.length - MAX_RESULTS} of ${all.length} results left out (${leftOut.error} error, ${leftOut.warning} warning, ${leftOut.info} note): GitHub code scanning reads at most ${MAX_RESULTS} results a run, so errors were kept first. Run eks-access lint --format json for all of them.`,
                  },
                },
              ],
            },
          ],
        }),
        ...(root !== undefined && {
          originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(root + sep).href, description: { text: 'The root of the git repository.' } } },
        }),
        columnKind: 'unicodeCodePoints',
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

/** A relative path as a SARIF URI: each segment percent-encoded, so `#`, `?`, `%` and spaces stay part of the name. */
export function sarifUri(path: string): string {
  return path
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}
