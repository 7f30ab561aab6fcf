import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { PolicyRule } from '../model/types.js';

/** The folder of shipped data, found from this module whether run from `src` or `dist/src`. */
const DATA_DIR = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../../../data/' : '../../data/', import.meta.url));

export interface ClusterRoleData {
  name: string;
  labels: Record<string, string>;
  aggregationRule?: { clusterRoleSelectors?: { matchLabels?: Record<string, string> }[] };
  rules: PolicyRule[];
}

interface RawClusterRole {
  metadata?: { name?: string; labels?: Record<string, string> };
  aggregationRule?: ClusterRoleData['aggregationRule'];
  rules?: PolicyRule[] | null;
}

/**
 * Fills in the rules of aggregated ClusterRoles (`aggregationRule.clusterRoleSelectors`) from the
 * roles whose labels match, the way the aggregation controller does, following chains of
 * aggregation. Returns new objects; the input is not changed.
 */
export function resolveAggregation<T extends ClusterRoleData>(roles: ReadonlyMap<string, T>): Map<string, T> {
  const out = new Map<string, T>();
  const resolving = new Set<string>();
  const resolve = (role: T): T => {
    const done = out.get(role.name);
    if (done) return done;
    if (!role.aggregationRule?.clusterRoleSelectors?.length || resolving.has(role.name)) return role;
    resolving.add(role.name);
    const rules: PolicyRule[] = [...role.rules];
    for (const other of roles.values()) {
      if (other.name === role.name) continue;
      const selected = role.aggregationRule.clusterRoleSelectors.some(
        (s) => Object.entries(s.matchLabels ?? {}).every(([k, v]) => other.labels[k] === v) && Object.keys(s.matchLabels ?? {}).length > 0,
      );
      if (selected) rules.push(...resolve(other).rules);
    }
    resolving.delete(role.name);
    const resolved = { ...role, rules };
    out.set(role.name, resolved);
    return resolved;
  };
  for (const r of roles.values()) out.set(r.name, resolve(r));
  return out;
}

let clusterRoles: Map<string, ClusterRoleData> | undefined;

/** A role of the shipped data files written in flow style: the name, and the namespace of a Role. */
interface FlowRole {
  name: string;
  namespace?: string;
  rules: PolicyRule[];
}

const readList = <T>(file: string): T[] => (parse(readFileSync(DATA_DIR + file, 'utf8')) as { items: T[] }).items;

/**
 * The Kubernetes bootstrap ClusterRoles, every one the API server creates (cluster-admin, admin,
 * edit, view, the other system:* roles and the controllers' system:controller:* roles), aggregation
 * resolved: what binding one of them grants is judged by its content, like any other role.
 */
export function builtinClusterRoles(): Map<string, ClusterRoleData> {
  if (clusterRoles) return clusterRoles;
  const raw = new Map<string, ClusterRoleData>();
  for (const item of readList<RawClusterRole>('kubernetes/cluster-roles.yaml')) {
    const name = item.metadata?.name;
    if (!name) continue;
    raw.set(name, {
      name,
      labels: item.metadata?.labels ?? {},
      ...(item.aggregationRule && { aggregationRule: item.aggregationRule }),
      rules: item.rules ?? [],
    });
  }
  for (const item of readList<FlowRole>('kubernetes/controller-roles.yaml')) {
    raw.set(item.name, { name: item.name, labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' }, rules: item.rules });
  }
  clusterRoles = resolveAggregation(raw);
  return clusterRoles;
}

let namespaceRoles: Map<string, PolicyRule[]> | undefined;

/** The Kubernetes bootstrap Roles (kube-system, kube-public), by `namespace/name`. */
export function builtinNamespaceRoles(): Map<string, PolicyRule[]> {
  namespaceRoles ??= new Map(readList<FlowRole>('kubernetes/namespace-roles.yaml').map((r) => [`${r.namespace}/${r.name}`, r.rules]));
  return namespaceRoles;
}

/**
 * A name Kubernetes or EKS reserve for roles of their own (`system:`, `eks:`) that is not one of the
 * shipped defaults: what it holds is unknown here, and the platform may put anything in it, so a
 * grant of it cannot be judged.
 */
export function isUnknownPlatformRole(kind: 'Role' | 'ClusterRole', name: string, namespace?: string): boolean {
  if (!name.startsWith('system:') && !name.startsWith('eks:')) return false;
  return kind === 'ClusterRole' ? !builtinClusterRoles().has(name) : !builtinNamespaceRoles().has(`${namespace ?? 'default'}/${name}`);
}

export interface AccessPolicyData {
  name: string;
  arn: string;
  description: string;
  rules: PolicyRule[];
}

let accessPolicies: Map<string, AccessPolicyData> | undefined;

/** The Kubernetes permissions of the EKS access policies meant for people. */
export function builtinAccessPolicies(): Map<string, AccessPolicyData> {
  if (accessPolicies) return accessPolicies;
  const data = parse(readFileSync(DATA_DIR + 'eks/access-policies.yaml', 'utf8')) as { policies: Record<string, Omit<AccessPolicyData, 'name'>> };
  accessPolicies = new Map(Object.entries(data.policies).map(([name, p]) => [name, { name, ...p }]));
  return accessPolicies;
}

/** The rule `system:masters` amounts to: the API server lets the group do everything, RBAC or not. */
export const SUPERUSER_RULES: PolicyRule[] = [
  { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
  { nonResourceURLs: ['*'], verbs: ['*'] },
];

/** Names of roles that Kubernetes or EKS own: `system:` and `eks:` prefixes, and the four defaults. */
export function isPlatformRoleName(name: string): boolean {
  return name.startsWith('system:') || name.startsWith('eks:') || ['cluster-admin', 'admin', 'edit', 'view'].includes(name);
}
