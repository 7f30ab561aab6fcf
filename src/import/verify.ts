/**
 * Checks an import with the can-i engine: for every imported person, the input cluster (RBAC dump +
 * aws-auth, the principal resolved the way the authenticator does) and the imported access folder
 * (generated RBAC + what stays on the cluster, the employee's mapping) answer a vocabulary of requests
 * the same way. Usernames may change; permissions must not.
 */
import { identityMappings, grantsOn } from '../model/resolve.js';
import { awsAuthEntriesFor, bundleForCluster, userInfoFor } from '../rbac/access-bundle.js';
import { authorize, subjectMatches, type Bundle, type Request, type UserInfo } from '../rbac/engine.js';
import type { GraphBinding } from '../rbac/graph.js';
import { resolveArn, type AwsAuthEntry } from '../rbac/manifest-bundle.js';
import { describeRequest } from '../rbac/request.js';
import type { AccessModel, Cluster, PolicyRule } from '../model/types.js';

const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection', 'escalate', 'bind', 'impersonate'];
const RESOURCES: [string, string][] = [
  ['', 'pods'],
  ['', 'pods/exec'],
  ['', 'pods/log'],
  ['', 'pods/portforward'],
  ['', 'secrets'],
  ['', 'configmaps'],
  ['', 'services'],
  ['', 'serviceaccounts'],
  ['', 'serviceaccounts/token'],
  ['', 'namespaces'],
  ['', 'nodes'],
  ['', 'nodes/proxy'],
  ['', 'persistentvolumes'],
  ['', 'events'],
  ['apps', 'deployments'],
  ['apps', 'deployments/scale'],
  ['apps', 'statefulsets'],
  ['apps', 'daemonsets'],
  ['apps', 'replicasets'],
  ['batch', 'jobs'],
  ['batch', 'cronjobs'],
  ['rbac.authorization.k8s.io', 'roles'],
  ['rbac.authorization.k8s.io', 'rolebindings'],
  ['rbac.authorization.k8s.io', 'clusterroles'],
  ['rbac.authorization.k8s.io', 'clusterrolebindings'],
];
const URLS = ['/healthz', '/metrics', '/api', '/version', '/logs/kubelet'];

/**
 * Requests to ask: verbs × well-known core/apps/batch/rbac resources and every resource `rules` name
 * (with and without the object names they list), in every namespace and cluster-wide, plus
 * non-resource URLs.
 */
function requestVocabulary(rules: readonly PolicyRule[], namespaces: readonly string[]): Request[] {
  const resources = new Map<string, { group: string; resource: string; subresource?: string; names: Set<string | undefined> }>();
  const add = (group: string, full: string, name?: string) => {
    if (group === '*' || full.includes('*')) return;
    const [resource, subresource] = full.split('/', 2) as [string, string | undefined];
    const key = `${group}/${full}`;
    const entry = resources.get(key) ?? { group, resource, ...(subresource !== undefined && { subresource }), names: new Set<string | undefined>([undefined]) };
    if (name !== undefined) entry.names.add(name);
    resources.set(key, entry);
  };
  for (const [g, r] of RESOURCES) add(g, r);
  const urls = new Set(URLS);
  for (const rule of rules) {
    for (const g of rule.apiGroups ?? [])
      for (const r of rule.resources ?? []) for (const n of rule.resourceNames?.length ? rule.resourceNames : [undefined]) add(g, r, n);
    for (const u of rule.nonResourceURLs ?? []) if (u !== '*') urls.add(u.endsWith('*') ? `${u.slice(0, -1)}x` : u);
  }
  const out: Request[] = [];
  for (const ns of [...namespaces, undefined]) {
    for (const r of resources.values()) {
      for (const verb of VERBS) {
        for (const name of r.names)
          out.push({
            verb,
            group: r.group,
            resource: r.resource,
            ...(r.subresource !== undefined && { subresource: r.subresource }),
            ...(name !== undefined && { name }),
            ...(ns !== undefined && { namespace: ns }),
          });
      }
    }
  }
  for (const path of urls) for (const verb of ['get', 'post']) out.push({ verb, path });
  return out;
}

