/**
 * `eks-access explain EMPLOYEE`: everything one person can do, per cluster and namespace, and where
 * each permission comes from: how they sign in, their Kubernetes user and groups, the rules every
 * grant gives them (the same rules `generate` writes and the EKS access policies grant), the expiry
 * of each grant and the lint findings about them.
 */
import { grantsOn, principalArn } from '../model/resolve.js';
import { formatDiagnostic, positionOf, UsageError, type Diagnostic } from '../diagnostics.js';
import { inputFromModel } from '../lint/from-model.js';
import { lintAccess } from '../lint/index.js';
import type { Finding, Grant as LintGrant } from '../lint/types.js';
import { ROLE_USERNAME_TEMPLATE, stripRolePath } from '../model/identity.js';
import type { AccessModel, Cluster, Employee, Grant } from '../model/types.js';
import { userInfoFor } from '../rbac/access-bundle.js';
import { codeSpan, compareStrings, didYouMean, markdownText, printable } from '../text.js';
import {
  at,
  AUTH_MODE,
  grantKindText,
  GrantIndex,
  identityText,
  isFullWildcard,
  ruleObjects,
  sortVerbs,
  sourceText,
  verbsText,
} from '../permissions/permissions.js';

export interface ExplainOptions {
  dir: string;
  employee: string;
  /** Only this cluster. */
  cluster?: string;
  format: 'text' | 'markdown' | 'json';
  /** YYYY-MM-DD, for the lint findings (expiry). */
  today: string;
}

/** The access folder has errors, so there is nothing to explain; `diagnostics` says why (exit code 1). */
export class InvalidAccessError extends UsageError {
  override name = 'InvalidAccessError';
  constructor(readonly diagnostics: Diagnostic[]) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    super(`the access folder has ${errors.length} error(s); fix them first (eks-access validate):\n${errors.map(formatDiagnostic).join('\n')}`);
  }
}

interface PermissionLine {
  verbs: string[];
  /** What the verbs apply to, in words (`pods, services`, `secrets named x`, `non-resource URLs /healthz`). */
  objects: string;
  /** Every verb on every resource. */
  everything: boolean;
  /** The grant: `inline rules, access/employees/alice.yaml:11`. */
  source: string;
  expires?: string;
  text: string;
}

interface FindingView {
  ruleId: string;
  severity: string;
  risk: string;
  message: string;
  file: string;
  line: number;
  column: number;
  waived?: { reason: string; expires: string };
}

interface ClusterExplanation {
  name: string;
  accountId: string;
  region: string;
  authentication: Cluster['authentication'];
  /** How the person's principal is mapped, per authentication path. */
  mappings: string[];
  /** Kubernetes groups, `system:authenticated` included. */
  groups: { name: string; source?: string }[];
  /** Cluster-wide first (no namespaces), then the namespaces, those with the same permissions together. */
  scopes: { namespaces: string[]; permissions: PermissionLine[] }[];
  accessPolicies: { policy: string; namespaces?: string[]; source: string; expires?: string }[];
  grants: { grant: string; where: string; source: string; expires?: string; reason?: string }[];
  findings: FindingView[];
}

export interface Explanation {
  employee: string;
  email: string;
  team?: string;
  file: string;
  signsInAs: string;
  identity: Record<string, string>;
  kubernetesUser: string;
  expires?: string;
  reason?: string;
  clusters: ClusterExplanation[];
  /** Findings about the person that concern no single cluster. */
  findings: FindingView[];
}

/** Everything `opts.employee` can do, as text, Markdown or JSON. Unknown employee or cluster: UsageError. */
export async function explainEmployee(opts: ExplainOptions): Promise<string> {
  const linted = await lintAccess(opts.dir, { today: opts.today });
  if (!linted.model) throw new InvalidAccessError(linted.diagnostics);
  const x = explain(linted.model, linted.findings, { ...opts, markdown: opts.format === 'markdown' });
  switch (opts.format) {
    case 'json':
      return JSON.stringify(x, null, 2) + '\n';
    case 'markdown':
      return renderMarkdown(x);
    case 'text':
      return renderText(x);
  }
}

