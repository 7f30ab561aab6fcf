/**
 * The authorization graph of a cluster: roles, bindings and their subjects, EKS access policies, and
 * where aws-auth holds the identity mappings. Built once, either from manifests
 * (`graphFromDocuments`: what `lint --manifests`, `can-i`/`who-can --manifests` and `import` read)
 * or from the resolved access model (`graphFromModel`: what `generate` writes). The can-i engine
 * indexes it (`makeBundle`), the linter follows its bindings to the rules they grant.
 */
import { employeeRbac, peopleOn, principalArn, profileClusterRoleName, profilesUsedOn } from '../model/resolve.js';
import type { AccessModel, Cluster, Employee, PolicyRule } from '../model/types.js';
import { builtinAccessPolicies, type ClusterRoleData } from './builtin.js';
import { meta, objectsOf, str, toRule, type Located } from './objects.js';
import type { DiscoveredResource } from './request.js';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** A Kubernetes subject as RBAC bindings name it. */
export interface Subject {
  kind: 'User' | 'Group' | 'ServiceAccount';
  name: string;
  /** ServiceAccounts: as written (the engine and the linter default it to the binding's namespace). */
  namespace?: string;
}

/** Where a graph node was read from, to name file:line:column; undefined for what the model generates. */
type From<D extends { data: unknown }> = { from?: Located<D> };

/** A Role or ClusterRole. */
export interface GraphRole<D extends { data: unknown } = { data: unknown }> extends From<D> {
  kind: 'Role' | 'ClusterRole';
  name: string;
  /** Roles: as written; undefined is the namespace kubectl applies it to (`default` for the engine). */
  namespace?: string;
  labels: Record<string, string>;
  annotations: Record<string, unknown>;
  aggregationRule?: ClusterRoleData['aggregationRule'];
  /** The readable rules, each with its index in the object's `rules` list. */
  rules: { rule: PolicyRule; index: number }[];
}

/** A RoleBinding or ClusterRoleBinding. */
export interface GraphBinding<D extends { data: unknown } = { data: unknown }> extends From<D> {
  kind: 'RoleBinding' | 'ClusterRoleBinding';
  name: string;
  /** RoleBindings: as written, `default` when absent. */
  namespace?: string;
  /** `apiGroup` undefined: not given (taken as rbac.authorization.k8s.io). */
  roleRef: { kind: string; name: string; apiGroup?: string };
  /** The subjects the API server can match, each with its index in the object's `subjects` list. */
  subjects: (Subject & { index?: number })[];
}

/** Rules that apply to a principal without a binding: an EKS access policy association. */
export interface GraphPolicy {
  /** The Kubernetes username of the principal (as the access entry maps it; templates rendered per person). */
  user?: string;
  group?: string;
  policy: string;
  rules: PolicyRule[];
  /** Undefined: cluster scope. */
  namespaces?: string[];
}

export interface AuthzGraph<D extends { data: unknown } = { data: unknown }> {
  roles: GraphRole<D>[];
  bindings: GraphBinding<D>[];
  policies: GraphPolicy[];
  /** kube-system/aws-auth ConfigMaps, in the order given (the last one is what the cluster holds). */
  awsAuth: Located<D>[];
  /** Namespace objects given. */
  namespaces: string[];
  /** Resources CustomResourceDefinitions define. */
  resources: DiscoveredResource[];
}

/** Is this ConfigMap the one the authenticator reads (kube-system/aws-auth; a manifest without a namespace counts as kube-system)? */
export function isAwsAuthConfigMap(obj: Record<string, unknown>): boolean {
  const m = meta(obj);
  return str(obj.kind) === 'ConfigMap' && m.name === 'aws-auth' && (m.namespace ?? 'kube-system') === 'kube-system';
}

function isRbac(obj: Record<string, unknown>): boolean {
  return (str(obj.apiVersion) ?? '').startsWith(RBAC_GROUP);
}

/** The subjects of a binding the API server can match: a known kind and a name. */
function subjectsOf(obj: Record<string, unknown>): (Subject & { index: number })[] {
  const list = Array.isArray(obj.subjects) ? obj.subjects : [];
  return list.flatMap((s: Record<string, unknown>, index) => {
    const kind = str(s?.kind);
    const name = str(s?.name);
    if (!name || (kind !== 'User' && kind !== 'Group' && kind !== 'ServiceAccount')) return [];
    const namespace = str(s.namespace);
    return [{ kind, name, ...(namespace !== undefined && { namespace }), index }];
  });
}

/**
 * The graph of some manifest documents (a `kind: List` read item by item; unknown kinds ignored).
 * Roles and bindings count only with an `rbac.authorization.k8s.io` apiVersion, as the API server
 * serves them.
 */
