import { isMap, isScalar } from 'yaml';
import { nodeAt, type LoadedDocument, type PathSegment } from '../load/load.js';
import { goYamlScalarKind } from './go-yaml.js';
import type { PolicyRule } from '../model/types.js';
import { makeBundle, withAuthenticatedGroup, type Bundle, type BundleBinding, type BundleSubject, type UserInfo } from './engine.js';
import type { ClusterRoleData } from './builtin.js';
import { canonicalizeArn as canonicalize, mapIdentity, readAwsAuth, type IdentityMappings, type MappedIdentity } from './aws-auth.js';
import type { DiscoveredResource } from './request.js';
import { meta, objectsOf, str, toRule } from './objects.js';

export interface AwsAuthEntry {
  kind: 'role' | 'user';
  arn: string;
  username?: string;
  groups: string[];
}

/** Is this ConfigMap the one the authenticator reads (kube-system/aws-auth; a manifest without a namespace counts as kube-system)? */
export function isAwsAuthConfigMap(obj: Record<string, unknown>): boolean {
  const m = meta(obj);
  return str(obj.kind) === 'ConfigMap' && m.name === 'aws-auth' && (m.namespace ?? 'kube-system') === 'kube-system';
}

/**
 * The `data` of a ConfigMap as kubectl would send it: a plain scalar that go-yaml v2 (YAML 1.1)
 * reads as a boolean or a number (`yes`, `on`, `1_000`) is one, though this loader (YAML 1.2) read
 * a string, and the API server refuses the ConfigMap for it. Documents without a syntax tree (JSON
 * dumps) are taken as they are.
 */
export function dataAsKubectlReadsIt(d: Pick<LoadedDocument, 'data'> & Partial<Pick<LoadedDocument, 'doc'>>, base: readonly PathSegment[], data: unknown): unknown {
  if (!d.doc || !data || typeof data !== 'object' || Array.isArray(data)) return data;
  const node = nodeAt(d.doc, [...base, 'data']);
  if (!isMap(node)) return data;
  const out: Record<string, unknown> = { ...(data as Record<string, unknown>) };
  for (const pair of node.items) {
    if (!isScalar(pair.key)) continue;
    const key = String(pair.key.value);
    const kind = goYamlScalarKind(pair.value);
    if (kind === 'bool') out[key] = true;
    else if (kind === 'number' && typeof out[key] === 'string') out[key] = 0;
  }
  return out;
}

/**
 * Every RBAC object of the documents (platform defaults included) as a bundle, and the aws-auth
 * mappings: those of the last kube-system/aws-auth ConfigMap given, read as the authenticator reads it.
 */
export function bundleFromDocuments(documents: readonly Pick<LoadedDocument, 'data'>[]): { bundle: Bundle; awsAuth: AwsAuthEntry[]; accounts: string[]; namespaces: string[]; resources: DiscoveredResource[] } {
  const clusterRoles: ClusterRoleData[] = [];
  const roles: { namespace: string; name: string; rules: PolicyRule[] }[] = [];
  const bindings: BundleBinding[] = [];
  let awsAuth: AwsAuthEntry[] = [];
  let accounts: string[] = [];
  const namespaces: string[] = [];
  const resources: DiscoveredResource[] = [];
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
          return [{ kind: k, name, ...(str(s.namespace) && { namespace: str(s.namespace)! }) }];
        });
        bindings.push({ kind, name: m.name, ...(kind === 'RoleBinding' && { namespace: m.namespace ?? 'default' }), roleRef: { kind: str(ref.kind) ?? '', name: str(ref.name) ?? '', ...(typeof ref.apiGroup === 'string' && { apiGroup: ref.apiGroup }) }, subjects });
      } else if (kind === 'Namespace' && m.name) {
        namespaces.push(m.name);
      } else if (kind === 'CustomResourceDefinition') {
        const spec = (l.obj.spec ?? {}) as { group?: unknown; scope?: unknown; names?: { plural?: unknown; shortNames?: unknown } };
        if (typeof spec.group === 'string' && typeof spec.names?.plural === 'string') {
          resources.push({ group: spec.group, resource: spec.names.plural, namespaced: spec.scope !== 'Cluster', shortNames: Array.isArray(spec.names.shortNames) ? spec.names.shortNames.filter((x): x is string => typeof x === 'string') : [] });
        }
      } else if (l.obj && isAwsAuthConfigMap(l.obj)) {
        // The cluster has one aws-auth: a later copy replaces an earlier one, as applying them in turn would.
        const read = readAwsAuth(dataAsKubectlReadsIt(d, l.base, l.obj.data));
        awsAuth = read.entries.map((e) => ({ kind: e.section === 'mapRoles' ? 'role' : 'user', arn: e.arn, ...(e.username !== undefined && { username: e.username }), groups: e.groups.map((g) => g.name) }));
        accounts = read.accounts.map((a) => a.id);
      }
    }
  }
  return { bundle: makeBundle({ clusterRoles, roles, bindings }), awsAuth, accounts, namespaces, resources };
}

/**
 * The caller's canonical ARN as the authenticator computes it (`Canonicalize`), in this module's older
 * shape: `kind` role for roles and assumed roles, user otherwise; undefined when it is refused.
 */
export function canonicalizeArn(arn: string): { arn: string; kind: 'role' | 'user'; accountId: string; session?: string } | undefined {
  const c = canonicalize(arn);
  if ('error' in c) return undefined;
  return { arn: c.canonical, kind: c.type === 'role' || c.type === 'assumed-role' ? 'role' : 'user', accountId: c.accountId, ...(c.type === 'assumed-role' && { session: c.sessionName }) };
}

/** The mappings in the authenticator's terms: `role` entries are mapRoles, `user` entries mapUsers. */
export function identityMappingsOf(awsAuth: readonly AwsAuthEntry[], accounts: readonly string[]): IdentityMappings {
  return { entries: awsAuth.map((e) => ({ section: e.kind === 'role' ? 'mapRoles' : 'mapUsers', arn: e.arn, ...(e.username !== undefined && { username: e.username }), groups: e.groups })), accounts };
}

/** Who an IAM principal is through these mappings, with why not when it is not authenticated (`mapIdentity`). */
export function mapArn(awsAuth: readonly AwsAuthEntry[], accounts: readonly string[], principal: string): MappedIdentity {
  return mapIdentity(identityMappingsOf(awsAuth, accounts), principal);
}

/**
 * Who an IAM principal is to the authenticator and then to the API server (`withAuthenticatedGroup`).
 * Undefined when the API server answers 401.
 */
export function resolveArn(awsAuth: readonly AwsAuthEntry[], accounts: readonly string[], principal: string): UserInfo | undefined {
  const m = mapArn(awsAuth, accounts, principal);
  if (!m.ok) return undefined;
  return withAuthenticatedGroup({ user: m.user, groups: m.groups });
}
