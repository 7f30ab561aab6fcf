import type { LoadedDocument } from '../load/load.js';
import type { PolicyRule } from '../model/types.js';
import { renderSessionName } from '../model/identity.js';
import { makeBundle, type Bundle, type BundleBinding, type BundleSubject, type UserInfo } from './engine.js';
import type { ClusterRoleData } from './builtin.js';
import { readAwsAuth } from './aws-auth.js';
import { meta, objectsOf, str, toRule } from './objects.js';

export interface AwsAuthEntry {
  kind: 'role' | 'user';
  arn: string;
  username?: string;
  groups: string[];
}

/** Every RBAC object of the documents (platform defaults included) as a bundle, and the aws-auth entries. */
export function bundleFromDocuments(documents: readonly Pick<LoadedDocument, 'data'>[]): { bundle: Bundle; awsAuth: AwsAuthEntry[]; accounts: string[] } {
  const clusterRoles: ClusterRoleData[] = [];
  const roles: { namespace: string; name: string; rules: PolicyRule[] }[] = [];
  const bindings: BundleBinding[] = [];
  const awsAuth: AwsAuthEntry[] = [];
  const accounts: string[] = [];
  for (const d of documents) {
    for (const l of objectsOf(d)) {
      const kind = str(l.obj.kind);
      const m = meta(l.obj);
      const rules = () => (Array.isArray(l.obj.rules) ? l.obj.rules : []).map(toRule).filter((r): r is PolicyRule => r !== undefined);
      if (kind === 'ClusterRole') {
        clusterRoles.push({ name: m.name, labels: m.labels, ...(l.obj.aggregationRule ? { aggregationRule: l.obj.aggregationRule as ClusterRoleData['aggregationRule'] } : {}), rules: rules() });
      } else if (kind === 'Role') {
        roles.push({ namespace: m.namespace ?? 'default', name: m.name, rules: rules() });
      } else if (kind === 'RoleBinding' || kind === 'ClusterRoleBinding') {
        const ref = (l.obj.roleRef ?? {}) as Record<string, unknown>;
        const subjects: BundleSubject[] = (Array.isArray(l.obj.subjects) ? l.obj.subjects : []).flatMap((s: Record<string, unknown>) => {
          const k = str(s?.kind);
          const name = str(s?.name);
          if (!name || (k !== 'User' && k !== 'Group' && k !== 'ServiceAccount')) return [];
          return [{ kind: k, name, ...(str(s.namespace) !== undefined && { namespace: str(s.namespace)! }) }];
        });
        bindings.push({ kind, name: m.name, ...(kind === 'RoleBinding' && { namespace: m.namespace ?? 'default' }), roleRef: { kind: str(ref.kind) ?? '', name: str(ref.name) ?? '' }, subjects });
      } else if (kind === 'ConfigMap' && m.name === 'aws-auth') {
        const read = readAwsAuth(l.obj.data);
        for (const e of read.entries) awsAuth.push({ kind: e.section === 'mapRoles' ? 'role' : 'user', arn: e.arn, ...(e.username !== undefined && { username: e.username }), groups: e.groups.map((g) => g.name) });
        accounts.push(...read.accounts.map((a) => a.id));
      }
    }
  }
  return { bundle: makeBundle({ clusterRoles, roles, bindings }), awsAuth, accounts };
}

/** Splits an STS assumed-role ARN into the IAM role ARN the authenticator maps and the session name. */
export function canonicalizeArn(arn: string): { arn: string; kind: 'role' | 'user'; accountId: string; session?: string } | undefined {
  const sts = /^arn:([a-z-]+):sts::(\d{12}):assumed-role\/([^/]+)\/(.+)$/.exec(arn);
  if (sts) return { arn: `arn:${sts[1]}:iam::${sts[2]}:role/${sts[3]}`, kind: 'role', accountId: sts[2]!, session: sts[4]! };
  const iam = /^arn:([a-z-]+):iam::(\d{12}):(role|user)\/(.+)$/.exec(arn);
  if (!iam) return undefined;
  if (iam[3] === 'role') return { arn: `arn:${iam[1]}:iam::${iam[2]}:role/${iam[4]!.split('/').pop()}`, kind: 'role', accountId: iam[2]! };
  return { arn, kind: 'user', accountId: iam[2]! };
}

/**
 * Who an IAM principal is to the authenticator: role mappings first (ARN compared case-insensitively,
 * the last duplicate winning), then user mappings, then mapAccounts (the ARN as username, no groups).
 * Returns undefined when nothing maps it (the API server answers 401).
 */
export function resolveArn(awsAuth: readonly AwsAuthEntry[], accounts: readonly string[], principal: string): UserInfo | undefined {
  const c = canonicalizeArn(principal);
  if (!c) return undefined;
  const match = [...awsAuth].reverse().find((e) => e.kind === c.kind && e.arn.toLowerCase() === c.arn.toLowerCase());
  if (match) {
    const session = c.session ?? '';
    const user = (match.username ?? principal)
      .replace(/\{\{SessionName\}\}/g, renderSessionName(session))
      .replace(/\{\{SessionNameRaw\}\}/g, session)
      .replace(/\{\{AccountID\}\}/g, c.accountId);
    return { user, groups: [...match.groups, 'system:authenticated'] };
  }
  if (accounts.includes(c.accountId)) return { user: principal, groups: ['system:authenticated'] };
  return undefined;
}