function findingView(f: Finding): FindingView {
  const { line, column } = positionOf(f);
  return {
    ruleId: f.ruleId,
    severity: f.severity,
    risk: f.risk,
    message: f.message,
    file: f.file,
    line,
    column,
    ...(f.waived && { waived: { reason: f.waived.reason, expires: f.waived.expires } }),
  };
}

const SEVERITY_RANK: Record<string, number> = { error: 0, warning: 1, info: 2 };

function sortFindings(list: Finding[]): Finding[] {
  return list.sort(
    (a, b) =>
      (SEVERITY_RANK[a.severity] ?? 3) - (SEVERITY_RANK[b.severity] ?? 3) ||
      compareStrings(a.file, b.file) ||
      positionOf(a).line - positionOf(b).line ||
      compareStrings(a.ruleId, b.ruleId),
  );
}

/**
 * `opts.markdown`: the clusters' `mappings` and the permissions' `text`, `objects` and `source` are
 * written as Markdown (the access files' values escaped); every other field is the text as it is.
 */
function explain(
  model: AccessModel,
  findings: readonly Finding[],
  opts: Pick<ExplainOptions, 'employee' | 'cluster' | 'today'> & { markdown?: boolean },
): Explanation {
  const plain = opts.markdown ? markdownText : asIs;
  const e = model.employees.get(opts.employee);
  if (!e) throw new UsageError(`unknown employee "${opts.employee}"${didYouMean(opts.employee, model.employees.keys())}`);
  if (opts.cluster !== undefined && !model.clusters.has(opts.cluster))
    throw new UsageError(`unknown cluster "${opts.cluster}"${didYouMean(opts.cluster, model.clusters.keys())}`);
  const index = new GrantIndex(model, inputFromModel(model, opts.today).grants);
  const clusters = [...model.clusters.values()]
    .filter((c) => (opts.cluster === undefined ? grantsOn(e, c).length > 0 || index.for(c, e).length > 0 : c.name === opts.cluster))
    .sort((a, b) => compareStrings(a.name, b.name));
  const theirs = findings.filter((f) => f.employee === e.name || (f.employee === undefined && f.file === e.file));
  const { at: _at, ...identity } = e.identity;
  return {
    employee: e.name,
    email: e.email,
    ...(e.team !== undefined && { team: e.team }),
    file: e.file,
    signsInAs: identityText(e),
    identity: identity as Record<string, string>,
    kubernetesUser: e.kubernetesUser,
    ...(e.expires !== undefined && { expires: e.expires }),
    ...(e.reason !== undefined && { reason: e.reason }),
    clusters: clusters.map((c) =>
      explainCluster(
        model,
        index,
        e,
        c,
        theirs.filter((f) => f.cluster === c.name),
        plain,
      ),
    ),
    findings: sortFindings(theirs.filter((f) => f.cluster === undefined)).map(findingView),
  };
}

const asIs = (text: string) => text;

/** `plain` escapes the values of the access files (Markdown). */
function mappings(e: Employee, c: Cluster, plain: (text: string) => string): string[] {
  const out: string[] = [];
  const role = e.identity.kind === 'role';
  if (c.authentication !== 'access-entries') {
    out.push(
      role
        ? `aws-auth mapRoles: ${plain(stripRolePath(principalArn(e, c)))} -> username ${ROLE_USERNAME_TEMPLATE} (${plain(e.kubernetesUser)} for this person)`
        : `aws-auth mapUsers: ${plain(principalArn(e, c))} -> username ${plain(e.kubernetesUser)}`,
    );
  }
  if (c.authentication !== 'aws-auth') {
    out.push(
      role
        ? `access entry: ${plain(principalArn(e, c))} -> username ${ROLE_USERNAME_TEMPLATE} (${plain(e.kubernetesUser)} for this person)`
        : `access entry: ${plain(principalArn(e, c))} -> username ${plain(e.kubernetesUser)}`,
    );
  }
  return out;
}

