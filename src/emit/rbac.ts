import type { V1ClusterRole, V1ClusterRoleBinding, V1PolicyRule, V1Role, V1RoleBinding, RbacV1Subject } from '@kubernetes/client-node';
import type { AccessModel, Cluster, Employee, Grant, PolicyRule, Profile } from '../model/types.js';
import { compareStrings } from '../text.js';
import { ANNOTATION, employeeMeta, MANAGED_BY, NAME_PREFIX, profileClusterRoleName } from './common.js';

const RBAC_API = 'rbac.authorization.k8s.io/v1';
const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** The ClusterRole a profile binds: the built-in role, the named existing role, or the generated one. */
export function profileRoleName(p: Profile): string {
  return p.clusterRole ?? profileClusterRoleName(p.name);
}

const grantsByCluster = new WeakMap<Employee, Map<string, Grant[]>>();

/** Grants of `e` that apply to cluster `c` (asked for very often: computed once per employee). */
export function grantsOn(e: Employee, c: Cluster): Grant[] {
  let byCluster = grantsByCluster.get(e);
  if (!byCluster) {
    byCluster = new Map();
    for (const g of e.grants) for (const name of g.clusters) byCluster.set(name, [...(byCluster.get(name) ?? []), g]);
    grantsByCluster.set(e, byCluster);
  }
  return byCluster.get(c.name) ?? [];
}

function toPolicyRule(r: PolicyRule): V1PolicyRule {
  return {
    ...(r.apiGroups && { apiGroups: [...r.apiGroups] }),
    ...(r.resources && { resources: [...r.resources] }),
    ...(r.resourceNames && { resourceNames: [...r.resourceNames] }),
    verbs: [...r.verbs],
    ...(r.nonResourceURLs && { nonResourceURLs: [...r.nonResourceURLs] }),
  };
}

/** A binding to make, before it is turned into an object: grants to the same role in the same place merge. */
interface PlannedBinding {
  namespace?: string;
  roleKind: 'ClusterRole' | 'Role';
  roleName: string;
  /** Part of the binding name after the employee. */
  suffix?: string;
  grants: Grant[];
}

/** The profile a grant binds, with `level` expressed as the built-in profile it means. */
function grantProfile(g: Grant): { profile: string; namespaces?: string[] } | undefined {
  if (g.kind === 'level') return { profile: g.level === 'admin' ? 'cluster-admin' : 'view' };
  if (g.kind === 'profile') return g.scope === 'cluster' ? { profile: g.profile } : { profile: g.profile, namespaces: g.namespaces };
  return undefined;
}

/** All RBAC objects of one employee on one cluster: their bindings and the Roles of their inline rules. */
export function emitEmployeeRbac(model: AccessModel, c: Cluster, e: Employee): object[] {
  const planned = new Map<string, PlannedBinding>();
  const roleRules = new Map<string, { rules: V1PolicyRule[]; grants: Grant[] }>();
  const plan = (b: Omit<PlannedBinding, 'grants'>, g: Grant) => {
    const key = `${b.namespace ?? ''}|${b.roleKind}|${b.roleName}`;
    const existing = planned.get(key);
    if (existing) existing.grants.push(g);
    else planned.set(key, { ...b, grants: [g] });
  };
  for (const g of grantsOn(e, c)) {
    const bound = grantProfile(g);
    if (bound) {
      const profile = model.profiles.get(bound.profile)!;
      const roleName = profileRoleName(profile);
      if (!bound.namespaces) plan({ roleKind: 'ClusterRole', roleName, suffix: profile.name }, g);
      else for (const ns of bound.namespaces) plan({ namespace: ns, roleKind: 'ClusterRole', roleName, suffix: profile.name }, g);
    } else if (g.kind === 'rules') {
      for (const ns of g.namespaces) {
        const entry = roleRules.get(ns) ?? { rules: [], grants: [] };
        entry.rules.push(...g.rules.map(toPolicyRule));
        entry.grants.push(g);
        roleRules.set(ns, entry);
        plan({ namespace: ns, roleKind: 'Role', roleName: `${NAME_PREFIX}${e.name}` }, g);
      }
    }
  }
  const subject: RbacV1Subject = { kind: 'User', apiGroup: RBAC_GROUP, name: e.kubernetesUser };
  const clusterBindings: V1ClusterRoleBinding[] = [];
  const byNamespace = new Map<string, (V1Role | V1RoleBinding)[]>();
  for (const b of planned.values()) {
    const name = `${NAME_PREFIX}${e.name}${b.suffix ? `:${b.suffix}` : ''}`;
    const roleRef = { apiGroup: RBAC_GROUP, kind: b.roleKind, name: b.roleName };
    if (b.namespace === undefined) {
      clusterBindings.push({ apiVersion: RBAC_API, kind: 'ClusterRoleBinding', metadata: employeeMeta(name, e, { grants: b.grants }), roleRef, subjects: [subject] });
    } else {
      const list = byNamespace.get(b.namespace) ?? [];
      list.push({ apiVersion: RBAC_API, kind: 'RoleBinding', metadata: employeeMeta(name, e, { namespace: b.namespace, grants: b.grants }), roleRef, subjects: [subject] });
      byNamespace.set(b.namespace, list);
    }
  }
  for (const [ns, { rules, grants }] of roleRules) {
    const list = byNamespace.get(ns) ?? [];
    list.push({ apiVersion: RBAC_API, kind: 'Role', metadata: employeeMeta(`${NAME_PREFIX}${e.name}`, e, { namespace: ns, grants }), rules });
    byNamespace.set(ns, list);
  }
  const kindOrder = (k: string | undefined) => (k === 'Role' ? 0 : 1);
  const objects: object[] = clusterBindings.sort((a, b) => compareStrings(a.metadata!.name!, b.metadata!.name!));
  for (const ns of [...byNamespace.keys()].sort()) {
    objects.push(...byNamespace.get(ns)!.sort((a, b) => kindOrder(a.kind) - kindOrder(b.kind) || compareStrings(a.metadata!.name!, b.metadata!.name!)));
  }
  return objects;
}

/** The ClusterRole generated for a rule-based profile. */
export function emitProfileClusterRole(p: Profile): V1ClusterRole {
  return {
    apiVersion: RBAC_API,
    kind: 'ClusterRole',
    metadata: {
      name: profileClusterRoleName(p.name),
      labels: { ...MANAGED_BY },
      annotations: { [ANNOTATION.source]: p.file ?? '', 'eks-access/description': p.description },
    },
    rules: (p.rules ?? []).map(toPolicyRule),
  };
}

/** Rule-based profiles that some grant on cluster `c` uses, sorted by name. */
export function profilesUsedOn(model: AccessModel, c: Cluster): Profile[] {
  const used = new Set<string>();
  for (const e of model.employees.values()) {
    for (const g of grantsOn(e, c)) {
      const bound = grantProfile(g);
      if (bound) used.add(bound.profile);
    }
  }
  return [...used].sort().map((n) => model.profiles.get(n)!).filter((p) => p.rules !== undefined);
}
