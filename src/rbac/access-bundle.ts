import { groupsOn, identityMappings } from '../model/resolve.js';
import { emitAwsAuth } from '../emit/aws-auth.js';
import { readAwsAuth } from './aws-auth.js';
import { stripRolePath } from '../model/identity.js';
import type { AccessModel, Cluster, Employee } from '../model/types.js';
import { bundleOf, type Bundle, type UserInfo } from './engine.js';
import { graphFromModel } from './graph.js';
import type { AwsAuthEntry } from './manifest-bundle.js';

/**
 * The RBAC bundle of one cluster as \`generate\` writes it, plus the EKS access policies associated
 * with each person's principal, so answers match what will be applied.
 */
export function bundleForCluster(model: AccessModel, c: Cluster): Bundle {
  return bundleOf(graphFromModel(model, c));
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
  return read.entries.map((e) => ({
    kind: e.section === 'mapRoles' ? ('role' as const) : ('user' as const),
    arn: e.arn,
    ...(e.username !== undefined && { username: e.username }),
    groups: e.groups.map((g) => g.name),
  }));
}