/** Readable lines for the rules of some grants: one per grant and set of verbs. */
function permissionLines(model: AccessModel, e: Employee, grants: readonly LintGrant[], plain: (text: string) => string): PermissionLine[] {
  const lines: PermissionLine[] = [];
  const bySource = new Map<string, LintGrant[]>();
  for (const g of grants) {
    const source = sourceText(model, g, e.name, { markdown: plain !== asIs });
    bySource.set(source, [...(bySource.get(source) ?? []), g]);
  }
  for (const [source, list] of bySource) {
    const expires = list[0]!.expires;
    const suffix = `(${source}${expires !== undefined ? `, until ${expires}` : ''})`;
    const everything = list.some((g) => isFullWildcard(g.rule));
    const clusterWide = list[0]!.namespace === undefined;
    if (everything) {
      const text = clusterWide
        ? 'everything (cluster-admin): every verb on every resource and non-resource URL'
        : 'everything: every verb on every resource in the namespace';
      lines.push({ verbs: ['*'], objects: 'every resource', everything: true, source, ...(expires !== undefined && { expires }), text: `${text} ${suffix}` });
    }
    // Rules with the same verbs (and names) are said together.
    const merged = new Map<string, { verbs: string[]; objects: string[] }>();
    for (const g of list) {
      if (isFullWildcard(g.rule)) continue;
      if (everything && g.rule.nonResourceURLs?.includes('*') && g.rule.verbs.includes('*')) continue;
      // Non-resource URLs are only granted cluster-wide (a ClusterRoleBinding); in a namespace they do nothing.
      if (!clusterWide && g.rule.nonResourceURLs && !g.rule.resources) continue;
      const verbs = sortVerbs(g.rule.verbs);
      const key = `${verbs.join(',')}|${(g.rule.resourceNames ?? []).join(',')}|${g.rule.nonResourceURLs ? 'url' : 'res'}`;
      const entry = merged.get(key) ?? { verbs, objects: [] };
      const what = ruleObjects(g.rule, plain);
      if (!entry.objects.includes(what)) entry.objects.push(what);
      merged.set(key, entry);
    }
    for (const { verbs, objects } of merged.values()) {
      const what = mergeObjects(objects);
      lines.push({
        verbs,
        objects: what,
        everything: false,
        source,
        ...(expires !== undefined && { expires }),
        text: `${verbsText(verbs, plain)} ${what} ${suffix}`,
      });
    }
  }
  return lines;
}

/** `pods, services` + `configmaps` -> `pods, services, configmaps`; names stay with their resources. */
function mergeObjects(objects: string[]): string {
  if (objects.every((o) => !o.includes(' named ') && !o.startsWith('non-resource URLs'))) return [...new Set(objects.flatMap((o) => o.split(', ')))].join(', ');
  if (objects.every((o) => o.startsWith('non-resource URLs ')))
    return `non-resource URLs ${[...new Set(objects.flatMap((o) => o.slice('non-resource URLs '.length).split(', ')))].join(', ')}`;
  return objects.join('; ');
}

