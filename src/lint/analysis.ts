/**
 * Shared helpers for rules: which grants allow what, grouped the way findings are reported
 * (once per place in the input that causes them), and the words findings use.
 */
import type { Source } from '../diagnostics.js';
import type { PolicyRule } from '../model/types.js';
import { ruleAllowsSomeNames } from '../rbac/match.js';
import { compareStrings } from '../text.js';
import type { Grant, LintInput, Report, Risk, Subject } from './types.js';

export interface Want {
  /** Any of these verbs. */
  verbs: readonly string[];
  group: string;
  resource: string;
  subresource?: string;
}

/** Does `rule` allow any of the wanted verbs on the resource, for some names? */
export function ruleGrants(rule: PolicyRule, want: Want): boolean {
  return want.verbs.some((verb) => ruleAllowsSomeNames(rule, { verb, group: want.group, resource: want.resource, ...(want.subresource !== undefined && { subresource: want.subresource }) }));
}

/** ... and for every name (no resourceNames), which is what makes most grants dangerous. */
export function ruleGrantsAllNames(rule: PolicyRule, want: Want): boolean {
  return ruleGrants(rule, want) && !(rule.resourceNames && rule.resourceNames.length > 0);
}

/** Grants from one place in the input (one grant line, one binding) to one subject on one cluster. */
export interface GrantGroup {
  at: Source;
  cluster: string;
  subject: Subject;
  employee?: string;
  /** Namespaces the grants apply in; empty when cluster-wide. */
  namespaces: string[];
  clusterWide: boolean;
  grants: Grant[];
}

function sourceKey(at: Source): string {
  return `${at.file}:${at.line}:${at.column}`;
}

export function subjectKey(s: Subject): string {
  return `${s.kind}:${s.namespace ?? ''}:${s.name}`;
}

/** Groups grants by where they come from, subject and cluster, in a stable order. */
export function groupGrants(grants: readonly Grant[]): GrantGroup[] {
  const groups = new Map<string, GrantGroup>();
  for (const g of grants) {
    const key = `${sourceKey(g.at)}|${subjectKey(g.subject)}|${g.cluster}`;
    let group = groups.get(key);
    if (!group) {
      group = { at: g.at, cluster: g.cluster, subject: g.subject, ...(g.employee !== undefined && { employee: g.employee }), namespaces: [], clusterWide: false, grants: [] };
      groups.set(key, group);
    }
    group.grants.push(g);
    if (g.namespace === undefined) group.clusterWide = true;
    else if (!group.namespaces.includes(g.namespace)) group.namespaces.push(g.namespace);
  }
  return [...groups.values()].sort((a, b) => compareStrings(sourceKey(a.at), sourceKey(b.at)) || compareStrings(a.cluster, b.cluster) || compareStrings(subjectKey(a.subject), subjectKey(b.subject)));
}

/** `*` verbs on `*` resources in `*` groups: everything, which `full-wildcard` and the admin rules report. */
export function isFullWildcard(rule: PolicyRule): boolean {
  return rule.verbs.includes('*') && (rule.resources ?? []).includes('*') && (rule.apiGroups ?? []).includes('*');
}

/**
 * The grant groups in which some grant's rule satisfies `test`, keeping only those grants. Full
 * wildcards are left out unless `includeFullWildcard`: cluster-admin already has its own findings,
 * and repeating "can exec", "can read secrets"... for it would bury them.
 */
export function matching(input: LintInput, test: (rule: PolicyRule, g: Grant) => boolean, options: { includeFullWildcard?: boolean } = {}): GrantGroup[] {
  return groupGrants(input.grants.filter((g) => (options.includeFullWildcard || !isFullWildcard(g.rule)) && test(g.rule, g)));
}

/** All grants of one subject on one cluster in one scope: what must be judged together. */
export interface PermissionSet {
  cluster: string;
  subject: Subject;
  employee?: string;
  /** Undefined: the cluster-wide set (cluster-wide grants only). */
  namespace?: string;
  grants: Grant[];
}

/**
 * Every subject's permissions per scope: the cluster-wide set, and for each namespace where it has
 * namespaced grants, those plus its cluster-wide ones, since a ClusterRoleBinding applies everywhere.
 * Rules that need several permissions together (bind + create rolebindings) judge these sets.
 */
