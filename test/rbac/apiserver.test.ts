/**
 * can-i and who-can as the Kubernetes API server answers: tables after its RBAC authorizer's tests
 * (plugin/pkg/auth/authorizer/rbac/rbac_test.go TestAuthorizer, TestRuleMatches), its evaluation
 * helpers, the impersonation filter and the default bootstrap bindings; then the CLI.
 */
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { PolicyRule } from '../../src/model/types.js';
import { authorize, makeBundle, whoCan, withAuthenticatedGroup, withImplicitGroups, type Request } from '../../src/rbac/engine.js';
import type { GraphBinding } from '../../src/rbac/graph.js';
import { ruleAllows, ruleAllowsNonResource } from '../../src/rbac/match.js';
import { prepareRequest } from '../../src/rbac/request.js';
import { ROOT, run, scratch } from '../helpers/run.js';

/** newRule(verbs, apiGroups, resources, nonResourceURLs) of rbac_test.go. */
const rule = (verbs: string, apiGroups: string, resources: string, urls: string): PolicyRule => ({
  verbs: verbs.split(','),
  apiGroups: apiGroups.split(','),
  resources: resources.split(','),
  nonResourceURLs: urls.split(','),
});
const subjects = (...s: string[]) => s.map((x) => ({ kind: x.split(':')[0] as 'User' | 'Group', name: x.slice(x.indexOf(':') + 1) }));
const rb = (namespace: string, role: string, kind: 'Role' | 'ClusterRole', ...s: string[]): GraphBinding => ({
  kind: 'RoleBinding',
  name: `rb-${role}`,
  namespace,
  roleRef: { kind, name: role },
  subjects: subjects(...s),
});
const crb = (role: string, ...s: string[]): GraphBinding => ({
  kind: 'ClusterRoleBinding',
  name: `crb-${role}`,
  roleRef: { kind: 'ClusterRole', name: role },
  subjects: subjects(...s),
});
/** defaultAttributes{user, groups, verb, resource, subresource, namespace, apiGroup}. */
const attrs = (
  user: string,
  groups: string,
  verb: string,
  resource: string,
  subresource: string,
  namespace: string,
  group: string,
): [{ user: string; groups: string[] }, Request] => [
  { user, groups: groups === '' ? [] : groups.split(',') },
  { verb, group, resource, ...(subresource && { subresource }), ...(namespace && { namespace }) },
];