function explainCluster(
  model: AccessModel,
  index: GrantIndex,
  e: Employee,
  c: Cluster,
  findings: Finding[],
  plain: (text: string) => string,
): ClusterExplanation {
  const grants = index.for(c, e);
  const user = userInfoFor(model, c, e);
  const groupSources = new Map<string, string>();
  for (const other of model.employees.values()) {
    const same =
      other.name === e.name ||
      (other.identity.kind === 'role' &&
        e.identity.kind === 'role' &&
        stripRolePath(other.identity.arn).toLowerCase() === stripRolePath(e.identity.arn).toLowerCase());
    if (!same) continue;
    for (const g of grantsOn(other, c)) {
      if (g.kind !== 'groups') continue;
      for (const name of g.groups)
        if (!groupSources.has(name)) groupSources.set(name, `${at(g.at)}${other.name === e.name ? '' : `, through the role shared with ${other.name}`}`);
    }
  }
  const namespaces = [...new Set(grants.map((g) => g.namespace).filter((n): n is string => n !== undefined))].sort(compareStrings);
  const scopes: ClusterExplanation['scopes'] = [];
  const seen = new Map<string, ClusterExplanation['scopes'][number]>();
  for (const ns of [undefined, ...namespaces]) {
    const permissions = permissionLines(
      model,
      e,
      grants.filter((g) => g.namespace === ns),
      plain,
    );
    if (permissions.length === 0) continue;
    const key = permissions.map((p) => p.text).join('\n');
    const same = ns === undefined ? undefined : seen.get(key);
    if (same) same.namespaces.push(ns!);
    else {
      const scope = { namespaces: ns === undefined ? [] : [ns], permissions };
      scopes.push(scope);
      if (ns !== undefined) seen.set(key, scope);
    }
  }
  const accessPolicies = grants
    .filter((g) => g.role.kind === 'AccessPolicy')
    .reduce<ClusterExplanation['accessPolicies']>((list, g) => {
      const source = `${at(g.at)}${g.employee !== e.name ? `, through the role shared with ${g.employee}` : ''}${g.expires !== undefined ? `, until ${g.expires}` : ''}`;
      const existing = list.find((p) => p.source === source);
      if (existing) {
        if (g.namespace !== undefined && !existing.namespaces?.includes(g.namespace)) existing.namespaces = [...(existing.namespaces ?? []), g.namespace];
      } else
        list.push({
          policy: g.role.name,
          ...(g.namespace !== undefined && { namespaces: [g.namespace] }),
          source,
          ...(g.expires !== undefined && { expires: g.expires }),
        });
      return list;
    }, []);
  return {
    name: c.name,
    accountId: c.accountId,
    region: c.region,
    authentication: c.authentication,
    mappings: mappings(e, c, plain),
    groups: user.groups.map((name) => ({ name, ...(groupSources.has(name) && { source: groupSources.get(name)! }) })),
    scopes,
    accessPolicies,
    grants: grantsOn(e, c).map((g) => grantView(g, e)),
    findings: sortFindings(findings).map(findingView),
  };
}

function grantView(g: Grant, e: Employee): ClusterExplanation['grants'][number] {
  const where =
    g.kind === 'level' || (g.kind === 'profile' && g.scope === 'cluster')
      ? 'cluster-wide'
      : g.kind === 'groups'
        ? 'wherever the groups are bound'
        : 'namespaces' in g && g.namespaces
          ? `namespaces ${g.namespaces.join(', ')}`
          : 'cluster-wide';
  const expires = [g.expires, e.expires].filter((d): d is string => d !== undefined).sort()[0];
  const reason = g.reason ?? e.reason;
  return { grant: grantKindText(g), where, source: at(g.at), ...(expires !== undefined && { expires }), ...(reason !== undefined && { reason }) };
}

// ---------------------------------------------------------------------------------------------
// Writing.

/** `plain` escapes the values (Markdown). */
function findingText(f: FindingView, plain: (text: string) => string = asIs): string {
  const sev = f.waived ? `${f.severity} (waived until ${plain(f.waived.expires)}: ${plain(f.waived.reason)})` : f.severity;
  return `${sev} [${f.risk}] ${plain(f.message)} (${plain(f.ruleId)}, ${plain(f.file)}:${f.line})`;
}

function scopeTitle(namespaces: readonly string[], plain: (text: string) => string = asIs): string {
  return namespaces.length === 0 ? 'cluster-wide' : `${namespaces.length === 1 ? 'namespace' : 'namespaces'} ${namespaces.map(plain).join(', ')}`;
}

function expiryText(expires: string | undefined): string {
  return expires === undefined ? 'no expiry' : `expires ${expires}`;
}

