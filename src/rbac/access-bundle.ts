import { groupsOn, identityMappings, principalArn } from '../emit/aws-auth.js';
import { emitEmployeeRbac, emitProfileClusterRole, grantsOn, profilesUsedOn } from '../emit/rbac.js';
import { stripRolePath } from '../model/identity.js';
import type { AccessModel, Cluster, Employee, PolicyRule } from '../model/types.js';
import { builtinAccessPolicies } from './builtin.js';
import { makeBundle, type Bundle, type BundleBinding, type PolicyGrant, type UserInfo } from './engine.js';
import type { AwsAuthEntry } from './manifest-bundle.js';

/** The fields of the emitted RBAC objects this module reads. */
interface EmittedRbac {
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: PolicyRule[];
  roleRef?: { kind: string; name: string };
  subjects?: { kind: 'User'; name: string }[];
}

/**
 * The RBAC bundle of one cluster exactly as `generate` writes it (the same emitters), plus the EKS
 * access policies associated with each person's principal, so answers match what will be applied.
 */
export function bundleForCluster(model: AccessModel, c: Cluster): Bundle {
  const clusterRoles = profilesUsedOn(model, c).map((p) => {
    const o = emitProfileClusterRole(p);
    return { name: o.metadata!.name!, labels: {}, rules: (o.rules ?? []) as PolicyRule[] };
  });
  const roles: { namespace: string; name: string; rules: PolicyRule[] }[] = [];
  const bindings: BundleBinding[] = [];
  for (const e of model.employees.values()) {
    for (const o of emitEmployeeRbac(model, c, e) as EmittedRbac[]) {
      if (o.kind === 'Role') roles.push({ namespace: o.metadata.namespace!, name: o.metadata.name, rules: o.rules ?? [] });
      else bindings.push({ kind: o.kind as BundleBinding['kind'], name: o.metadata.name, ...(o.metadata.namespace !== undefined && { namespace: o.metadata.namespace }), roleRef: o.roleRef!, subjects: o.subjects! });
    }
  }
  const policies: PolicyGrant[] = [];
  if (c.authentication !== 'aws-auth') {
    // An association belongs to the principal: everyone signing in through a shared role gets it.
    const byPrincipal = new Map<string, Employee[]>();
    for (const e of model.employees.values()) {
      if (grantsOn(e, c).length === 0) continue;
      const key = principalArn(e, c).toLowerCase();
      byPrincipal.set(key, [...(byPrincipal.get(key) ?? []), e]);
    }
    for (const members of byPrincipal.values()) {
      for (const m of members) {
        for (const g of grantsOn(m, c)) {
          if (g.kind !== 'accessPolicy') continue;
          const data = builtinAccessPolicies().get(g.accessPolicy);
          for (const e of members) policies.push({ user: e.kubernetesUser, policy: g.accessPolicy, rules: data?.rules ?? [], ...(g.namespaces && { namespaces: g.namespaces }) });
        }
      }
    }
  }
  return makeBundle({ clusterRoles, roles, bindings, policies });
}

/** Who an employee is on cluster `c`: their Kubernetes user and the groups of their mapping. */
export function userInfoFor(model: AccessModel, c: Cluster, e: Employee, mappings?: ReturnType<typeof identityMappings>): UserInfo {
  let groups: string[];
  if (e.identity.kind === 'role') {
    const arn = stripRolePath(e.identity.arn).toLowerCase();
    groups = (mappings ?? identityMappings(model, c)).roles.find((r) => r.rolearn.toLowerCase() === arn)?.groups ?? [];
  } else groups = groupsOn(e, c);
  return { user: e.kubernetesUser, groups: [...groups, 'system:authenticated'] };
}

/** The identity mappings of a cluster in the authenticator's terms, to resolve `--as-arn`. */
export function awsAuthEntriesFor(model: AccessModel, c: Cluster): AwsAuthEntry[] {
  const { roles, users } = identityMappings(model, c);
  return [
    ...c.awsAuth.mapRoles.map((m) => ({ kind: 'role' as const, arn: stripRolePath(m.rolearn), username: m.username, groups: m.groups ?? [] })),
    ...c.awsAuth.mapUsers.map((m) => ({ kind: 'user' as const, arn: m.userarn, username: m.username, groups: m.groups ?? [] })),
    ...roles.map((r) => ({ kind: 'role' as const, arn: r.rolearn, username: r.username, groups: r.groups ?? [] })),
    ...users.map((u) => ({ kind: 'user' as const, arn: u.userarn, username: u.username, groups: u.groups ?? [] })),
  ];
}