const authorizerCases: { name: string; bundle: ReturnType<typeof makeBundle>; pass: ReturnType<typeof attrs>[]; fail: ReturnType<typeof attrs>[] }[] = [
  {
    name: 'a RoleBinding to a ClusterRole grants in its namespace only, never cluster-wide',
    bundle: makeBundle({
      clusterRoles: [{ name: 'admin', labels: {}, rules: [rule('*', '*', '*', '*')] }],
      bindings: [rb('ns1', 'admin', 'ClusterRole', 'User:admin', 'Group:admins')],
    }),
    pass: [
      attrs('admin', '', 'get', 'Pods', '', 'ns1', ''),
      attrs('admin', '', 'watch', 'Pods', '', 'ns1', ''),
      attrs('admin', 'group1', 'watch', 'Foobar', '', 'ns1', ''),
      attrs('joe', 'admins', 'watch', 'Foobar', '', 'ns1', ''),
      attrs('joe', 'group1,admins', 'watch', 'Foobar', '', 'ns1', ''),
    ],
    fail: [
      attrs('admin', '', 'GET', 'Pods', '', 'ns2', ''),
      attrs('admin', '', 'GET', 'Nodes', '', '', ''),
      attrs('admin', 'admins', 'GET', 'Pods', '', 'ns2', ''),
      attrs('admin', 'admins', 'GET', 'Nodes', '', '', ''),
    ],
  },
  {
    name: 'a rule on pods does not grant pods/status',
    bundle: makeBundle({
      clusterRoles: [{ name: 'admin', labels: {}, rules: [rule('*', '*', 'pods', '*')] }],
      bindings: [rb('ns1', 'admin', 'ClusterRole', 'User:admin', 'Group:admins')],
    }),
    pass: [attrs('admin', '', 'get', 'pods', '', 'ns1', '')],
    fail: [attrs('admin', '', 'get', 'pods', 'status', 'ns1', '')],
  },
  {
    name: 'a rule on pods/status does not grant pods',
    bundle: makeBundle({
      clusterRoles: [{ name: 'admin', labels: {}, rules: [rule('*', '*', 'pods/status', '*')] }],
      bindings: [rb('ns1', 'admin', 'ClusterRole', 'User:admin', 'Group:admins')],
    }),
    pass: [attrs('admin', '', 'get', 'pods', 'status', 'ns1', '')],
    fail: [attrs('admin', '', 'get', 'pods', '', 'ns1', '')],
  },
  {
    name: 'a Role grants in its namespace; a ClusterRoleBinding to a Role grants nothing',
    bundle: makeBundle({
      roles: [{ namespace: 'ns1', name: 'reader', rules: [rule('get', '', 'pods', '')] }],
      bindings: [
        rb('ns1', 'reader', 'Role', 'User:ann'),
        { kind: 'ClusterRoleBinding', name: 'bad', roleRef: { kind: 'Role', name: 'reader' }, subjects: subjects('User:bob') },
      ],
    }),
    pass: [attrs('ann', '', 'get', 'pods', '', 'ns1', '')],
    fail: [attrs('ann', '', 'get', 'pods', '', 'ns2', ''), attrs('ann', '', 'get', 'pods', '', '', ''), attrs('bob', '', 'get', 'pods', '', 'ns1', '')],
  },
];
for (const c of authorizerCases) {
  test(`Authorize: ${c.name}`, () => {
    for (const [who, req] of c.pass) assert.ok(authorize(c.bundle, who, req).allowed, `should pass: ${JSON.stringify([who, req])}`);
    for (const [who, req] of c.fail) assert.not.ok(authorize(c.bundle, who, req).allowed, `should fail: ${JSON.stringify([who, req])}`);
  });
}

test('Authorize: non-resource URLs, exact, * and prefix, only through ClusterRoleBindings', () => {
  const bundle = makeBundle({
    clusterRoles: [
      { name: 'getter', labels: {}, rules: [rule('get', '', '', '/apis')] },
      { name: 'any', labels: {}, rules: [rule('*', '', '', '/apis')] },
      { name: 'prefix', labels: {}, rules: [rule('get', '', '', '/apis/*')] },
    ],
    bindings: [
      crb('getter', 'User:foo', 'Group:bar'),
      crb('any', 'User:admin', 'Group:admin'),
      crb('prefix', 'User:prefixed', 'Group:prefixed'),
      rb('ns1', 'any', 'ClusterRole', 'User:local'),
    ],
  });
  const ask = (user: string, groups: string[], verb: string, path: string) => authorize(bundle, { user, groups }, { verb, path }, { defaults: false }).allowed;
  for (const [u, g, v, p] of [
    ['foo', [], 'get', '/apis'],
    ['', ['bar'], 'get', '/apis'],
    ['admin', [], 'watch', '/apis'],
    ['', ['admin'], 'watch', '/apis'],
    ['prefixed', [], 'get', '/apis/v1'],
    ['', ['prefixed'], 'get', '/apis/v1/foobar'],
  ] as const)
    assert.ok(ask(u, [...g], v, p), `${u} ${v} ${p}`);
  for (const [u, g, v, p] of [
    ['foo', [], 'watch', '/apis'],
    ['foo', [], 'get', '/api/v1'],
    ['admin', [], 'get', '/api/v1'],
    ['prefixed', [], 'get', '/api/v1'],
    ['prefixed', [], 'get', '/apis'],
    ['local', [], 'get', '/apis'],
  ] as const)
    assert.not.ok(ask(u, [...g], v, p), `${u} ${v} ${p}`);
});

/* ---------- rule matching (TestRuleMatches, evaluation_helpers.go) ---------- */

