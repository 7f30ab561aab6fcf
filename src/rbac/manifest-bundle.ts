import { isMap, isScalar } from 'yaml';
import { nodeAt, type LoadedDocument, type PathSegment } from '../load/load.js';
import { goYamlScalarKind } from './go-yaml.js';
import { bundleOf, withAuthenticatedGroup, type Bundle, type UserInfo } from './engine.js';
import { graphFromDocuments } from './graph.js';
import { canonicalizeArn as canonicalize, mapIdentity, readAwsAuth, type IdentityMappings, type MappedIdentity } from './aws-auth.js';
import type { DiscoveredResource } from './request.js';

export interface AwsAuthEntry {
  kind: 'role' | 'user';
  arn: string;
  username?: string;
  groups: string[];
}

/**
 * The `data` of a ConfigMap as kubectl would send it: a plain scalar that go-yaml v2 (YAML 1.1)
 * reads as a boolean or a number (`yes`, `on`, `1_000`) is one, though this loader (YAML 1.2) read
 * a string, and the API server refuses the ConfigMap for it. Documents without a syntax tree (JSON
 * dumps) are taken as they are.
 */
export function dataAsKubectlReadsIt(
  d: Pick<LoadedDocument, 'data'> & Partial<Pick<LoadedDocument, 'syntax'>>,
  base: readonly PathSegment[],
  data: unknown,
): unknown {
  if (!d.syntax || !data || typeof data !== 'object' || Array.isArray(data)) return data;
  const node = nodeAt(d.syntax().doc, [...base, 'data']);
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
export function bundleFromDocuments(documents: readonly Pick<LoadedDocument, 'data'>[]): {
  bundle: Bundle;
  awsAuth: AwsAuthEntry[];
  accounts: string[];
  namespaces: string[];
  resources: DiscoveredResource[];
} {
  const graph = graphFromDocuments(documents);
  let awsAuth: AwsAuthEntry[] = [];
  let accounts: string[] = [];
  // The cluster has one aws-auth: a later copy replaces an earlier one, as applying them in turn would.
  const last = graph.awsAuth[graph.awsAuth.length - 1];
  if (last) {
    const read = readAwsAuth(dataAsKubectlReadsIt(last.d, last.base, last.obj.data));
    awsAuth = read.entries.map((e) => ({
      kind: e.section === 'mapRoles' ? 'role' : 'user',
      arn: e.arn,
      ...(e.username !== undefined && { username: e.username }),
      groups: e.groups.map((g) => g.name),
    }));
    accounts = read.accounts.map((a) => a.id);
  }
  return { bundle: bundleOf(graph), awsAuth, accounts, namespaces: graph.namespaces, resources: graph.resources };
}

/**
 * The caller's canonical ARN as the authenticator computes it (`Canonicalize`), in this module's older
 * shape: `kind` role for roles and assumed roles, user otherwise; undefined when it is refused.
 */
export function canonicalizeArn(arn: string): { arn: string; kind: 'role' | 'user'; accountId: string; session?: string } | undefined {
  const c = canonicalize(arn);
  if ('error' in c) return undefined;
  return {
    arn: c.canonical,
    kind: c.type === 'role' || c.type === 'assumed-role' ? 'role' : 'user',
    accountId: c.accountId,
    ...(c.type === 'assumed-role' && { session: c.sessionName }),
  };
}

/** The mappings in the authenticator's terms: `role` entries are mapRoles, `user` entries mapUsers. */
function identityMappingsOf(awsAuth: readonly AwsAuthEntry[], accounts: readonly string[]): IdentityMappings {
  return {
    entries: awsAuth.map((e) => ({
      section: e.kind === 'role' ? 'mapRoles' : 'mapUsers',
      arn: e.arn,
      ...(e.username !== undefined && { username: e.username }),
      groups: e.groups,
    })),
    accounts,
  };
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