export function graphFromDocuments<D extends { data: unknown }>(documents: readonly D[]): AuthzGraph<D> {
  const graph: AuthzGraph<D> = { roles: [], bindings: [], policies: [], awsAuth: [], namespaces: [], resources: [] };
  for (const d of documents) {
    for (const l of objectsOf(d)) {
      const kind = str(l.obj.kind);
      const m = meta(l.obj);
      if ((kind === 'Role' || kind === 'ClusterRole') && isRbac(l.obj)) {
        const rules = (Array.isArray(l.obj.rules) ? l.obj.rules : []).flatMap((r, index) => {
          const rule = toRule(r);
          return rule ? [{ rule, index }] : [];
        });
        const annotations = ((l.obj.metadata as { annotations?: Record<string, unknown> } | undefined)?.annotations ?? {}) as Record<string, unknown>;
        const aggregationRule = l.obj.aggregationRule as GraphRole['aggregationRule'];
        graph.roles.push({
          kind,
          name: m.name,
          ...(kind === 'Role' && m.namespace !== undefined && { namespace: m.namespace }),
          labels: m.labels,
          annotations,
          ...(aggregationRule && { aggregationRule }),
          rules,
          from: l,
        });
      } else if ((kind === 'RoleBinding' || kind === 'ClusterRoleBinding') && isRbac(l.obj)) {
        const ref = (l.obj.roleRef ?? {}) as Record<string, unknown>;
        graph.bindings.push({
          kind,
          name: m.name,
          ...(kind === 'RoleBinding' && { namespace: m.namespace ?? 'default' }),
          roleRef: { kind: str(ref.kind) ?? '', name: str(ref.name) ?? '', ...(typeof ref.apiGroup === 'string' && { apiGroup: ref.apiGroup }) },
          subjects: subjectsOf(l.obj),
          from: l,
        });
      } else if (kind === 'Namespace' && m.name) {
        graph.namespaces.push(m.name);
      } else if (kind === 'CustomResourceDefinition') {
        const spec = (l.obj.spec ?? {}) as { group?: unknown; scope?: unknown; names?: { plural?: unknown; shortNames?: unknown } };
        if (typeof spec.group === 'string' && typeof spec.names?.plural === 'string') {
          graph.resources.push({
            group: spec.group,
            resource: spec.names.plural,
            namespaced: spec.scope !== 'Cluster',
            shortNames: Array.isArray(spec.names.shortNames) ? spec.names.shortNames.filter((x): x is string => typeof x === 'string') : [],
          });
        }
      } else if (isAwsAuthConfigMap(l.obj)) {
        graph.awsAuth.push(l);
      }
    }
  }
  return graph;
}

/**
 * The graph of one cluster exactly as `generate` writes it (read from the resolved model the emitters
 * write from), plus the EKS access policies associated with each person's principal.
 */
export function graphFromModel(model: AccessModel, c: Cluster): AuthzGraph<never> {
  const roles: GraphRole<never>[] = profilesUsedOn(model, c).map((p) => ({
    kind: 'ClusterRole',
    name: profileClusterRoleName(p.name),
    labels: {},
    annotations: {},
    rules: (p.rules ?? []).map((rule, index) => ({ rule, index })),
  }));
  const bindings: GraphBinding<never>[] = [];
  // Only people with a grant on the cluster have objects there; the model's order, as generate emits.
  const people = peopleOn(model, c);
  for (const e of people.grants.keys()) {
    const rbac = employeeRbac(model, c, e);
    const subjects = [{ kind: 'User' as const, name: e.kubernetesUser, index: 0 }];
    for (const b of rbac.bindings) {
      bindings.push({
        kind: b.namespace === undefined ? 'ClusterRoleBinding' : 'RoleBinding',
        name: b.name,
        ...(b.namespace !== undefined && { namespace: b.namespace }),
        roleRef: { kind: b.roleKind, name: b.roleName },
        subjects,
      });
    }
    for (const r of rbac.roles)
      roles.push({ kind: 'Role', name: r.name, namespace: r.namespace, labels: {}, annotations: {}, rules: r.rules.map((rule, index) => ({ rule, index })) });
  }
  const policies: GraphPolicy[] = [];
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
          for (const e of members)
            policies.push({ user: e.kubernetesUser, policy: g.accessPolicy, rules: data?.rules ?? [], ...(g.namespaces && { namespaces: g.namespaces }) });
        }
      }
    }
  }
  return { roles, bindings, policies, awsAuth: [], namespaces: [], resources: [] };
}
