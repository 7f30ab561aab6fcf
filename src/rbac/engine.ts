/**
 * An offline Kubernetes RBAC authorizer with the semantics of the API server's
 * (`plugin/pkg/auth/authorizer/rbac/rbac.go` `Authorize`, `VisitRulesFor`, `appliesToUser`):
 * ClusterRoleBindings apply everywhere, RoleBindings only to requests in their namespace (never to
 * cluster-wide requests or non-resource URLs); a roleRef to a missing role grants nothing;
 * ServiceAccount subjects match `system:serviceaccount:<ns>:<name>`, the namespace defaulting to the
 * binding's (so in a ClusterRoleBinding a ServiceAccount without namespace matches no one);
 * `system:masters` may do everything (the privileged-group authorizer). The default
 * ClusterRoleBindings every cluster has (`bootstrappolicy/policy.go` `ClusterRoleBindings`) take part
 * in every answer. EKS access policies are another source of rules, scoped to the cluster or namespaces.
 */
import type { PolicyRule } from '../model/types.js';
import { builtinClusterRoles, resolveAggregation, type ClusterRoleData } from './builtin.js';
import { ruleAllows, ruleAllowsNonResource, type ResourceRequest } from './match.js';
import type { AuthzGraph, GraphBinding, GraphPolicy, Subject } from './graph.js';

export interface Bundle {
  /** Aggregation resolved; includes the Kubernetes defaults unless the input redefines them. */
  clusterRoles: Map<string, ClusterRoleData>;
  /** Keyed `namespace/name`. */
  roles: Map<string, PolicyRule[]>;
  bindings: GraphBinding[];
  policies: GraphPolicy[];
}

export interface UserInfo {
  user: string;
  groups: string[];
}

export type Request = (ResourceRequest & { namespace?: string }) | { verb: string; path: string };

export interface Decision {
  allowed: boolean;
  /** What allowed it: "ClusterRoleBinding x -> ClusterRole y", "group system:masters", "access policy P". */
  reasons: string[];
}

/** The bundle of an authorization graph: its roles indexed, aggregation resolved, the Kubernetes defaults added unless given. */
export function bundleOf(graph: Pick<AuthzGraph<{ data: unknown }>, 'roles' | 'bindings' | 'policies'>): Bundle {
  const clusterRoles: ClusterRoleData[] = [];
  const roles: { namespace: string; name: string; rules: PolicyRule[] }[] = [];
  for (const r of graph.roles) {
    const rules = r.rules.map((x) => x.rule);
    if (r.kind === 'ClusterRole')
      clusterRoles.push({ name: r.name, labels: r.labels, ...(r.aggregationRule && { aggregationRule: r.aggregationRule }), rules });
    else roles.push({ namespace: r.namespace ?? 'default', name: r.name, rules });
  }
  return makeBundle({ clusterRoles, roles, bindings: graph.bindings, policies: graph.policies });
}

/** A bundle from RBAC objects; the Kubernetes default ClusterRoles are added unless given. */
export function makeBundle(input: {
  clusterRoles?: ClusterRoleData[];
  roles?: { namespace: string; name: string; rules: PolicyRule[] }[];
  bindings?: GraphBinding[];
  policies?: GraphPolicy[];
}): Bundle {
  const all = new Map<string, ClusterRoleData>(builtinClusterRoles());
  for (const r of input.clusterRoles ?? []) all.set(r.name, r);
  return {
    clusterRoles: resolveAggregation(all),
    roles: new Map((input.roles ?? []).map((r) => [`${r.namespace}/${r.name}`, r.rules])),
    bindings: input.bindings ?? [],
    policies: input.policies ?? [],
  };
}

/** Does the binding subject `s` name this user (`appliesToUser`; `bindingNamespace` is the default for ServiceAccounts)? */
export function subjectMatches(s: Subject, who: UserInfo, bindingNamespace?: string): boolean {
  switch (s.kind) {
    case 'User':
      return s.name === who.user;
    case 'Group':
      return who.groups.includes(s.name);
    case 'ServiceAccount': {
      const ns = s.namespace || bindingNamespace || '';
      if (ns === '') return false;
      return who.user === `system:serviceaccount:${ns}:${s.name}`;
    }
  }
}

/**
 * The ClusterRoleBindings the API server creates in every cluster and that bind groups of every user
 * (`plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go` `ClusterRoleBindings`): discovery and
 * self-reviews for authenticated users, health and version for everyone, metrics for the
 * system:monitoring group, the OIDC issuer documents for service accounts. (The bindings of the
 * control-plane components' own users are left out: no person signs in as them.)
 */