const r = (x: Partial<PolicyRule>): PolicyRule => ({ verbs: [], ...x });
const matchCases: [string, PolicyRule, { verb: string; group: string; resource: string; subresource?: string; name?: string }, boolean][] = [
  ['star verb', r({ verbs: ['*'], apiGroups: ['group1'], resources: ['resource1'] }), { verb: 'verb2', group: 'group1', resource: 'resource1' }, true],
  [
    'star verb, other group',
    r({ verbs: ['*'], apiGroups: ['group1'], resources: ['resource1'] }),
    { verb: 'verb1', group: 'group2', resource: 'resource1' },
    false,
  ],
  ['star group', r({ verbs: ['verb1'], apiGroups: ['*'], resources: ['resource1'] }), { verb: 'verb1', group: 'group2', resource: 'resource1' }, true],
  [
    'star group, other verb',
    r({ verbs: ['verb1'], apiGroups: ['*'], resources: ['resource1'] }),
    { verb: 'verb2', group: 'group2', resource: 'resource1' },
    false,
  ],
  ['star resource', r({ verbs: ['verb1'], apiGroups: ['group1'], resources: ['*'] }), { verb: 'verb1', group: 'group1', resource: 'resource2' }, true],
  [
    'tuple expansion',
    r({ verbs: ['verb1', 'verb2'], apiGroups: ['group1', 'group2'], resources: ['resource1', 'resource2'] }),
    { verb: 'verb2', group: 'group2', resource: 'resource2' },
    true,
  ],
  [
    'subresource expansion',
    r({ verbs: ['*'], apiGroups: ['*'], resources: ['resource1/subresource1'] }),
    { verb: 'verb1', group: 'group1', resource: 'resource1', subresource: 'subresource1' },
    true,
  ],
  [
    'subresource expansion, other subresource',
    r({ verbs: ['*'], apiGroups: ['*'], resources: ['resource1/subresource1'] }),
    { verb: 'verb1', group: 'group1', resource: 'resource1', subresource: 'subresource2' },
    false,
  ],
  [
    '*/subresource',
    r({ verbs: ['get'], apiGroups: ['*'], resources: ['*/status'] }),
    { verb: 'get', group: 'apps', resource: 'deployments', subresource: 'status' },
    true,
  ],
  [
    '*/subresource is not the resource itself',
    r({ verbs: ['get'], apiGroups: ['*'], resources: ['*/status'] }),
    { verb: 'get', group: 'apps', resource: 'deployments' },
    false,
  ],
  ['verbs are case-sensitive', r({ verbs: ['get'], apiGroups: [''], resources: ['pods'] }), { verb: 'GET', group: '', resource: 'pods' }, false],
  ['resources are case-sensitive', r({ verbs: ['get'], apiGroups: [''], resources: ['pods'] }), { verb: 'get', group: '', resource: 'Pods' }, false],
  ['no apiGroups matches nothing', r({ verbs: ['get'], resources: ['pods'] }), { verb: 'get', group: '', resource: 'pods' }, false],
  [
    'resourceNames: that name',
    r({ verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['a'] }),
    { verb: 'get', group: '', resource: 'secrets', name: 'a' },
    true,
  ],
  [
    'resourceNames: no name asked',
    r({ verbs: ['list'], apiGroups: [''], resources: ['secrets'], resourceNames: ['a'] }),
    { verb: 'list', group: '', resource: 'secrets' },
    false,
  ],
  [
    'resourceNames: "" is the name of a request without one',
    r({ verbs: ['list'], apiGroups: [''], resources: ['secrets'], resourceNames: [''] }),
    { verb: 'list', group: '', resource: 'secrets' },
    true,
  ],
];
for (const [name, rl, req, want] of matchCases) test(`RuleAllows: ${name}`, () => assert.is(ruleAllows(rl, req), want));

test('NonResourceURLMatches: *, exact, prefix*, trailing stars trimmed', () => {
  assert.ok(ruleAllowsNonResource(r({ verbs: ['verb1'], nonResourceURLs: ['*'] }), 'verb1', '/foo/bar/one'));
  assert.not.ok(ruleAllowsNonResource(r({ verbs: ['verb1'], nonResourceURLs: ['*'] }), 'verb2', '/foo'));
  assert.not.ok(ruleAllowsNonResource(r({ verbs: ['verb1'], nonResourceURLs: ['/foo/*'] }), 'verb1', '/foo'));
  assert.ok(ruleAllowsNonResource(r({ verbs: ['verb1'], nonResourceURLs: ['/foo/*'] }), 'verb1', '/foo/bar/one'));
  assert.ok(ruleAllowsNonResource(r({ verbs: ['verb1'], nonResourceURLs: ['/foo**'] }), 'verb1', '/foobar'));
  assert.not.ok(ruleAllowsNonResource(r({ verbs: ['verb1'], nonResourceURLs: ['/foo'] }), 'verb1', '/foo/'));
});

