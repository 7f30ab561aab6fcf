/**
 * Who gets what on each cluster, worked out once from the model: the people of a cluster and their
 * grants there, the principal each signs in with, the identity mappings aws-auth and access entries
 * hold, and the bindings and Roles that carry each grant, named as generate writes them. The
 * emitters turn this into objects; the linter, the can-i engine, diff and the report read it; nothing
 * else works it out again.
 */
import type { Source } from '../diagnostics.js';
import { builtinAccessPolicies, builtinClusterRoles, SUPERUSER_RULES } from '../rbac/builtin.js';
import { compareStrings } from '../text.js';
import { clusterArn, iamUserArn, partitionOf, ROLE_USERNAME_TEMPLATE, stripRolePath } from './identity.js';
import type { AccessModel, Cluster, Employee, Grant, PolicyRule, Profile } from './types.js';

/** Name prefix of every RBAC object eks-access creates, so they never collide with others. */
const NAME_PREFIX = 'eks-access:';

/** The ClusterRole generated for a rule-based profile. */
export function profileClusterRoleName(profile: string): string {
  return `${NAME_PREFIX}profile:${profile}`;
}

/** The ClusterRole a profile binds: the built-in role, the named existing role, or the generated one. */
export function profileRoleName(p: Profile): string {
  return p.clusterRole ?? profileClusterRoleName(p.name);
}

/** The Role holding an employee's inline rules, one per namespace. */
function employeeRoleName(employee: string): string {
  return `${NAME_PREFIX}${employee}`;
}

/**
 * How grantPermissions names the Role of inline rules: one name for every employee (each one's Role is
 * `employeeRoleName(employee)`), so that grants of inline rules share one role as profiles do.
 */
export const INLINE_RULES_ROLE = `${NAME_PREFIX}<employee>`;

/**
 * The name of an employee's binding, derived from the role it binds: a binding's `roleRef` cannot be
 * changed, so a change of role (a profile moving from `rules` to `clusterRole`, say) must give a new
 * binding under a new name, which Argo CD and Flux create while pruning the old one.
 * `eks-access:<employee>:profile:<profile>` for a generated profile ClusterRole,
 * `eks-access:<employee>:clusterrole:<name>` for any other ClusterRole, `eks-access:<employee>:role`
 * for the employee's own Role of inline rules.
 */
function bindingName(employee: string, roleKind: 'ClusterRole' | 'Role', roleName: string): string {
  const own = profileClusterRoleName('');
  const what = roleKind === 'Role' ? 'role' : roleName.startsWith(own) ? `profile:${roleName.slice(own.length)}` : `clusterrole:${roleName}`;
  return `${NAME_PREFIX}${employee}:${what}`;
}

// ---------------------------------------------------------------------------------------------
// People of a cluster

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
 * The people of cluster `c`, found once per model and cluster: emitters walk them per cluster several
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

// ---------------------------------------------------------------------------------------------
// Identities

/** The IAM ARN an employee signs in with on cluster `c` (IAM users this repo creates live in the cluster's account). */
export function principalArn(e: Employee, c: Cluster): string {
  const id = e.identity;
  if (id.kind === 'iamUser') return iamUserArn(partitionOf(c.region), c.accountId, id.userName);
  return id.arn;
}

/** The inline policy of an IAM user this repository creates: `eks:DescribeCluster` on exactly their clusters. */
export const DESCRIBE_POLICY_NAME = 'eks-access-describe-clusters';

/** The ARNs of some clusters, and the policy document of DESCRIBE_POLICY_NAME that allows describing them. */
export function describeClustersPolicy(clusters: readonly Cluster[]): { arns: string[]; document: string } {
  const arns = clusters.map((c) => clusterArn(partitionOf(c.region), c.region, c.accountId, c.name));
  const document = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'DescribeOwnClusters', Effect: 'Allow', Action: ['eks:DescribeCluster'], Resource: arns }],
  });
  return { arns, document };
}

/** Kubernetes groups from `groups` grants, sorted and unique. */
function groupsOf(grants: readonly Grant[]): string[] {
  let groups: Set<string> | undefined;
  for (const g of grants) if (g.kind === 'groups') for (const name of g.groups) (groups ??= new Set()).add(name);
  return groups ? [...groups].sort() : [];
}

/** Kubernetes groups from `groups` grants, per employee on one cluster, sorted and unique. */
export function groupsOn(e: Employee, c: Cluster): string[] {
  return groupsOf(grantsOn(e, c));
}

interface RoleMapping {
  rolearn: string;
  username: string;
  groups?: string[];
}
interface UserMapping {
  userarn: string;
  username: string;
  groups?: string[];
}

export type IdentityMappings = { roles: RoleMapping[]; users: UserMapping[] };
/** Who signs in through each role mapping, by the mapping's ARN lowercased, in name order. */
export type RoleMembers = ReadonlyMap<string, readonly Employee[]>;
const mappingsIndex = new WeakMap<ReadonlyMap<string, Employee>, WeakMap<Cluster, IdentityMappings & { members: RoleMembers }>>();