function renderText(x: Explanation): string {
  const out: string[] = [];
  out.push(`${x.employee} <${x.email}>${x.team !== undefined ? `, team ${x.team}` : ''} (${x.file})`);
  out.push(`  signs in as:      ${x.signsInAs}`);
  out.push(`  Kubernetes user:  ${x.kubernetesUser}`);
  out.push(`  expires:          ${x.expires ?? 'never'}`);
  if (x.reason !== undefined) out.push(`  reason:           ${x.reason}`);
  if (x.clusters.length === 0) out.push('', 'No access to any cluster.');
  for (const c of x.clusters) {
    out.push('', `${c.name} (account ${c.accountId}, ${c.region})`);
    out.push(`  authentication:   ${AUTH_MODE[c.authentication]}`);
    for (const m of c.mappings) out.push(`                    ${m}`);
    out.push(`  groups:           ${c.groups.map((g) => `${g.name}${g.source ? ` (${g.source})` : ''}`).join(', ')}`);
    if (c.scopes.length === 0) out.push('  no Kubernetes permissions through eks-access on this cluster');
    for (const s of c.scopes) {
      out.push(`  ${scopeTitle(s.namespaces)}:`);
      for (const p of s.permissions) out.push(`    ${p.text}`);
    }
    if (c.accessPolicies.length > 0) {
      out.push('  access policies:');
      for (const p of c.accessPolicies) out.push(`    ${p.policy} ${p.namespaces ? `in namespaces ${p.namespaces.join(', ')}` : 'cluster-wide'} (${p.source})`);
    }
    out.push('  grants:');
    for (const g of c.grants)
      out.push(`    ${g.grant}, ${g.where} (${g.source}): ${expiryText(g.expires)}${g.reason !== undefined ? `; reason: ${g.reason}` : ''}`);
    if (c.findings.length > 0) {
      out.push('  lint findings:');
      for (const f of c.findings) out.push(`    ${findingText(f)}`);
    }
  }
  if (x.findings.length > 0) {
    out.push('', 'lint findings:');
    for (const f of x.findings) out.push(`  ${findingText(f)}`);
  }
  // Each line holds values of the access files: line breaks and control characters are shown escaped.
  return out.map(printable).join('\n') + '\n';
}

/** Every value of the access files escaped (markdownText) or in a code span (codeSpan); `x` was built with `markdown`. */
function renderMarkdown(x: Explanation): string {
  const md = markdownText;
  const out: string[] = [];
  out.push(`## ${md(x.employee)}`, '');
  out.push(`- **email**: ${md(x.email)}${x.team !== undefined ? `, team ${md(x.team)}` : ''}`);
  out.push(`- **file**: ${codeSpan(x.file)}`);
  out.push(`- **signs in as**: ${md(x.signsInAs)}`);
  out.push(`- **Kubernetes user**: ${codeSpan(x.kubernetesUser)}`);
  out.push(`- **expires**: ${x.expires !== undefined ? md(x.expires) : 'never'}`);
  if (x.reason !== undefined) out.push(`- **reason**: ${md(x.reason)}`);
  if (x.clusters.length === 0) out.push('', 'No access to any cluster.');
  for (const c of x.clusters) {
    out.push('', `### ${md(c.name)}`, '');
    out.push(`Account ${md(c.accountId)}, ${md(c.region)}. Authentication through ${AUTH_MODE[c.authentication]}:`, '');
    for (const m of c.mappings) out.push(`- ${m}`);
    out.push('', `Groups: ${c.groups.map((g) => `${codeSpan(g.name)}${g.source ? ` (${md(g.source)})` : ''}`).join(', ')}`);
    if (c.scopes.length === 0) out.push('', 'No Kubernetes permissions through eks-access on this cluster.');
    for (const s of c.scopes) {
      out.push('', `**${scopeTitle(s.namespaces, md)}**`, '');
      for (const p of s.permissions) out.push(`- ${p.text}`);
    }
    if (c.accessPolicies.length > 0) {
      out.push('', '**access policies**', '');
      for (const p of c.accessPolicies)
        out.push(`- ${md(p.policy)} ${p.namespaces ? `in namespaces ${p.namespaces.map(md).join(', ')}` : 'cluster-wide'} (${md(p.source)})`);
    }
    out.push('', '**grants**', '');
    for (const g of c.grants)
      out.push(
        `- ${md(g.grant)}, ${md(g.where)} (${codeSpan(g.source)}): ${md(expiryText(g.expires))}${g.reason !== undefined ? `; reason: ${md(g.reason)}` : ''}`,
      );
    if (c.findings.length > 0) {
      out.push('', '**lint findings**', '');
      for (const f of c.findings) out.push(`- ${findingText(f, md)}`);
    }
  }
  if (x.findings.length > 0) {
    out.push('', '### Lint findings', '');
    for (const f of x.findings) out.push(`- ${findingText(f, md)}`);
  }
  return out.join('\n') + '\n';
}
