import type { V1ConfigMap } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { iamUserArn, partitionOf, ROLE_USERNAME_TEMPLATE, stripRolePath } from '../model/identity.js';
import type { AccessModel, Cluster, Employee } from '../model/types.js';
import { compareStrings } from '../text.js';
import { ANNOTATION, MANAGED_BY } from './common.js';
import { grantsOn } from './rbac.js';

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
  return [...new Set(grantsOn(e, c).flatMap((g) => (g.kind === 'groups' ? g.groups : [])))].sort();
}

/** Employees with any grant on `c`, in name order. */
export function employeesOn(model: AccessModel, c: Cluster): Employee[] {
  return [...model.employees.values()].filter((e) => grantsOn(e, c).length > 0).sort((a, b) => compareStrings(a.name, b.name));
}

/**
 * The identity mappings people need on `c`: one per distinct role (shared by everyone who assumes it,
 * path stripped, groups merged) and one per IAM user.
 */
export function identityMappings(model: AccessModel, c: Cluster): { roles: RoleMapping[]; users: UserMapping[] } {
  const roles = new Map<string, RoleMapping>();
  const users: UserMapping[] = [];
  for (const e of employeesOn(model, c)) {
    const groups = groupsOn(e, c);
    if (e.identity.kind === 'role') {
      const arn = stripRolePath(e.identity.arn);
      const key = arn.toLowerCase();
      const m = roles.get(key) ?? { rolearn: arn, username: ROLE_USERNAME_TEMPLATE };
      const merged = [...new Set([...(m.groups ?? []), ...groups])].sort();
      roles.set(key, { ...m, ...(merged.length > 0 && { groups: merged }) });
    } else {
      users.push({ userarn: principalArn(e, c), username: e.kubernetesUser, ...(groups.length > 0 && { groups }) });
    }
  }
  return {
    roles: [...roles.values()].sort((a, b) => compareStrings(a.rolearn.toLowerCase(), b.rolearn.toLowerCase())),
    users: users.sort((a, b) => compareStrings(a.userarn, b.userarn)),
  };
}

/** A list as the block string aws-auth holds, written the way the authenticator reads it back. */
function mapText(entries: readonly object[]): string {
  return entries.length === 0 ? '[]\n' : stringify(entries, { version: '1.1', lineWidth: 0, indentSeq: true });
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
        'argocd.argoproj.io/sync-options': 'Prune=false',
        'kustomize.toolkit.fluxcd.io/prune': 'disabled',
      },
    },
    data: {
      mapRoles: mapText([...preservedRoles, ...roles]),
      mapUsers: mapText([...preservedUsers, ...users]),
    },
  };
}