/** Only the bindings and policies that can apply to `who`, and the rules they reach: what one person's answers depend on. */
function narrow(bundle: Bundle, who: UserInfo | undefined): { bundle: Bundle; rules: PolicyRule[]; atoms: Atoms } {
  const atoms: Atoms = { superuser: false, policies: false, cluster: new Set(), namespaced: new Map() };
  if (!who) return { bundle: { ...bundle, bindings: [], policies: [] }, rules: [], atoms };
  const index = bindingIndex(bundle);
  const candidates = new Set([
    ...(index.get(`User:${who.user}`) ?? []),
    ...who.groups.flatMap((g) => index.get(`Group:${g}`) ?? []),
    ...(index.get('ServiceAccount') ?? []),
  ]);
  const bindings = bundle.bindings.filter((b) => candidates.has(b) && b.subjects.some((s) => subjectMatches(s, who, b.namespace)));
  const policies = bundle.policies.filter((p) => (p.user !== undefined && p.user === who.user) || (p.group !== undefined && who.groups.includes(p.group)));
  const rulesOf = (b: GraphBinding) =>
    b.roleRef.kind === 'ClusterRole'
      ? (bundle.clusterRoles.get(b.roleRef.name)?.rules ?? [])
      : b.kind === 'RoleBinding'
        ? (bundle.roles.get(`${b.namespace ?? 'default'}/${b.roleRef.name}`) ?? [])
        : [];
  atoms.superuser = who.groups.includes('system:masters');
  atoms.policies = policies.length > 0;
  const seen = new Set<string>();
  for (const b of bindings) {
    const key = `${b.kind}|${b.namespace ?? ''}|${b.roleRef.kind}|${b.roleRef.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const into = b.kind === 'ClusterRoleBinding' ? atoms.cluster : (atoms.namespaced.get(b.namespace ?? 'default') ?? new Set<string>());
    if (b.kind === 'RoleBinding') atoms.namespaced.set(b.namespace ?? 'default', into);
    // A RoleBinding never grants non-resource URLs.
    for (const r of rulesOf(b)) for (const a of atomize(r, b.kind === 'RoleBinding')) into.add(a);
  }
  return { bundle: { ...bundle, bindings, policies }, rules: [...bindings.flatMap(rulesOf), ...policies.flatMap((p) => p.rules)], atoms };
}

const indexes = new WeakMap<Bundle, Map<string, GraphBinding[]>>();
/** Bindings by the users and groups they name (ServiceAccount subjects all under one key). */
function bindingIndex(bundle: Bundle): Map<string, GraphBinding[]> {
  let index = indexes.get(bundle);
  if (index) return index;
  index = new Map();
  for (const b of bundle.bindings) {
    for (const s of b.subjects) {
      const key = s.kind === 'ServiceAccount' ? 'ServiceAccount' : `${s.kind}:${s.name}`;
      const list = index.get(key) ?? [];
      if (list[list.length - 1] !== b) list.push(b);
      index.set(key, list);
    }
  }
  indexes.set(bundle, index);
  return index;
}

/** What one person is granted, as single permissions per scope (cluster-wide, and per namespace). */
interface Atoms {
  superuser: boolean;
  policies: boolean;
  cluster: Set<string>;
  namespaced: Map<string, Set<string>>;
}

/** A rule as single (verb, group, resource, name) or (verb, URL) permissions, so that equal grants written differently compare equal. */
const atomCache = [new WeakMap<PolicyRule, string[]>(), new WeakMap<PolicyRule, string[]>()] as const;
function atomize(r: PolicyRule, namespaced: boolean): string[] {
  const cache = atomCache[namespaced ? 1 : 0];
  const done = cache.get(r);
  if (done) return done;
  const out: string[] = [];
  cache.set(r, out);
  for (const v of r.verbs) {
    for (const g of r.apiGroups ?? [])
      for (const res of r.resources ?? []) for (const n of r.resourceNames?.length ? r.resourceNames : ['']) out.push(JSON.stringify([v, g, res, n]));
    if (!namespaced) for (const u of r.nonResourceURLs ?? []) out.push(JSON.stringify([v, u]));
  }
  return out;
}

/** Same single permissions in every scope: then every request gets the same answer, without asking any. */
function sameAtoms(a: Atoms, b: Atoms): boolean {
  if (a.superuser !== b.superuser || a.policies || b.policies) return false;
  const equal = (x: ReadonlySet<string>, y: ReadonlySet<string>) => x.size === y.size && [...x].every((e) => y.has(e));
  if (!equal(a.cluster, b.cluster)) return false;
  for (const ns of new Set([...a.namespaced.keys(), ...b.namespaced.keys()])) {
    const x = new Set([...a.cluster, ...(a.namespaced.get(ns) ?? [])]);
    const y = new Set([...b.cluster, ...(b.namespaced.get(ns) ?? [])]);
    if (!equal(x, y)) return false;
  }
  return true;
}

/** The bundle of the cluster after the import is applied: the generated RBAC plus what the import leaves to the cluster. */
function bundleAfterImport(input: Bundle, model: AccessModel, cluster: Cluster, retained: readonly GraphBinding[]): Bundle {
  const generated = bundleForCluster(model, cluster);
  return {
    clusterRoles: new Map([...input.clusterRoles, ...generated.clusterRoles]),
    roles: new Map([...input.roles, ...generated.roles]),
    bindings: [...generated.bindings, ...retained],
    policies: generated.policies,
  };
}

export interface Difference {
  who: string;
  problems: string[];
}

/**
 * Compares each person before and after. `people` name the employee and the principal they sign in
 * with; `preservedPrincipals` sign in through preserved aws-auth entries and must keep their access too.
 */
export function comparePermissions(args: {
  input: { bundle: Bundle; awsAuth: readonly AwsAuthEntry[]; accounts: readonly string[] };
  model: AccessModel;
  cluster: Cluster;
  retained: readonly GraphBinding[];
  people: readonly { employee: string; principal: string }[];
  preservedPrincipals: readonly string[];
}): { requests: number; differences: Difference[] } {
  const { input, model, cluster } = args;
  const after = bundleAfterImport(input.bundle, model, cluster, args.retained);
  const namespaces = cluster.namespaces.includes('kube-system') ? cluster.namespaces : [...cluster.namespaces, 'kube-system'];
  const afterEntries = cluster.authentication === 'access-entries' ? [] : awsAuthEntriesFor(model, cluster);
  const differences: Difference[] = [];
  let asked = 0;
  const compare = (who: string, before: UserInfo | undefined, now: UserInfo | undefined) => {
    // Per person, over the bindings that can name them: fast on clusters with thousands of bindings.
    const a = narrow(input.bundle, before);
    const b = narrow(after, now);
    if (Boolean(before) === Boolean(now) && sameAtoms(a.atoms, b.atoms)) return;
    const requests = requestVocabulary([...a.rules, ...b.rules], namespaces);
    asked = Math.max(asked, requests.length);
    const problems: string[] = [];
    for (const req of requests) {
      const was = before ? authorize(a.bundle, before, req, { defaults: false }).allowed : false;
      const is = now ? authorize(b.bundle, now, req, { defaults: false }).allowed : false;
      if (was !== is) problems.push(`${was ? 'could' : 'could not'} ${describeRequest(req)}, ${is ? 'now can' : 'now cannot'}`);
    }
    if (problems.length > 0) differences.push({ who, problems });
  };
  const mappings = identityMappings(model, cluster);
  for (const p of args.people) {
    const e = model.employees.get(p.employee);
    // Without a grant on the cluster an employee is not mapped at all: the API server answers 401.
    const now = e && grantsOn(e, cluster).length > 0 ? userInfoFor(model, cluster, e, mappings) : undefined;
    if (e && now && cluster.authentication === 'aws-auth') {
      // What the generated aws-auth gives the principal must be what the employee's mapping says.
      const viaAwsAuth = resolveArn(afterEntries, [], p.principal);
      if (viaAwsAuth?.user !== now?.user)
        differences.push({ who: p.employee, problems: [`the generated aws-auth maps ${p.principal} to ${viaAwsAuth?.user ?? 'nothing'}, not ${now?.user}`] });
    }
    compare(`${p.employee} (${p.principal})`, resolveArn(input.awsAuth, input.accounts, p.principal), now);
  }
  for (const principal of args.preservedPrincipals)
    compare(principal, resolveArn(input.awsAuth, input.accounts, principal), resolveArn(afterEntries, [], principal));
  return { requests: asked, differences };
}
