import { employeeRbac, groupsOn, identityMappings, peopleOn, principalArn, profileClusterRoleName, profilesUsedOn } from '../model/resolve.js';
import { emitAwsAuth } from '../emit/aws-auth.js';
import { readAwsAuth } from './aws-auth.js';
import { stripRolePath } from '../model/identity.js';
import type { AccessModel, Cluster, Employee, PolicyRule } from '../model/types.js';
import { builtinAccessPolicies } from './builtin.js';
import { makeBundle, type Bundle, type BundleBinding, type PolicyGrant, type UserInfo } from './engine.js';
import type { AwsAuthEntry } from './manifest-bundle.js';

/**
 * The RBAC bundle of one cluster as \`generate\` writes it (read from the resolved model the emitters
 * write it from), plus the EKS access policies associated with each person's principal, so answers
 * match what will be applied.
 */
export function bundleForCluster(model: AccessModel, c: Cluster): Bundle {
  const clusterRoles = profilesUsedOn(model, c).map((p) => ({ name: profileClusterRoleName(p.name), labels: {}, rules: p.rules ?? [] }));
  const roles: { namespace: string; name: string; rules: PolicyRule[] }[] = [];
  const bindings: BundleBinding[] = [];
  // Only people with a grant on the cluster have objects there; the model's order, as generate emits.
  const people = peopleOn(model, c);
  for (const e of people.grants.keys()) {
    const rbac = employeeRbac(model, c, e);
    const subjects = [{ kind: 'User' as const, name: e.kubernetesUser }];
    for (const b of rbac.bindings) {
      const binding: BundleBinding = { kind: b.namespace === undefined ? 'ClusterRoleBinding' : 'RoleBinding', name: b.name, roleRef: { kind: b.roleKind, name: b.roleName }, subjects };
      if (b.namespace !== undefined) binding.namespace = b.namespace;
      bindings.push(binding);
    }
    for (const r of rbac.roles) roles.push({ namespace: r.namespace, name: r.name, rules: r.rules });
  }
  const policies: PolicyGrant[] = [];
  if (c.authentication !== 'aws-auth') {
    // An association belongs to the principal: everyone signing in through a shared role gets it.
    const byPrincipal = new Map<string, Employee[]>();
    for (const e of people.grants.keys()) {
      const key = principalArn(e, c).toLowerCase();
      const members = byPrincipal.get(key);
      if (members) members.push(e);
      else byPrincipal.set(key, [e]);
    }
    for (const members of byPrincipal.values()) {
      for (const m of members) {
        for (const g of people.grants.get(m)!) {
          if (g.kind !== 'accessPolicy') continue;
          const data = builtinAccessPolicies().get(g.accessPolicy);
          for (const e of members) policies.push({ user: e.kubernetesUser, policy: g.accessPolicy, rules: data?.rules ?? [], ...(g.namespaces && { namespaces: g.namespaces }) });
        }
      }
    }
  }
  return makeBundle({ clusterRoles, roles, bindings, policies });
}

const roleGroupsIndex = new WeakMap<ReturnType<typeof identityMappings>, { byArn: Map<string, string[]>; byGivenArn: Map<string, string[]> }>();

/** Groups of the role mapping of an ARN as written in an access file (path and case as given), looked up through an index built once per set of mappings. */
function roleGroups(mappings: ReturnType<typeof identityMappings>, givenArn: string): string[] {
  let index = roleGroupsIndex.get(mappings);
  if (!index) {
    // By lower-case ARN; the first mapping of an ARN wins, as a search from the start would find.
    const byArn = new Map<string, string[]>();
    for (const r of mappings.roles) {
      const key = r.rolearn.toLowerCase();
      if (!byArn.has(key)) byArn.set(key, r.groups ?? []);
    }
    roleGroupsIndex.set(mappings, (index = { byArn, byGivenArn: new Map() }));
  }
  let groups = index.byGivenArn.get(givenArn);
  if (!groups) index.byGivenArn.set(givenArn, (groups = index.byArn.get(stripRolePath(givenArn).toLowerCase()) ?? []));
  return groups;
}

/** Who an employee is on cluster `c`: their Kubernetes user and the groups of their mapping. */
export function userInfoFor(model: AccessModel, c: Cluster, e: Employee, mappings?: ReturnType<typeof identityMappings>): UserInfo {
  const groups = e.identity.kind === 'role' ? roleGroups(mappings ?? identityMappings(model, c), e.identity.arn) : groupsOn(e, c);
  return { user: e.kubernetesUser, groups: [...groups, 'system:authenticated'] };
}

/**
 * The identity mappings of a cluster in the authenticator's terms, to resolve `--as-arn`: on clusters
 * that read aws-auth, the aws-auth ConfigMap `generate` writes, read back as the authenticator reads
 * it (preserved entries verbatim, so a preserved role ARN with a path matches no one, as on the
 * cluster); on access-entry clusters, the people's entries alone (EKS matches the role, path or not).
 */
export function awsAuthEntriesFor(model: AccessModel, c: Cluster): AwsAuthEntry[] {
  if (c.authentication === 'access-entries') {
    const { roles, users } = identityMappings(model, c);
    return [
      ...roles.map((r) => ({ kind: 'role' as const, arn: r.rolearn, username: r.username, groups: r.groups ?? [] })),
      ...users.map((u) => ({ kind: 'user' as const, arn: u.userarn, username: u.username, groups: u.groups ?? [] })),
    ];
  }
  const read = readAwsAuth(emitAwsAuth(model, c).data);
  return read.entries.map((e) => ({ kind: e.section === 'mapRoles' ? ('role' as const) : ('user' as const), arn: e.arn, ...(e.username !== undefined && { username: e.username }), groups: e.groups.map((g) => g.name) }));
}