/* ---------- who is asking: the impersonation filter, appliesToUser ---------- */

const impersonation: [string, string[], string[]][] = [
  ['alice', [], ['system:authenticated']],
  ['alice', ['devs'], ['devs', 'system:authenticated']],
  ['alice', ['system:unauthenticated'], ['system:unauthenticated']],
  ['alice', ['system:authenticated', 'x'], ['system:authenticated', 'x']],
  ['system:anonymous', [], ['system:unauthenticated']],
  ['system:anonymous', ['x'], ['x', 'system:unauthenticated']],
  ['system:serviceaccount:ns1:app', [], ['system:serviceaccounts', 'system:serviceaccounts:ns1', 'system:authenticated']],
  ['system:serviceaccount:ns1:app', ['g'], ['g', 'system:authenticated']],
  ['system:serviceaccount:NS:app', [], ['system:authenticated']],
  ['system:serviceaccount:ns1:app:extra', [], ['system:authenticated']],
];
for (const [user, groups, want] of impersonation)
  test(`impersonate ${user} [${groups.join(',')}]`, () => assert.equal(withImplicitGroups({ user, groups }).groups, want));

test('AuthenticatedGroupAdder: system:authenticated for a mapped user, unless anonymous or already in either group', () => {
  assert.equal(withAuthenticatedGroup({ user: 'dev:a', groups: ['devs'] }).groups, ['devs', 'system:authenticated']);
  assert.equal(withAuthenticatedGroup({ user: '', groups: [] }).groups, ['system:authenticated']);
  assert.equal(withAuthenticatedGroup({ user: 'system:anonymous', groups: [] }).groups, []);
  assert.equal(withAuthenticatedGroup({ user: 'x', groups: ['system:unauthenticated'] }).groups, ['system:unauthenticated']);
});

test('appliesToUser: a ServiceAccount subject defaults to the RoleBinding namespace; in a ClusterRoleBinding it needs one', () => {
  const bundle = makeBundle({
    clusterRoles: [{ name: 'reader', labels: {}, rules: [rule('get', '', 'pods', '')] }],
    bindings: [
      {
        kind: 'RoleBinding',
        name: 'rb',
        namespace: 'ns1',
        roleRef: { kind: 'ClusterRole', name: 'reader' },
        subjects: [{ kind: 'ServiceAccount', name: 'app' }],
      },
      { kind: 'ClusterRoleBinding', name: 'crb', roleRef: { kind: 'ClusterRole', name: 'reader' }, subjects: [{ kind: 'ServiceAccount', name: 'ci' }] },
    ],
  });
  const sa = (user: string) => withImplicitGroups({ user, groups: [] });
  assert.ok(authorize(bundle, sa('system:serviceaccount:ns1:app'), { verb: 'get', group: '', resource: 'pods', namespace: 'ns1' }).allowed);
  assert.not.ok(authorize(bundle, sa('system:serviceaccount:ns2:app'), { verb: 'get', group: '', resource: 'pods', namespace: 'ns1' }).allowed);
  assert.not.ok(authorize(bundle, { user: 'system:serviceaccount::ci', groups: [] }, { verb: 'get', group: '', resource: 'pods', namespace: 'ns1' }).allowed);
  assert.not.ok(whoCan(bundle, { verb: 'get', group: '', resource: 'pods', namespace: 'ns1' }).some((h) => h.name === 'ci'));
});

/* ---------- the default bindings (bootstrappolicy ClusterRoleBindings) ---------- */

