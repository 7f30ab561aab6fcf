import type { V1ConfigMap } from '@kubernetes/client-node';
import { iamUserArn, partitionOf, ROLE_USERNAME_TEMPLATE, stripRolePath } from '../model/identity.js';
import type { AccessModel, Cluster, Employee, Grant } from '../model/types.js';
import { compareStrings } from '../text.js';
import { parseDocument } from 'yaml';
import { yamlText } from './serialize.js';
import { ANNOTATION, MANAGED_BY } from './common.js';
import { grantsOn, peopleOn } from './rbac.js';

export interface RoleMapping {
  rolearn: string;
  username: string;
  groups?: string[];
}
export interface UserMapping {
  userarn: string;
  username: string;
  groups?: string[];
}

/** The IAM ARN an employee signs in with on cluster `c` (IAM users this repo creates live in the cluster's account). */
export function principalArn(e: Employee, c: Cluster): string {
  const id = e.identity;
  if (id.kind === 'iamUser') return iamUserArn(partitionOf(c.region), c.accountId, id.userName);
  return id.arn;
}

/** Kubernetes groups from `groups` grants, per employee on one cluster, sorted and unique. */
export function groupsOn(e: Employee, c: Cluster): string[] {
  return groupsOf(grantsOn(e, c));
}

function groupsOf(grants: readonly Grant[]): string[] {
  let groups: Set<string> | undefined;
  for (const g of grants) if (g.kind === 'groups') for (const name of g.groups) (groups ??= new Set()).add(name);
  return groups ? [...groups].sort() : [];
}

/** Employees with any grant on `c`, in name order. */
export function employeesOn(model: AccessModel, c: Cluster): Employee[] {
  return [...peopleOn(model, c).byName];
}

type IdentityMappings = { roles: RoleMapping[]; users: UserMapping[] };
/** Who signs in through each role mapping, by the mapping's ARN lowercased, in name order. */
type RoleMembers = ReadonlyMap<string, readonly Employee[]>;
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

/** A list as the block string aws-auth holds, written the way the authenticator reads it back. */
function mapText(entries: readonly object[]): string {
  const text = entries.length === 0 ? '[]\n' : yamlText(entries);
  assertReadsBack(text, entries);
  return text;
}

/**
 * The authenticator (go-yaml, YAML 1.1) must read the text back as exactly these entries, strings
 * and lists of strings: one it read differently would drop the mappings, node groups included
 * (a lockout), so such an aws-auth is never written.
 */
function assertReadsBack(text: string, entries: readonly object[]): void {
  for (const version of ['1.1', '1.2'] as const) {
    const doc = parseDocument(text, { version });
    const back: unknown = doc.errors.length === 0 ? doc.toJS() : undefined;
    if (JSON.stringify(back) !== JSON.stringify(entries)) {
      throw new Error(`internal error: the aws-auth mappings would not read back as written (YAML ${version}); nothing was written`);
    }
  }
}

/**
 * The whole kube-system/aws-auth ConfigMap of a cluster: its preserved entries first, verbatim and in
 * their order, then the people. Argo CD must never prune it: without it no node can join.
 */
export function emitAwsAuth(model: AccessModel, c: Cluster): V1ConfigMap {
  const { roles, users } = identityMappings(model, c);
  const preservedRoles = c.awsAuth.mapRoles.map((m) => ({ rolearn: m.rolearn, username: m.username, ...(m.groups && { groups: [...m.groups] }) }));
  const preservedUsers = c.awsAuth.mapUsers.map((m) => ({ userarn: m.userarn, username: m.username, ...(m.groups && { groups: [...m.groups] }) }));
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'aws-auth',
      namespace: 'kube-system',
      labels: { ...MANAGED_BY },
      annotations: {
        [ANNOTATION.source]: c.file,
        'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false',
        'kustomize.toolkit.fluxcd.io/prune': 'disabled',
      },
    },
    data: {
      mapRoles: mapText([...preservedRoles, ...roles]),
      mapUsers: mapText([...preservedUsers, ...users]),
    },
  };
}