/**
 * The identity mappings people need on `c`: one per distinct role (shared by everyone who assumes it,
 * path stripped, groups merged) and one per IAM user. Worked out once per model and cluster (aws-auth,
 * the report and the linter all ask); each call gets its own lists.
 */
export function identityMappings(model: AccessModel, c: Cluster): IdentityMappings {
  const mappings = cachedMappings(model, c);
  return { roles: [...mappings.roles], users: [...mappings.users] };
}

/** The people behind each of identityMappings' role mappings, by `rolearn` lowercased, in name order. */
export function roleMembers(model: AccessModel, c: Cluster): RoleMembers {
  return cachedMappings(model, c).members;
}

function cachedMappings(model: AccessModel, c: Cluster): IdentityMappings & { members: RoleMembers } {
  let byCluster = mappingsIndex.get(model.employees);
  if (!byCluster) mappingsIndex.set(model.employees, (byCluster = new WeakMap()));
  let mappings = byCluster.get(c);
  if (!mappings) byCluster.set(c, (mappings = computeIdentityMappings(model, c)));
  return mappings;
}

function computeIdentityMappings(model: AccessModel, c: Cluster): IdentityMappings & { members: RoleMembers } {
  // Groups of a shared role are collected first and sorted once, not re-merged per member.
  const roles = new Map<string, { rolearn: string; groups: Set<string>; members: Employee[] }>();
  const users: { key: string; mapping: UserMapping }[] = [];
  const people = peopleOn(model, c);
  const stripped = new Map<string, { arn: string; key: string }>();
  for (const [i, e] of people.byName.entries()) {
    const groups = groupsOf(people.grantsByName[i]!);
    if (e.identity.kind === 'role') {
      let role = stripped.get(e.identity.arn);
      if (!role) {
        const arn = stripRolePath(e.identity.arn);
        stripped.set(e.identity.arn, (role = { arn, key: arn.toLowerCase() }));
      }
      const { arn, key } = role;
      let m = roles.get(key);
      if (!m) roles.set(key, (m = { rolearn: arn, groups: new Set(), members: [] }));
      m.members.push(e);
      for (const g of groups) m.groups.add(g);
    } else {
      const userarn = principalArn(e, c);
      users.push({ key: userarn, mapping: { userarn, username: e.kubernetesUser, ...(groups.length > 0 && { groups }) } });
    }
  }
  const roleList = [...roles].map(([key, m]) => {
    const groups = [...m.groups].sort();
    return { key, mapping: { rolearn: m.rolearn, username: ROLE_USERNAME_TEMPLATE, ...(groups.length > 0 && { groups }) } as RoleMapping };
  });
  const byKey = (a: { key: string }, b: { key: string }) => compareStrings(a.key, b.key);
  const members = new Map([...roles].map(([key, m]) => [key, m.members]));
  return { roles: roleList.sort(byKey).map((r) => r.mapping), users: users.sort(byKey).map((u) => u.mapping), members };
}

// ---------------------------------------------------------------------------------------------
// Bindings and Roles

/** One binding of an employee on a cluster, as generate emits it: grants to the same role in the same place merge. */
export interface EmployeeBinding {
  name: string;
  /** undefined: a ClusterRoleBinding. */
  namespace: string | undefined;
  roleKind: 'ClusterRole' | 'Role';
  roleName: string;
  /** What the grants bind, for readers: the profile's name, or `rules` for the employee's Role. */
  via: string;
  /** The grants this binding carries, in the employee's order. */
  grants: Grant[];
}

/** The Role of an employee's inline rules in one namespace: every `rules` grant there, in order. */
interface EmployeeRole {
  name: string;
  namespace: string;
  rules: PolicyRule[];
  grants: Grant[];
}

/** The bindings and Roles of one employee on one cluster. */
export interface EmployeeRbac {
  bindings: EmployeeBinding[];
  roles: EmployeeRole[];
  /** Each grant's bindings, one per namespace it names (none for `groups` and `accessPolicy`). */
  byGrant: ReadonlyMap<Grant, readonly EmployeeBinding[]>;
}

/** The profile a grant binds, with `level` expressed as the built-in profile it means. */
function grantProfile(g: Grant): { profile: string; namespaces?: string[] } | undefined {
  if (g.kind === 'level') return { profile: g.level === 'admin' ? 'cluster-admin' : 'view' };
  if (g.kind === 'profile') return g.scope === 'cluster' ? { profile: g.profile } : { profile: g.profile, namespaces: g.namespaces };
  return undefined;
}

const rbacIndex = new WeakMap<Employee, Map<Cluster, EmployeeRbac>>();

/** The bindings (grants to the same role in the same place merged) and the Roles of one employee on one cluster. */
export function employeeRbac(model: AccessModel, c: Cluster, e: Employee): EmployeeRbac {
  let byCluster = rbacIndex.get(e);
  if (!byCluster) rbacIndex.set(e, (byCluster = new Map()));
  let rbac = byCluster.get(c);
  if (!rbac) byCluster.set(c, (rbac = computeEmployeeRbac(model, c, e)));
  return rbac;
}

