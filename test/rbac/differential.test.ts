/**
 * A random differential: the engine against a second, deliberately plain transcription of the API
 * server's RBAC authorizer (rbac.go `Authorize` / `VisitRulesFor` / `appliesToUser`, evaluation_helpers.go
 * `RuleAllows`), over random roles, bindings, users and requests. Seeded, so a failure reproduces.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { PolicyRule } from '../../src/model/types.js';
import { authorize, makeBundle, type Request } from '../../src/rbac/engine.js';
import type { GraphBinding, Subject } from '../../src/rbac/graph.js';

/** mulberry32. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VERBS = ['get', 'list', 'create', 'delete', '*', 'GET', 'escalate'];
const GROUPS = ['', 'apps', 'batch', '*'];
const RESOURCES = ['pods', 'pods/log', 'pods/exec', 'deployments', 'deployments/scale', '*/scale', 'secrets', 'nodes', '*', 'Pods'];
const NAMES = ['a', 'b', ''];
const URLS = ['/healthz', '/api', '/api/*', '/apis/**', '*', '/metrics'];
const NAMESPACES = ['ns1', 'ns2', 'kube-system'];
const USERS = ['alice', 'bob', 'system:serviceaccount:ns1:app', 'system:serviceaccount:ns2:app', 'system:anonymous'];
const GROUP_NAMES = ['devs', 'ops', 'system:authenticated', 'system:unauthenticated', 'system:serviceaccounts'];

type Pick = <T>(list: readonly T[]) => T;

function randomRule(pick: Pick, r: () => number): PolicyRule {
  const some = <T>(list: readonly T[]) => [...new Set(Array.from({ length: 1 + Math.floor(r() * 2) }, () => pick(list)))];
  if (r() < 0.2) return { verbs: some(VERBS), nonResourceURLs: some(URLS) };
  return { verbs: some(VERBS), apiGroups: some(GROUPS), resources: some(RESOURCES), ...(r() < 0.3 && { resourceNames: some(NAMES) }) };
}

function randomSubject(pick: Pick, r: () => number): Subject {
  const x = r();
  if (x < 0.4) return { kind: 'User', name: pick(USERS) };
  if (x < 0.8) return { kind: 'Group', name: pick(GROUP_NAMES) };
  return { kind: 'ServiceAccount', name: 'app', ...(r() < 0.5 && { namespace: pick(NAMESPACES) }) };
}

/* ---------- the plain transcription ---------- */

function verbMatches(rule: PolicyRule, verb: string): boolean {
  for (const v of rule.verbs) if (v === '*' || v === verb) return true;
  return false;
}
function groupMatches(rule: PolicyRule, group: string): boolean {
  for (const g of rule.apiGroups ?? []) if (g === '*' || g === group) return true;
  return false;
}
function resourceMatches(rule: PolicyRule, combined: string, sub: string): boolean {
  for (const res of rule.resources ?? []) {
    if (res === '*' || res === combined) return true;
    if (sub.length === 0) continue;
    if (res.length === sub.length + 2 && res.startsWith('*/') && res.endsWith(sub)) return true;
  }
  return false;
}
function nameMatches(rule: PolicyRule, name: string): boolean {
  if (!rule.resourceNames || rule.resourceNames.length === 0) return true;
  return rule.resourceNames.includes(name);
}
function urlMatches(rule: PolicyRule, path: string): boolean {
  for (const u of rule.nonResourceURLs ?? []) {
    if (u === '*' || u === path) return true;
    if (u.endsWith('*') && path.startsWith(u.replace(/\*+$/, ''))) return true;
  }
  return false;
}
function ruleAllows(rule: PolicyRule, req: Request): boolean {
  if ('path' in req) return verbMatches(rule, req.verb) && urlMatches(rule, req.path);
  const sub = req.subresource ?? '';
  const combined = sub ? `${req.resource}/${sub}` : req.resource;
  return verbMatches(rule, req.verb) && groupMatches(rule, req.group) && resourceMatches(rule, combined, sub) && nameMatches(rule, req.name ?? '');
}
function appliesToUser(user: { user: string; groups: string[] }, s: Subject, namespace: string): boolean {
  if (s.kind === 'User') return user.user === s.name;
  if (s.kind === 'Group') return user.groups.includes(s.name);
  const ns = s.namespace && s.namespace.length > 0 ? s.namespace : namespace;
  if (ns.length === 0) return false;
  return user.user === `system:serviceaccount:${ns}:${s.name}`;
}
function independent(
  roles: Map<string, PolicyRule[]>,
  clusterRoles: Map<string, PolicyRule[]>,
  bindings: GraphBinding[],
  user: { user: string; groups: string[] },
  req: Request,
): boolean {
  if (user.groups.includes('system:masters')) return true;
  const namespace = 'path' in req ? '' : (req.namespace ?? '');
  for (const b of bindings) {
    if (b.kind === 'RoleBinding' && (namespace === '' || b.namespace !== namespace)) continue;
    const bindingNamespace = b.kind === 'RoleBinding' ? b.namespace! : '';
    if (!b.subjects.some((s) => appliesToUser(user, s, bindingNamespace))) continue;
    const rules =
      b.roleRef.kind === 'ClusterRole'
        ? clusterRoles.get(b.roleRef.name)
        : b.kind === 'RoleBinding'
          ? roles.get(`${b.namespace}/${b.roleRef.name}`)
          : undefined;
    if ((rules ?? []).some((r) => ruleAllows(r, req))) return true;
  }
  return false;
}