test('default bindings: discovery and self-reviews for authenticated users, health for everyone', () => {
  const empty = makeBundle({});
  const anon = withImplicitGroups({ user: 'system:anonymous', groups: [] });
  const user = withImplicitGroups({ user: 'u', groups: [] });
  assert.ok(authorize(empty, anon, { verb: 'get', path: '/healthz' }).allowed);
  assert.ok(authorize(empty, anon, { verb: 'get', path: '/version' }).allowed);
  assert.not.ok(authorize(empty, anon, { verb: 'get', path: '/api' }).allowed, 'anonymous gets no discovery');
  assert.ok(authorize(empty, user, { verb: 'get', path: '/apis/apps/v1' }).allowed);
  assert.ok(authorize(empty, user, { verb: 'create', group: 'authorization.k8s.io', resource: 'selfsubjectaccessreviews' }).allowed);
  assert.not.ok(authorize(empty, user, { verb: 'get', group: '', resource: 'pods', namespace: 'default' }).allowed);
  assert.not.ok(authorize(empty, user, { verb: 'get', path: '/healthz' }, { defaults: false }).allowed, 'defaults: false leaves them out');
  // A cluster that redefines one (reconciliation off) answers with its own.
  const own = makeBundle({
    bindings: [
      {
        kind: 'ClusterRoleBinding',
        name: 'system:discovery',
        roleRef: { kind: 'ClusterRole', name: 'system:discovery' },
        subjects: [{ kind: 'Group', name: 'admins' }],
      },
    ],
  });
  assert.not.ok(authorize(own, user, { verb: 'get', path: '/api' }).allowed);
  const holders = whoCan(empty, { verb: 'get', path: '/healthz' }).map((h) => `${h.kind}:${h.name}`);
  assert.equal(holders, [
    'Group:system:masters',
    'Group:system:authenticated',
    'Group:system:authenticated',
    'Group:system:unauthenticated',
    'Group:system:monitoring',
  ]);
  assert.ok(authorize(empty, withImplicitGroups({ user: 'm', groups: ['system:monitoring'] }), { verb: 'get', path: '/metrics' }).allowed);
  assert.not.ok(authorize(empty, user, { verb: 'get', path: '/metrics' }).allowed);
  assert.ok(authorize(empty, withImplicitGroups({ user: 'system:serviceaccount:ns1:app', groups: [] }), { verb: 'get', path: '/openid/v1/jwks' }).allowed);
});

/* ---------- scope: cluster-scoped resources and -A ---------- */

test('a cluster-scoped resource is asked cluster-wide: a RoleBinding granting nodes does not count', () => {
  const bundle = makeBundle({
    clusterRoles: [{ name: 'nodes', labels: {}, rules: [rule('get', '', 'nodes,pods', '')] }],
    bindings: [rb('web', 'nodes', 'ClusterRole', 'User:ann'), crb('nodes', 'User:cat')],
  });
  const nodes = prepareRequest('get', 'nodes', undefined, { namespace: 'web' });
  assert.equal(nodes.request, { verb: 'get', group: '', resource: 'nodes' });
  assert.equal(nodes.warnings, ["resource 'nodes' is not namespace scoped"]);
  assert.not.ok(authorize(bundle, { user: 'ann', groups: [] }, nodes.request).allowed);
  assert.ok(authorize(bundle, { user: 'cat', groups: [] }, nodes.request).allowed);
  assert.ok(authorize(bundle, { user: 'ann', groups: [] }, prepareRequest('get', 'pods', undefined, { namespace: 'web' }).request).allowed);
  // who-can -A: only cluster-wide grants.
  const all = whoCan(bundle, prepareRequest('get', 'pods', undefined, { allNamespaces: true }).request).map((h) => h.name);
  assert.equal(all, ['system:masters', 'cat']);
});

