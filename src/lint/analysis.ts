/**
 * Shared helpers for rules: which grants allow what, grouped the way findings are reported
 * (once per place in the input that causes them), and the words findings use.
 */
import { INLINE_RULES_ROLE } from '../model/resolve.js';
import type { Source } from '../diagnostics.js';
import type { PolicyRule } from '../model/types.js';
import { compareStrings } from '../text.js';
import { grantIndex, positionsWhere, ruleFacts, sourceKey, subjectKey, type CaseView, type Judged, type JudgedTest } from './grant-index.js';
import type { Grant, LintInput, Report, Risk, Subject } from './types.js';

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

export { ruleMemo, subjectKey } from './grant-index.js';

function newGroup(g: Grant): GrantGroup {
  return {
    at: g.at,
    cluster: g.cluster,
    subject: g.subject,
    ...(g.employee !== undefined && { employee: g.employee }),
    namespaces: [],
    clusterWide: false,
    grants: [],
  };
}

/** The namespaces of each group as a set, so that adding a grant costs the same however many it has. */
const namespacesOf = new WeakMap<GrantGroup, Set<string>>();

function addToGroup(group: GrantGroup, g: Grant): void {
  group.grants.push(g);
  if (g.namespace === undefined) {
    group.clusterWide = true;
    return;
  }
  let seen = namespacesOf.get(group);
  if (!seen) namespacesOf.set(group, (seen = new Set(group.namespaces)));
  if (!seen.has(g.namespace)) {
    seen.add(g.namespace);
    group.namespaces.push(g.namespace);
  }
}

/** Groups grants by where they come from, subject and cluster, in a stable order. */
export function groupGrants(grants: readonly Grant[]): GrantGroup[] {
  const groups = new Map<string, GrantGroup>();
  for (const g of grants) {
    const key = `${sourceKey(g.at)}|${subjectKey(g.subject)}|${g.cluster}`;
    let group = groups.get(key);
    if (!group) {
      group = newGroup(g);
      groups.set(key, group);
    }
    addToGroup(group, g);
  }
  return [...groups.values()].sort(
    (a, b) =>
      compareStrings(sourceKey(a.at), sourceKey(b.at)) || compareStrings(a.cluster, b.cluster) || compareStrings(subjectKey(a.subject), subjectKey(b.subject)),
  );
}

/** `groupGrants` of the grants of `input` at these positions (in input order), through the index. */
export function groupsAt(input: LintInput, positions: readonly number[]): GrantGroup[] {
  const index = grantIndex(input);
  const byGroup = new Map<number, GrantGroup>();
  for (const i of positions) {
    const g = index.grants[i]!;
    const id = index.groupOf[i]!;
    let group = byGroup.get(id);
    if (!group) {
      group = newGroup(g);
      byGroup.set(id, group);
    }
    addToGroup(group, g);
  }
  return [...byGroup.entries()].sort((a, b) => a[0] - b[0]).map(([, group]) => group);
}

/**
 * The grants of `input` for which `test` holds, in input order. `test` is asked once per kind of
 * grant, with the first grant of that kind: by default (`case`) it may look at the grant's rule,
 * role, binding, cluster and namespace, never at its subject, employee, place or expiry; with
 * `rule`, only at the rule and whether the grant is cluster-wide. The test's parameter type
 * (`CaseView`, `RuleView`) holds just that, so a test that reads more does not compile. `keep`, asked
 * for every grant that passes `test`, may look at anything.
 */
export function grantsWhere<J extends Judged = 'case'>(input: LintInput, test: JudgedTest<J>, keep?: (g: Grant) => boolean, judged: J = 'case' as J): Grant[] {
  const index = grantIndex(input);
  return positionsWhere(index, test, keep, judged).map((i) => index.grants[i]!);
}

/** `groupGrants(grantsWhere(input, test, keep, judged))`, without building keys per grant. */
export function groupsWhere<J extends Judged = 'case'>(
  input: LintInput,
  test: JudgedTest<J>,
  keep?: (g: Grant) => boolean,
  judged: J = 'case' as J,
): GrantGroup[] {
  return groupsAt(input, positionsWhere(grantIndex(input), test, keep, judged));
}

/** `*` verbs on `*` resources in `*` groups: everything, which `full-wildcard` and the admin rules report. */
export function isFullWildcard(rule: PolicyRule): boolean {
  return ruleFacts(rule).fullWildcard;
}