const setsOf = new WeakMap<LintInput, PermissionSet[]>();

export function permissionSets(input: LintInput): PermissionSet[] {
  const cached = setsOf.get(input);
  if (cached) return cached;
  const bySubject = new Map<string, Grant[]>();
  for (const g of input.grants) {
    const key = `${g.cluster}|${subjectKey(g.subject)}`;
    const list = bySubject.get(key) ?? [];
    list.push(g);
    bySubject.set(key, list);
  }
  const sets: PermissionSet[] = [];
  for (const list of bySubject.values()) {
    const first = list[0]!;
    const base = { cluster: first.cluster, subject: first.subject, ...(first.employee !== undefined && { employee: first.employee }) };
    const wide = list.filter((g) => g.namespace === undefined);
    if (wide.length > 0) sets.push({ ...base, grants: wide });
    const namespaces = [...new Set(list.map((g) => g.namespace).filter((n): n is string => n !== undefined))].sort();
    for (const ns of namespaces) sets.push({ ...base, namespace: ns, grants: [...wide, ...list.filter((g) => g.namespace === ns)] });
  }
  setsOf.set(input, sets);
  return sets;
}

/**
 * The subject name of rules in a Role or ClusterRole that no binding in the input uses: they are
 * judged as if bound, since a binding can come later, and reported at the rule.
 */
export const UNBOUND = 'anyone bound to';

/** "employee bob", "User alice", "Group devs", "ServiceAccount ci/deployer". */
export function who(s: { subject: Subject; employee?: string | undefined }): string {
  if (s.employee !== undefined) return `employee ${s.employee}`;
  if (s.subject.name.startsWith(UNBOUND)) return s.subject.name;
  return s.subject.kind === 'ServiceAccount' ? `ServiceAccount ${s.subject.namespace ?? ''}/${s.subject.name}` : `${s.subject.kind} ${s.subject.name}`;
}

/** "cluster-wide on prod" or "in payments, web on prod" (no cluster in manifests mode). */
export function where(g: { cluster: string; clusterWide?: boolean; namespaces?: readonly string[]; namespace?: string | undefined }): string {
  const on = g.cluster ? ` on ${g.cluster}` : '';
  const namespaces = g.namespaces ?? (g.namespace !== undefined ? [g.namespace] : []);
  if (g.clusterWide || namespaces.length === 0) return `cluster-wide${on}`;
  return `in ${[...namespaces].sort().join(', ')}${on}`;
}

/** "through profile debugger", "through ClusterRole x bound by RoleBinding ns/y". */
export function via(grants: readonly Grant[]): string {
  const parts = new Set<string>();
  for (const g of grants) {
    if (g.binding) parts.add(`${g.role.kind} ${g.role.name} bound by ${g.binding.kind} ${g.binding.namespace ? `${g.binding.namespace}/` : ''}${g.binding.name}`);
    else if (g.role.kind === 'AccessPolicy') parts.add(`access policy ${g.role.name}`);
    else if (g.role.name.startsWith('eks-access:profile:')) parts.add(`profile ${g.role.name.slice('eks-access:profile:'.length)}`);
    else if (g.role.name === 'eks-access:<employee>') parts.add('inline rules');
    else parts.add(`${g.role.kind} ${g.role.name}`);
  }
  return `through ${[...parts].sort().join(', ')}`;
}

/** Reports one finding for a group, filling in who, where and what. */
export function reportGroup(report: (r: Report) => void, g: GrantGroup, message: string, risk?: Risk): void {
  const binding = g.grants.find((x) => x.binding)?.binding;
  report({
    message,
    at: g.at,
    ...(risk !== undefined && { risk }),
    ...(g.employee !== undefined && { employee: g.employee }),
    cluster: g.cluster,
    ...(!g.clusterWide && g.namespaces.length === 1 && { namespace: g.namespaces[0]! }),
    ...(binding && { object: `${binding.kind}/${binding.namespace ? `${binding.namespace}/` : ''}${binding.name}` }),
  });
}

/** Is this subject a person or a team rather than a Kubernetes component? */
export function isSystemSubject(s: Subject): boolean {
  return s.kind !== 'ServiceAccount' && (s.name.startsWith('system:') || s.name.startsWith('eks:'));
}