test('a namespace object is asked in itself (its requests carry its name as namespace); a roleRef outside rbac.authorization.k8s.io grants nothing', () => {
  const bundle = makeBundle({
    clusterRoles: [{ name: 'ns-reader', labels: {}, rules: [rule('get', '', 'namespaces', '')] }],
    bindings: [
      rb('web', 'ns-reader', 'ClusterRole', 'User:ann'),
      {
        kind: 'ClusterRoleBinding',
        name: 'odd',
        roleRef: { kind: 'ClusterRole', name: 'cluster-admin', apiGroup: 'example.com' },
        subjects: subjects('User:bob'),
      },
    ],
  });
  const own = prepareRequest('get', 'namespaces', 'web', { namespace: 'default' }).request;
  assert.equal(own, { verb: 'get', group: '', resource: 'namespaces', name: 'web', namespace: 'web' });
  assert.ok(authorize(bundle, { user: 'ann', groups: [] }, own).allowed);
  assert.not.ok(authorize(bundle, { user: 'ann', groups: [] }, prepareRequest('get', 'namespaces', 'other', {}).request).allowed);
  assert.not.ok(authorize(bundle, { user: 'ann', groups: [] }, prepareRequest('list', 'namespaces', undefined, { namespace: 'web' }).request).allowed);
  assert.not.ok(authorize(bundle, { user: 'bob', groups: [] }, prepareRequest('get', 'pods', undefined, {}).request).allowed);
});

test('kubectl-style resolution: lower-cased, short and singular names, unknown verbs and resources warned about', () => {
  assert.equal(prepareRequest('get', 'Pods', undefined, {}).request, { verb: 'get', group: '', resource: 'pods', namespace: 'default' });
  assert.equal(prepareRequest('get', 'deployment', undefined, { namespace: 'x' }).request, {
    verb: 'get',
    group: 'apps',
    resource: 'deployments',
    namespace: 'x',
  });
  assert.equal(prepareRequest('get', 'deployments.v1.apps', undefined, { namespace: 'x' }).request, {
    verb: 'get',
    group: 'apps',
    resource: 'deployments',
    namespace: 'x',
  });
  assert.equal(prepareRequest('GET', 'pods', undefined, {}).warnings, ["verb 'GET' is not a known verb"]);
  assert.equal(prepareRequest('get', 'podz', undefined, {}).warnings, [`the server doesn't have a resource type 'podz' (did you mean "pods"?)`]);
  assert.equal(prepareRequest('post', '/healthz', undefined, {}).warnings, []);
  assert.equal(prepareRequest('list', '/healthz', undefined, {}).warnings, ["verb 'list' is not a known verb"]);
  assert.equal(prepareRequest('impersonate', 'users', 'bob', {}).warnings, []);
  assert.equal(prepareRequest('get', 'pods', undefined, { namespace: 'paymnts' }, { namespaces: ['payments'], where: 'cluster prod' }).warnings, [
    `namespace 'paymnts' is not one of the namespaces of cluster prod (did you mean "payments"?)`,
  ]);
  assert.equal(prepareRequest('get', 'pods', undefined, { namespace: 'kube-system' }, { namespaces: ['payments'] }).warnings, []);
});

/* ---------- the CLI ---------- */

const AWS_AUTH = `apiVersion: v1
kind: ConfigMap
metadata: {name: aws-auth, namespace: kube-system}
data:
  mapRoles: |
    - rolearn: arn:aws:iam::111122223333:role/Dev
      username: "dev:{{SessionName}}"
      groups: [devs]
  mapUsers: |
    - userarn: arn:aws:iam::111122223333:role/Ops
      username: ops
`;
const RBAC = `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: devs, namespace: web}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: Group, name: devs}, {kind: User, name: ops}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: nodes}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: system:node-reader}
subjects: [{kind: User, name: "dev:carol"}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: system:node-reader}
rules: [{apiGroups: [""], resources: [nodes], verbs: [get]}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: aws-auth, namespace: default}
data:
  mapUsers: |
    - userarn: arn:aws:iam::111122223333:user/intruder
      username: ops
`;

