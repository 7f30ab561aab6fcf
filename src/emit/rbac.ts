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
    for (const g of e.grants) {
      for (const name of g.clusters) {
        const list = byCluster.get(name);
        if (list) list.push(g);
        else byCluster.set(name, [g]);
      }
    }
    grantsByCluster.set(e, byCluster);
  }
  return byCluster.get(c.name) ?? NO_GRANTS;
}

// Shared by everyone without grants on a cluster; frozen so no caller can fill it in by accident.
const NO_GRANTS: Grant[] = Object.freeze([]) as unknown as Grant[];

/** Does `e` have any grant on `c`? */
export function hasGrantOn(e: Employee, c: Cluster): boolean {
  return grantsOn(e, c).length > 0;
}

/** Everyone with a grant on one cluster: their grants there in the model's order, and the same people by name. */
export interface ClusterPeople {
  grants: ReadonlyMap<Employee, readonly Grant[]>;
  byName: readonly Employee[];
  /** The grants of `byName[i]` on the cluster, to walk both without a lookup per person. */
  grantsByName: readonly (readonly Grant[])[];
}

const peopleIndex = new WeakMap<ReadonlyMap<string, Employee>, Map<string, ClusterPeople>>();

/**
 * The people of cluster \`c\`, found once per model and cluster: emitters walk them per cluster several
 * times (aws-auth, RBAC, access entries, the report) and most employees have no grant on a given cluster.
 */
export function peopleOn(model: AccessModel, c: Cluster): ClusterPeople {
  let byCluster = peopleIndex.get(model.employees);
  if (!byCluster) peopleIndex.set(model.employees, (byCluster = new Map()));
  let people = byCluster.get(c.name);
  if (!people) {
    const grants = new Map<Employee, readonly Grant[]>();
    for (const e of model.employees.values()) {
      const theirs = grantsOn(e, c);
      if (theirs.length > 0) grants.set(e, theirs);
    }
    const byName = [...grants.keys()].sort((a, b) => compareStrings(a.name, b.name));
    people = { grants, byName, grantsByName: byName.map((e) => grants.get(e)!) };
    byCluster.set(c.name, people);
  }
  return people;
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
  namespace: string | undefined;
  roleKind: 'ClusterRole' | 'Role';
  roleName: string;
  /** What the grants bind, for readers: the profile's name, or `rules` for the employee's Role. */
  via: string;
  grants: Grant[];
}

/**
 * The name of an employee's binding, derived from the role it binds: a binding's `roleRef` cannot be
 * changed, so a change of role (a profile moving from `rules` to `clusterRole`, say) must give a new
 * binding under a new name, which Argo CD and Flux create while pruning the old one.
 * `eks-access:<employee>:profile:<profile>` for a generated profile ClusterRole,
 * `eks-access:<employee>:clusterrole:<name>` for any other ClusterRole, `eks-access:<employee>:role`
 * for the employee's own Role of inline rules.
 */
export function bindingName(employee: string, roleKind: 'ClusterRole' | 'Role', roleName: string): string {
  const own = profileClusterRoleName('');
  const what = roleKind === 'Role' ? 'role' : roleName.startsWith(own) ? `profile:${roleName.slice(own.length)}` : `clusterrole:${roleName}`;
  return `${NAME_PREFIX}${employee}:${what}`;
}

/** One binding of an employee on a cluster, as generate emits it. */
export interface EmployeeBinding {
  name: string;
  namespace: string | undefined;
  roleKind: 'ClusterRole' | 'Role';
  roleName: string;
  via: string;
}

/** The profile a grant binds, with `level` expressed as the built-in profile it means. */
function grantProfile(g: Grant): { profile: string; namespaces?: string[] } | undefined {
  if (g.kind === 'level') return { profile: g.level === 'admin' ? 'cluster-admin' : 'view' };
  if (g.kind === 'profile') return g.scope === 'cluster' ? { profile: g.profile } : { profile: g.profile, namespaces: g.namespaces };
  return undefined;
}