function computeEmployeeRbac(model: AccessModel, c: Cluster, e: Employee): EmployeeRbac {
  const bindings = new Map<string, EmployeeBinding>();
  const roles = new Map<string, EmployeeRole>();
  const byGrant = new Map<Grant, EmployeeBinding[]>();
  const bind = (namespace: string | undefined, roleKind: EmployeeBinding['roleKind'], roleName: string, via: string, g: Grant) => {
    const key = `${namespace ?? ''}|${roleKind}|${roleName}`;
    let b = bindings.get(key);
    if (b) b.grants.push(g);
    else bindings.set(key, (b = { name: bindingName(e.name, roleKind, roleName), namespace, roleKind, roleName, via, grants: [g] }));
    const list = byGrant.get(g);
    if (list) list.push(b);
    else byGrant.set(g, [b]);
  };
  for (const g of grantsOn(e, c)) {
    const bound = grantProfile(g);
    if (bound) {
      const profile = model.profiles.get(bound.profile)!;
      const roleName = profileRoleName(profile);
      if (!bound.namespaces) bind(undefined, 'ClusterRole', roleName, profile.name, g);
      else for (const ns of bound.namespaces) bind(ns, 'ClusterRole', roleName, profile.name, g);
    } else if (g.kind === 'rules') {
      const name = employeeRoleName(e.name);
      for (const ns of g.namespaces) {
        let role = roles.get(ns);
        if (!role) roles.set(ns, (role = { name, namespace: ns, rules: [], grants: [] }));
        role.rules.push(...g.rules);
        role.grants.push(g);
        bind(ns, 'Role', name, 'rules', g);
      }
    }
  }
  return { bindings: [...bindings.values()], roles: [...roles.values()], byGrant };
}

/** The bindings generate emits for `e` on `c`, named as emitted. */
export function employeeBindings(model: AccessModel, c: Cluster, e: Employee): EmployeeBinding[] {
  return employeeRbac(model, c, e).bindings;
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
  return [...used]
    .sort()
    .map((n) => model.profiles.get(n)!)
    .filter((p) => p.rules !== undefined);
}

// ---------------------------------------------------------------------------------------------
// Permissions

/** A role a grant reaches, as the linter and the authorizer name it. */
export interface BoundRole {
  kind: 'ClusterRole' | 'Role' | 'AccessPolicy';
  name: string;
  /** Shipped by Kubernetes or EKS (built-in ClusterRoles, `system:masters`, access policies). */
  builtin: boolean;
}

/** What one grant gives: a role, its rules (and where they are written, when eks-access knows), and the namespaces (none: cluster-wide). */
export interface GrantPermissions {
  role: BoundRole;
  rules: readonly PolicyRule[];
  rulesAt?: readonly Source[];
  namespaces?: readonly string[];
}

const roleObjects = new Map<string, BoundRole>();

/** One BoundRole object per role: grants share it, which lets the linter's grant index tell them alike at a glance. */
function boundRole(kind: BoundRole['kind'], name: string, builtin: boolean): BoundRole {
  const key = `${kind}\u0000${name}\u0000${builtin}`;
  let ref = roleObjects.get(key);
  if (!ref) roleObjects.set(key, (ref = { kind, name, builtin }));
  return ref;
}

/** The rules a profile binds, and where they are written when eks-access knows. */
function profilePermissions(model: AccessModel, name: string): GrantPermissions {
  const p = model.profiles.get(name)!;
  if (p.rules) return { role: boundRole('ClusterRole', profileRoleName(p), false), rules: p.rules, ...(p.rulesAt && { rulesAt: p.rulesAt }) };
  const data = builtinClusterRoles().get(p.clusterRole!);
  return { role: boundRole('ClusterRole', p.clusterRole!, true), rules: data?.rules ?? [] };
}

/**
 * The permissions one grant gives: the role it binds, expanded to rules. `groups`
 * grants give nothing eks-access can see except `system:masters`, which bypasses RBAC altogether.
 */
export function grantPermissions(model: AccessModel, g: Grant): GrantPermissions[] {
  const bound = grantProfile(g);
  if (bound) return [{ ...profilePermissions(model, bound.profile), ...(bound.namespaces && { namespaces: bound.namespaces }) }];
  switch (g.kind) {
    case 'rules':
      return [{ role: boundRole('Role', INLINE_RULES_ROLE, false), rules: g.rules, rulesAt: g.rulesAt, namespaces: g.namespaces }];
    case 'groups':
      return g.groups.includes('system:masters') ? [{ role: boundRole('ClusterRole', 'system:masters', true), rules: SUPERUSER_RULES }] : [];
    case 'accessPolicy': {
      const data = builtinAccessPolicies().get(g.accessPolicy);
      return [{ role: boundRole('AccessPolicy', g.accessPolicy, true), rules: data?.rules ?? [], ...(g.namespaces && { namespaces: g.namespaces }) }];
    }
    default:
      return [];
  }
}