test('random differential: the engine agrees with a plain transcription of the RBAC authorizer', () => {
  const r = rng(17);
  const pick: Pick = (list) => list[Math.floor(r() * list.length)]!;
  let asked = 0;
  let yes = 0;
  for (let world = 0; world < 150; world++) {
    const clusterRoles = new Map<string, PolicyRule[]>();
    const roles = new Map<string, PolicyRule[]>();
    for (let i = 0; i < 3; i++)
      clusterRoles.set(
        `cr${i}`,
        Array.from({ length: 1 + Math.floor(r() * 3) }, () => randomRule(pick, r)),
      );
    for (const ns of NAMESPACES)
      roles.set(
        `${ns}/role`,
        Array.from({ length: 1 + Math.floor(r() * 2) }, () => randomRule(pick, r)),
      );
    const bindings: GraphBinding[] = Array.from({ length: 2 + Math.floor(r() * 4) }, (_, i) => {
      const subjects = Array.from({ length: 1 + Math.floor(r() * 2) }, () => randomSubject(pick, r));
      if (r() < 0.4)
        return {
          kind: 'ClusterRoleBinding',
          name: `crb${i}`,
          roleRef: { kind: r() < 0.9 ? 'ClusterRole' : 'Role', name: r() < 0.9 ? `cr${Math.floor(r() * 3)}` : 'role' },
          subjects,
        };
      return {
        kind: 'RoleBinding',
        name: `rb${i}`,
        namespace: pick(NAMESPACES),
        roleRef: r() < 0.6 ? { kind: 'ClusterRole', name: `cr${Math.floor(r() * 4)}` } : { kind: 'Role', name: r() < 0.8 ? 'role' : 'missing' },
        subjects,
      };
    });
    // No default roles or bindings on either side: only the random objects decide.
    const bundle = makeBundle({
      clusterRoles: [...clusterRoles].map(([name, rules]) => ({ name, labels: {}, rules })),
      roles: [...roles].map(([key, rules]) => ({ namespace: key.split('/')[0]!, name: 'role', rules })),
      bindings,
    });
    for (let q = 0; q < 40; q++) {
      const user = { user: pick(USERS), groups: [...new Set(Array.from({ length: Math.floor(r() * 3) }, () => pick([...GROUP_NAMES, 'system:masters'])))] };
      let req: Request;
      if (r() < 0.2) req = { verb: pick(VERBS), path: pick(['/healthz', '/api', '/api/v1', '/apis', '/apis/apps', '/metrics', '/version']) };
      else {
        const [resource, subresource] = pick(['pods', 'pods/log', 'pods/exec', 'deployments', 'deployments/scale', 'secrets', 'nodes', 'Pods', 'jobs']).split(
          '/',
        ) as [string, string | undefined];
        const name = pick(['a', 'b', undefined]);
        const namespace = pick([...NAMESPACES, undefined]);
        req = {
          verb: pick(VERBS),
          group: pick(['', 'apps', 'batch']),
          resource,
          ...(subresource && { subresource }),
          ...(name && { name }),
          ...(namespace && { namespace }),
        };
      }
      const want = independent(roles, clusterRoles, bindings, user, req);
      const got = authorize(bundle, user, req, { defaults: false }).allowed;
      assert.is(got, want, JSON.stringify({ world, user, req, bindings }));
      asked++;
      if (want) yes++;
    }
  }
  assert.ok(asked === 6000 && yes > 300 && yes < 5700, `${asked} asked, ${yes} yes`);
});

test.run();