const kindOrder = (k: string | undefined) => (k === 'Role' ? 0 : 1);

/** The bindings (grants to the same role in the same place merged) and the Roles of one employee on one cluster. */
function planBindings(model: AccessModel, c: Cluster, e: Employee): { planned: Map<string, PlannedBinding>; roleRules: Map<string, { rules: V1PolicyRule[]; grants: Grant[] }> } {
  const grants = grantsOn(e, c);
  const planned = new Map<string, PlannedBinding>();
  const roleRules = new Map<string, { rules: V1PolicyRule[]; grants: Grant[] }>();
  const plan = (namespace: string | undefined, roleKind: PlannedBinding['roleKind'], roleName: string, via: string, g: Grant) => {
    const key = `${namespace ?? ''}|${roleKind}|${roleName}`;
    const existing = planned.get(key);
    if (existing) existing.grants.push(g);
    else planned.set(key, { namespace, roleKind, roleName, via, grants: [g] });
  };
  for (const g of grants) {
    const bound = grantProfile(g);
    if (bound) {
      const profile = model.profiles.get(bound.profile)!;
      const roleName = profileRoleName(profile);
      if (!bound.namespaces) plan(undefined, 'ClusterRole', roleName, profile.name, g);
      else for (const ns of bound.namespaces) plan(ns, 'ClusterRole', roleName, profile.name, g);
    } else if (g.kind === 'rules') {
      for (const ns of g.namespaces) {
        let entry = roleRules.get(ns);
        if (!entry) roleRules.set(ns, (entry = { rules: [], grants: [] }));
        for (const r of g.rules) entry.rules.push(toPolicyRule(r));
        entry.grants.push(g);
        plan(ns, 'Role', `${NAME_PREFIX}${e.name}`, 'rules', g);
      }
    }
  }
  return { planned, roleRules };
}

/** The bindings generate emits for `e` on `c`, named as emitted. */
export function employeeBindings(model: AccessModel, c: Cluster, e: Employee): EmployeeBinding[] {
  return [...planBindings(model, c, e).planned.values()].map((b) => ({ name: bindingName(e.name, b.roleKind, b.roleName), namespace: b.namespace, roleKind: b.roleKind, roleName: b.roleName, via: b.via }));
}

/** All RBAC objects of one employee on one cluster: their bindings and the Roles of their inline rules. */
export function emitEmployeeRbac(model: AccessModel, c: Cluster, e: Employee): object[] {
  if (grantsOn(e, c).length === 0) return [];
  const { planned, roleRules } = planBindings(model, c, e);
  const subject: RbacV1Subject = { kind: 'User', apiGroup: RBAC_GROUP, name: e.kubernetesUser };
  const clusterBindings: V1ClusterRoleBinding[] = [];
  const byNamespace = new Map<string, (V1Role | V1RoleBinding)[]>();
  for (const b of planned.values()) {
    const name = bindingName(e.name, b.roleKind, b.roleName);
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
  const objects: object[] = clusterBindings.sort((a, b) => compareStrings(a.metadata!.name!, b.metadata!.name!));
  for (const ns of [...byNamespace.keys()].sort()) {
    objects.push(...byNamespace.get(ns)!.sort((a, b) => kindOrder(a.kind) - kindOrder(b.kind) || compareStrings(a.metadata!.name!, b.metadata!.name!)));
  }
  return objects;
}

/**
 * The RBAC objects \`generate\` emitted for one cluster, handed on so the access report reads them
 * instead of emitting them again: the profile ClusterRoles and each employee's objects.
 */
export interface ClusterRbacObjects {
  clusterRoles: readonly V1ClusterRole[];
  employees: ReadonlyMap<Employee, readonly object[]>;
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
  for (const grants of peopleOn(model, c).grants.values()) {
    for (const g of grants) {
      const bound = grantProfile(g);
      if (bound) used.add(bound.profile);
    }
  }
  return [...used].sort().map((n) => model.profiles.get(n)!).filter((p) => p.rules !== undefined);
}