const DEFAULT_BINDINGS: readonly GraphBinding[] = [
  {
    kind: 'ClusterRoleBinding',
    name: 'system:basic-user',
    roleRef: { kind: 'ClusterRole', name: 'system:basic-user' },
    subjects: [{ kind: 'Group', name: 'system:authenticated' }],
  },
  {
    kind: 'ClusterRoleBinding',
    name: 'system:discovery',
    roleRef: { kind: 'ClusterRole', name: 'system:discovery' },
    subjects: [{ kind: 'Group', name: 'system:authenticated' }],
  },
  {
    kind: 'ClusterRoleBinding',
    name: 'system:public-info-viewer',
    roleRef: { kind: 'ClusterRole', name: 'system:public-info-viewer' },
    subjects: [
      { kind: 'Group', name: 'system:authenticated' },
      { kind: 'Group', name: 'system:unauthenticated' },
    ],
  },
  {
    kind: 'ClusterRoleBinding',
    name: 'system:monitoring',
    roleRef: { kind: 'ClusterRole', name: 'system:monitoring' },
    subjects: [{ kind: 'Group', name: 'system:monitoring' }],
  },
  {
    kind: 'ClusterRoleBinding',
    name: 'system:service-account-issuer-discovery',
    roleRef: { kind: 'ClusterRole', name: 'system:service-account-issuer-discovery' },
    subjects: [{ kind: 'Group', name: 'system:serviceaccounts' }],
  },
];

const withDefaults = new WeakMap<Bundle, GraphBinding[]>();

/** The bundle's bindings plus the default ones it does not itself define (a dump of a cluster already holds them). */
function effectiveBindings(bundle: Bundle): GraphBinding[] {
  let all = withDefaults.get(bundle);
  if (!all) {
    const given = new Set(bundle.bindings.filter((b) => b.kind === 'ClusterRoleBinding').map((b) => b.name));
    all = [...bundle.bindings, ...DEFAULT_BINDINGS.filter((b) => !given.has(b.name))];
    withDefaults.set(bundle, all);
  }
  return all;
}

/**
 * The rules a binding grants: those of the role it refers to, none when that role is missing or the
 * reference is not to an RBAC Role or ClusterRole (`GetRoleReferenceRules`).
 */
export function rulesOf(bundle: Bundle, b: GraphBinding): PolicyRule[] {
  if (b.roleRef.apiGroup !== undefined && b.roleRef.apiGroup !== 'rbac.authorization.k8s.io') return [];
  if (b.roleRef.kind === 'ClusterRole') return bundle.clusterRoles.get(b.roleRef.name)?.rules ?? [];
  if (b.roleRef.kind === 'Role' && b.kind === 'RoleBinding') return bundle.roles.get(`${b.namespace ?? 'default'}/${b.roleRef.name}`) ?? [];
  return [];
}

function allows(rule: PolicyRule, req: Request): boolean {
  return 'path' in req ? ruleAllowsNonResource(rule, req.verb, req.path) : ruleAllows(rule, req);
}

/** Does one of `rules` allow `req`? Only the rules decide: where they apply is the binding's or policy's business. */
export function rulesAllow(rules: readonly PolicyRule[], req: Request): boolean {
  return rules.some((r) => allows(r, req));
}

/** Does a binding apply to a resource request in `namespace` (undefined: cluster-wide)? A RoleBinding only in its own. */
export function bindingAppliesIn(b: GraphBinding, namespace: string | undefined): boolean {
  return b.kind !== 'RoleBinding' || b.namespace === namespace;
}

/** Does a policy association apply to a resource request in `namespace` (undefined: cluster-wide or a non-resource URL)? Namespaces may end in `*`. */
export function policyAppliesIn(p: GraphPolicy, namespace: string | undefined): boolean {
  if (!p.namespaces) return true;
  return namespace !== undefined && p.namespaces.some((n) => n === namespace || (n.endsWith('*') && namespace.startsWith(n.slice(0, -1))));
}