/**
 * Is the grant a full wildcard of one of the platform's own roles (cluster-admin, system:masters)?
 * Those are left to the admin rules, whose findings say it once: repeating "can exec", "can read
 * secrets"... for them would bury those. A full wildcard someone wrote is judged by every rule, as
 * the peers judge it (Trivy's KSV-0041..0056, Kyverno's and Kubescape's checks all fire on `*`);
 * the text output shows its findings under one heading. Reads the role: in a `judged: 'rule'`
 * search, use it as the `keep`.
 */
export function leftToAdminRules(g: CaseView): boolean {
  return g.role.builtin && isFullWildcard(g.rule);
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

/** A permission set with the positions of its grants in the input. */
export interface IndexedSet {
  set: PermissionSet;
  positions: number[];
}

const SETS = Symbol('permission sets');

/**
 * Every holder's (subject on a cluster) permission sets, in the order of `permissionSets`, by holder
 * (see `GrantIndex.holderOf`).
 */
export function setsByHolder(input: LintInput): IndexedSet[][] {
  const index = grantIndex(input);
  const cached = index.cache.get(SETS) as IndexedSet[][] | undefined;
  if (cached) return cached;
  const byHolder: number[][] = Array.from({ length: index.holders }, () => []);
  for (let i = 0; i < index.grants.length; i++) byHolder[index.holderOf[i]!]!.push(i);
  const out = byHolder.map((list) => {
    const sets: IndexedSet[] = [];
    const first = index.grants[list[0]!]!;
    const base = { cluster: first.cluster, subject: first.subject, ...(first.employee !== undefined && { employee: first.employee }) };
    const wide = list.filter((i) => index.grants[i]!.namespace === undefined);
    const wideGrants = wide.map((i) => index.grants[i]!);
    if (wide.length > 0) sets.push({ set: { ...base, grants: wideGrants }, positions: wide });
    const byNamespace = new Map<string, number[]>();
    for (const i of list) {
      const ns = index.grants[i]!.namespace;
      if (ns === undefined) continue;
      const at = byNamespace.get(ns);
      if (at) at.push(i);
      else byNamespace.set(ns, [i]);
    }
    for (const ns of [...byNamespace.keys()].sort()) {
      const positions = [...wide, ...byNamespace.get(ns)!];
      sets.push({ set: { ...base, namespace: ns, grants: positions.map((i) => index.grants[i]!) }, positions });
    }
    return sets;
  });
  index.cache.set(SETS, out);
  return out;
}

/**
 * Every subject's permissions per scope: the cluster-wide set, and for each namespace where it has
 * namespaced grants, those plus its cluster-wide ones, since a ClusterRoleBinding applies everywhere.
 * Rules that need several permissions together (bind + create rolebindings) judge these sets.
 */
export function permissionSets(input: LintInput): PermissionSet[] {
  return setsByHolder(input).flatMap((sets) => sets.map((s) => s.set));
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
    if (g.binding)
      parts.add(`${g.role.kind} ${g.role.name} bound by ${g.binding.kind} ${g.binding.namespace ? `${g.binding.namespace}/` : ''}${g.binding.name}`);
    else if (g.role.kind === 'AccessPolicy') parts.add(`access policy ${g.role.name}`);
    else if (g.role.name.startsWith('eks-access:profile:')) parts.add(`profile ${g.role.name.slice('eks-access:profile:'.length)}`);
    else if (g.role.name === INLINE_RULES_ROLE) parts.add('inline rules');
    else parts.add(`${g.role.kind} ${g.role.name}`);
  }
  return `through ${[...parts].sort().join(', ')}`;
}

/** Reports one finding for a group, filling in who, where and what. */
export function reportGroup(report: (r: Report) => void, g: GrantGroup, message: string, risk?: Risk): void {
  const binding = g.grants.find((x) => x.binding)?.binding;
  const ends = g.grants.every((x) => x.expires !== undefined)
    ? g.grants
        .map((x) => x.expires!)
        .sort()
        .pop()
    : undefined;
  report({
    message,
    at: g.at,
    ...(ends !== undefined && { expires: ends }),
    grant: `${who(g)} ${where(g)} ${via(g.grants)}`,
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