test('can-i --as-arn against manifests: mapped, a role under mapUsers, unmapped (no, exit 1, 401); only kube-system/aws-auth counts', async () => {
  const s = scratch({ 'aws-auth.yaml': AWS_AUTH, 'rbac.yaml': RBAC });
  try {
    const m = ['--manifests', join(s.dir, 'aws-auth.yaml'), join(s.dir, 'rbac.yaml')];
    const dev = await run(['can-i', 'list', 'pods', '-n', 'web', '--as-arn', 'arn:aws:sts::111122223333:assumed-role/Dev/alice@example.com', ...m]);
    assert.equal([dev.code, dev.stdout], [0, 'yes\n']);
    const ops = await run(['can-i', 'list', 'pods', '-n', 'web', '--as-arn', 'arn:aws:sts::111122223333:assumed-role/Ops/x', ...m]);
    assert.equal([ops.code, ops.stdout], [0, 'yes\n']);
    const intruder = await run(['can-i', 'list', 'pods', '-n', 'web', '--as-arn', 'arn:aws:iam::111122223333:user/intruder', ...m]);
    assert.equal([intruder.code, intruder.stdout], [1, 'no\n']);
    assert.match(intruder.stderr, /not authenticated: ARN is not mapped: arn:aws:iam::111122223333:user\/intruder; the API server answers 401 Unauthorized/);
    const badPartition = await run(['can-i', 'list', 'pods', '--as-arn', 'arn:aws-xx:sts::111122223333:assumed-role/Dev/a', ...m]);
    assert.equal([badPartition.code, badPartition.stdout], [1, 'no\n']);
    assert.match(badPartition.stderr, /recognized partition.*401/);
    // nodes granted by a ClusterRoleBinding: asked in a namespace, answered cluster-wide, with kubectl's warning.
    const nodes = await run(['can-i', 'get', 'nodes', '-n', 'web', '--as-arn', 'arn:aws:sts::111122223333:assumed-role/Dev/carol', ...m]);
    assert.equal([nodes.code, nodes.stdout, nodes.stderr], [0, 'yes\n', "Warning: resource 'nodes' is not namespace scoped\n"]);
  } finally {
    s.cleanup();
  }
});

test('can-i: system:anonymous, an uppercase verb, an unknown resource, an empty dump', async () => {
  const s = scratch({ 'rbac.yaml': RBAC, 'empty.yaml': '' });
  try {
    const m = ['--manifests', join(s.dir, 'rbac.yaml')];
    const health = await run(['can-i', 'get', '/healthz', '--as', 'system:anonymous', ...m]);
    assert.equal([health.code, health.stdout], [0, 'yes\n']);
    const api = await run(['can-i', 'get', '/api', '--as', 'system:anonymous', ...m]);
    assert.equal([api.code, api.stdout], [1, 'no\n']);
    const upper = await run(['can-i', 'GET', 'pods', '-n', 'web', '--as', 'ops', ...m]);
    assert.equal([upper.code, upper.stdout, upper.stderr], [1, 'no\n', "Warning: verb 'GET' is not a known verb\n"]);
    const typo = await run(['can-i', 'list', 'podz', '-n', 'web', '--as', 'ops', ...m]);
    assert.is(typo.code, 1);
    assert.match(typo.stderr, `Warning: the server doesn't have a resource type 'podz' (did you mean "pods"?)`);
    const empty = await run(['can-i', 'get', 'pods', '--as', 'x', '--manifests', join(s.dir, 'empty.yaml')]);
    assert.equal([empty.code, empty.stdout], [1, 'no\n']);
    const who = await run(['who-can', 'list', 'pods', '-A', '--format', 'json', ...m]);
    assert.equal(
      (JSON.parse(who.stdout) as { holders: { name: string }[] }).holders.map((h) => h.name),
      ['system:masters'],
    );
  } finally {
    s.cleanup();
  }
});

test('can-i on the access folder: a namespace the cluster does not list and a --cluster typo get a "did you mean"', async () => {
  const ns = await run(['can-i', 'get', 'secrets', '-n', 'paymnts', '--cluster', 'staging-us', '--employee', 'bob'], ROOT);
  assert.is(ns.code, 1);
  assert.match(ns.stderr, `Warning: namespace 'paymnts' is not one of the namespaces of cluster staging-us (did you mean "payments"?)`);
  const cluster = await run(['can-i', 'get', 'pods', '--cluster', 'stagin-us', '--as', 'x'], ROOT);
  assert.is(cluster.code, 2);
  assert.match(cluster.stderr, 'did you mean "staging-us"');
  const who = await run(['who-can', 'get', 'pods', '--cluster', 'stagingus'], ROOT);
  assert.is(who.code, 2);
  assert.match(who.stderr, 'did you mean "staging-us"');
});

test.run();