/** Is the policy associated with `who` (by username or one of their groups)? */
export function policyHolds(p: GraphPolicy, who: UserInfo): boolean {
  return (p.user !== undefined && p.user === who.user) || (p.group !== undefined && who.groups.includes(p.group));
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** `serviceaccount.SplitUsername`: the namespace of `system:serviceaccount:<ns>:<name>`, or undefined. */
function serviceAccountNamespace(user: string): string | undefined {
  if (!user.startsWith('system:serviceaccount:')) return undefined;
  const parts = user.slice('system:serviceaccount:'.length).split(':');
  if (parts.length !== 2) return undefined;
  const [ns, name] = parts as [string, string];
  return ns.length <= 63 && DNS1123_LABEL.test(ns) && name.length <= 253 && DNS1123_SUBDOMAIN.test(name) ? ns : undefined;
}

/**
 * The user the API server authorizes for `--as USER --as-group G...` (the impersonation filter,
 * `staging/src/k8s.io/apiserver/pkg/endpoints/filters/impersonation.go`): a service account without
 * groups given gets `system:serviceaccounts` and `system:serviceaccounts:<ns>`; `system:anonymous`
 * gets `system:unauthenticated`; anyone else gets `system:authenticated` unless the groups already
 * name system:authenticated or system:unauthenticated.
 */
export function withImplicitGroups(who: UserInfo): UserInfo {
  let groups = [...who.groups];
  const ns = serviceAccountNamespace(who.user);
  if (ns !== undefined && groups.length === 0) groups = ['system:serviceaccounts', `system:serviceaccounts:${ns}`];
  if (who.user === 'system:anonymous') {
    if (!groups.includes('system:unauthenticated')) groups.push('system:unauthenticated');
  } else if (!groups.includes('system:authenticated') && !groups.includes('system:unauthenticated')) groups.push('system:authenticated');
  return { user: who.user, groups };
}

/**
 * The user a token authenticator returned, as the API server then sees it (`group.AuthenticatedGroupAdder`):
 * `system:authenticated` added, unless the user is `system:anonymous` or the groups already name
 * system:authenticated or system:unauthenticated.
 */
export function withAuthenticatedGroup(who: UserInfo): UserInfo {
  if (who.user === 'system:anonymous' || who.groups.includes('system:authenticated') || who.groups.includes('system:unauthenticated'))
    return { user: who.user, groups: [...who.groups] };
  return { user: who.user, groups: [...who.groups, 'system:authenticated'] };
}

/**
 * Would the API server allow `req` for `who`? Lists every binding or policy that allows it.
 * `defaults: false` leaves out the default bindings, to compare only what access files grant.
 */
export function authorize(bundle: Bundle, who: UserInfo, req: Request, options: { defaults?: boolean } = {}): Decision {
  const reasons: string[] = [];
  if (who.groups.includes('system:masters')) reasons.push('group system:masters (superuser, not RBAC)');
  const namespace = 'path' in req ? undefined : req.namespace;
  for (const b of options.defaults === false ? bundle.bindings : effectiveBindings(bundle)) {
    // A RoleBinding grants only in its own namespace; non-resource URLs need a ClusterRoleBinding.
    if (b.kind === 'RoleBinding' && 'path' in req) continue;
    if (!bindingAppliesIn(b, namespace)) continue;
    if (!b.subjects.some((s) => subjectMatches(s, who, b.namespace))) continue;
    if (rulesAllow(rulesOf(bundle, b), req)) reasons.push(`${b.kind} ${b.namespace ? `${b.namespace}/` : ''}${b.name} -> ${b.roleRef.kind} ${b.roleRef.name}`);
  }
  for (const p of bundle.policies) {
    if (!policyHolds(p, who)) continue;
    if (!policyAppliesIn(p, namespace)) continue;
    if (rulesAllow(p.rules, req)) reasons.push(`access policy ${p.policy}${p.namespaces ? ` (namespaces ${p.namespaces.join(', ')})` : ' (cluster)'}`);
  }
  return { allowed: reasons.length > 0, reasons };
}

export interface Holder {
  kind: 'User' | 'Group' | 'ServiceAccount';
  name: string;
  namespace?: string;
  via: string;
}

/** Every subject some binding or policy lets do `req`, with what allows it (like kubectl-who-can, plus access policies). */
export function whoCan(bundle: Bundle, req: Request): Holder[] {
  const out: Holder[] = [{ kind: 'Group', name: 'system:masters', via: 'superuser group (not RBAC)' }];
  const namespace = 'path' in req ? undefined : req.namespace;
  for (const b of effectiveBindings(bundle)) {
    // As `authorize`: a RoleBinding only for a request in its namespace, so never with -A or for a URL.
    if (b.kind === 'RoleBinding' && ('path' in req || !bindingAppliesIn(b, namespace))) continue;
    if (!rulesOf(bundle, b).some((r) => allows(r, req))) continue;
    for (const s of b.subjects) {
      const ns = s.kind === 'ServiceAccount' ? s.namespace || b.namespace : undefined;
      // A ServiceAccount with no namespace in a ClusterRoleBinding names no one.
      if (s.kind === 'ServiceAccount' && !ns) continue;
      out.push({
        kind: s.kind,
        name: s.name,
        ...(ns !== undefined && { namespace: ns }),
        via: `${b.kind} ${b.namespace ? `${b.namespace}/` : ''}${b.name} -> ${b.roleRef.kind} ${b.roleRef.name}`,
      });
    }
  }
  for (const p of bundle.policies) {
    if (!policyAppliesIn(p, namespace)) continue;
    if (!p.rules.some((r) => allows(r, req))) continue;
    const via = `access policy ${p.policy}${p.namespaces ? ` (namespaces ${p.namespaces.join(', ')})` : ' (cluster)'}`;
    if (p.user !== undefined) out.push({ kind: 'User', name: p.user, via });
    if (p.group !== undefined) out.push({ kind: 'Group', name: p.group, via });
  }
  return out;
}
