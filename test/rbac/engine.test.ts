import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadFiles } from '../../src/load/load.js';
import type { PolicyRule } from '../../src/model/types.js';
import { bundleForCluster, userInfoFor } from '../../src/rbac/access-bundle.js';
import { authorize, makeBundle, whoCan, withImplicitGroups, type Request } from '../../src/rbac/engine.js';
import type { GraphBinding } from '../../src/rbac/graph.js';
import { bundleFromDocuments, canonicalizeArn, resolveArn } from '../../src/rbac/manifest-bundle.js';
import { ruleAllows, ruleAllowsNonResource } from '../../src/rbac/match.js';
import { parseRequest } from '../../src/rbac/request.js';
import { loadAccess } from '../../src/pipeline.js';
import { ROOT, run } from '../helpers/run.js';

/* Rule matching, as the API server's RBAC authorizer decides it (facts from its evaluation helpers' tests). */
const r = (rule: Partial<PolicyRule>): PolicyRule => ({ verbs: [], ...rule });
const cases: [string, PolicyRule, Parameters<typeof ruleAllows>[1], boolean][] = [
  ['exact match', r({ apiGroups: [''], resources: ['pods'], verbs: ['get'] }), { verb: 'get', group: '', resource: 'pods' }, true],
  ['other verb', r({ apiGroups: [''], resources: ['pods'], verbs: ['get'] }), { verb: 'list', group: '', resource: 'pods' }, false],
  ['verb *', r({ apiGroups: [''], resources: ['pods'], verbs: ['*'] }), { verb: 'deletecollection', group: '', resource: 'pods' }, true],
  [
    'group * matches any group',
    r({ apiGroups: ['*'], resources: ['deployments'], verbs: ['get'] }),
    { verb: 'get', group: 'apps', resource: 'deployments' },
    true,
  ],
  [
    'core group does not match apps',
    r({ apiGroups: [''], resources: ['deployments'], verbs: ['get'] }),
    { verb: 'get', group: 'apps', resource: 'deployments' },
    false,
  ],
  ['no apiGroups matches nothing', r({ resources: ['pods'], verbs: ['get'] }), { verb: 'get', group: '', resource: 'pods' }, false],
  ['resource * matches any resource', r({ apiGroups: [''], resources: ['*'], verbs: ['get'] }), { verb: 'get', group: '', resource: 'secrets' }, true],
  [
    'resource * matches subresources too',
    r({ apiGroups: [''], resources: ['*'], verbs: ['create'] }),
    { verb: 'create', group: '', resource: 'pods', subresource: 'exec' },
    true,
  ],
  [
    'pods does not match pods/exec',
    r({ apiGroups: [''], resources: ['pods'], verbs: ['create'] }),
    { verb: 'create', group: '', resource: 'pods', subresource: 'exec' },
    false,
  ],
  ['pods/exec does not match pods', r({ apiGroups: [''], resources: ['pods/exec'], verbs: ['get'] }), { verb: 'get', group: '', resource: 'pods' }, false],
  [
    '*/scale matches deployments/scale',
    r({ apiGroups: ['apps'], resources: ['*/scale'], verbs: ['update'] }),
    { verb: 'update', group: 'apps', resource: 'deployments', subresource: 'scale' },
    true,
  ],
  [
    '*/scale does not match deployments',
    r({ apiGroups: ['apps'], resources: ['*/scale'], verbs: ['update'] }),
    { verb: 'update', group: 'apps', resource: 'deployments' },
    false,
  ],
  [
    'pods/* is no wildcard',
    r({ apiGroups: [''], resources: ['pods/*'], verbs: ['get'] }),
    { verb: 'get', group: '', resource: 'pods', subresource: 'log' },
    false,
  ],
  ['*/* is no wildcard', r({ apiGroups: [''], resources: ['*/*'], verbs: ['get'] }), { verb: 'get', group: '', resource: 'secrets' }, false],
  [
    'no resourceNames: every name',
    r({ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }),
    { verb: 'get', group: '', resource: 'secrets', name: 'db' },
    true,
  ],
  [
    'named rule, that name',
    r({ apiGroups: [''], resources: ['secrets'], resourceNames: ['db'], verbs: ['get'] }),
    { verb: 'get', group: '', resource: 'secrets', name: 'db' },
    true,
  ],
  [
    'named rule, other name',
    r({ apiGroups: [''], resources: ['secrets'], resourceNames: ['db'], verbs: ['get'] }),
    { verb: 'get', group: '', resource: 'secrets', name: 'api' },
    false,
  ],
  [
    'named rule, request without a name (list)',
    r({ apiGroups: [''], resources: ['secrets'], resourceNames: ['db'], verbs: ['list'] }),
    { verb: 'list', group: '', resource: 'secrets' },
    false,
  ],
  [
    'resourceNames * is a literal name, not a wildcard',
    r({ apiGroups: [''], resources: ['secrets'], resourceNames: ['*'], verbs: ['get'] }),
    { verb: 'get', group: '', resource: 'secrets', name: 'db' },
    false,
  ],
];
for (const [name, rule, req, expected] of cases) {
  test(`match: ${name}`, () => assert.is(ruleAllows(rule, req), expected));
}

test('match: non-resource URLs, exact, * and prefix*', () => {
  const rule = r({ nonResourceURLs: ['/healthz', '/api/*'], verbs: ['get'] });
  assert.ok(ruleAllowsNonResource(rule, 'get', '/healthz'));
  assert.not.ok(ruleAllowsNonResource(rule, 'get', '/healthz/ready'));
  assert.ok(ruleAllowsNonResource(rule, 'get', '/api/v1'));
  assert.not.ok(ruleAllowsNonResource(rule, 'get', '/api'));
  assert.not.ok(ruleAllowsNonResource(rule, 'post', '/healthz'));
  assert.ok(ruleAllowsNonResource(r({ nonResourceURLs: ['*'], verbs: ['*'] }), 'get', '/metrics'));
});

/* Bindings and scope. */
const podsReader = { name: 'pods-reader', labels: {}, rules: [r({ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] })] };
const bindings: GraphBinding[] = [
  { kind: 'RoleBinding', name: 'rb', namespace: 'a', roleRef: { kind: 'ClusterRole', name: 'pods-reader' }, subjects: [{ kind: 'User', name: 'ann' }] },
  { kind: 'ClusterRoleBinding', name: 'crb', roleRef: { kind: 'ClusterRole', name: 'pods-reader' }, subjects: [{ kind: 'Group', name: 'readers' }] },
  { kind: 'RoleBinding', name: 'local', namespace: 'b', roleRef: { kind: 'Role', name: 'secret-reader' }, subjects: [{ kind: 'ServiceAccount', name: 'ci' }] },
  { kind: 'RoleBinding', name: 'dangling', namespace: 'a', roleRef: { kind: 'Role', name: 'missing' }, subjects: [{ kind: 'User', name: 'dan' }] },
  { kind: 'ClusterRoleBinding', name: 'health', roleRef: { kind: 'ClusterRole', name: 'health' }, subjects: [{ kind: 'User', name: 'ann' }] },
  { kind: 'RoleBinding', name: 'edit', namespace: 'a', roleRef: { kind: 'ClusterRole', name: 'edit' }, subjects: [{ kind: 'User', name: 'eve' }] },
];
const bundle = makeBundle({
  clusterRoles: [podsReader, { name: 'health', labels: {}, rules: [r({ nonResourceURLs: ['/healthz'], verbs: ['get'] })] }],
  roles: [{ namespace: 'b', name: 'secret-reader', rules: [r({ apiGroups: [''], resources: ['secrets'], verbs: ['get'] })] }],
  bindings,
});
const ask = (user: string, groups: string[], req: Request) => authorize(bundle, withImplicitGroups({ user, groups }), req).allowed;
const pods = (namespace?: string): Request => ({ verb: 'get', group: '', resource: 'pods', ...(namespace !== undefined && { namespace }) });

test('a RoleBinding grants only in its namespace, even to a ClusterRole', () => {
  assert.ok(ask('ann', [], pods('a')));
  assert.not.ok(ask('ann', [], pods('b')));
  assert.not.ok(ask('ann', [], pods()), 'not cluster-wide (-A)');
});

test('a ClusterRoleBinding grants in every namespace and cluster-wide', () => {
  assert.ok(ask('x', ['readers'], pods('a')));
  assert.ok(ask('x', ['readers'], pods('zzz')));
  assert.ok(ask('x', ['readers'], pods()));
  assert.not.ok(ask('x', ['writers'], pods('a')));
});

test('ServiceAccount subjects default to the binding namespace; Roles resolve in it', () => {
  assert.ok(ask('system:serviceaccount:b:ci', [], { verb: 'get', group: '', resource: 'secrets', namespace: 'b' }));
  assert.not.ok(ask('system:serviceaccount:a:ci', [], { verb: 'get', group: '', resource: 'secrets', namespace: 'b' }));
  assert.not.ok(ask('ci', [], { verb: 'get', group: '', resource: 'secrets', namespace: 'b' }));
});

test('a binding to a missing role grants nothing', () => {
  assert.not.ok(ask('dan', [], pods('a')));
});

test('non-resource URLs only through ClusterRoleBindings', () => {
  assert.ok(ask('ann', [], { verb: 'get', path: '/healthz' }));
  assert.not.ok(ask('ann', [], { verb: 'get', path: '/metrics' }));
});

test('system:masters may do everything, RBAC or not', () => {
  assert.ok(ask('root', ['system:masters'], { verb: 'delete', group: '', resource: 'nodes' }));
  assert.ok(ask('root', ['system:masters'], { verb: 'get', path: '/anything' }));
});

test('aggregated default roles: edit grants secrets and exec through its aggregation', () => {
  assert.ok(ask('eve', [], { verb: 'get', group: '', resource: 'secrets', namespace: 'a' }));
  assert.ok(ask('eve', [], { verb: 'create', group: '', resource: 'pods', subresource: 'exec', namespace: 'a' }));
  assert.ok(ask('eve', [], { verb: 'patch', group: 'apps', resource: 'deployments', namespace: 'a' }));
  assert.not.ok(ask('eve', [], { verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'rolebindings', namespace: 'a' }), 'edit has no RBAC');
});

test('every authenticated user is in system:authenticated (the default discovery bindings apply)', () => {
  const info = withImplicitGroups({ user: 'system:serviceaccount:ns1:app', groups: [] });
  assert.ok(info.groups.includes('system:authenticated'));
  assert.ok(info.groups.includes('system:serviceaccounts:ns1'));
});

test('access policies: namespace scope only in those namespaces, cluster scope everywhere', () => {
  const b = makeBundle({
    policies: [
      { user: 'u', policy: 'AmazonEKSViewPolicy', namespaces: ['data'], rules: [r({ apiGroups: [''], resources: ['pods'], verbs: ['get'] })] },
      { user: 'v', policy: 'X', rules: [r({ apiGroups: [''], resources: ['pods'], verbs: ['get'] })] },
    ],
  });
  assert.ok(authorize(b, { user: 'u', groups: [] }, pods('data')).allowed);
  assert.not.ok(authorize(b, { user: 'u', groups: [] }, pods('web')).allowed);
  assert.ok(authorize(b, { user: 'v', groups: [] }, pods('web')).allowed);
});

test('kubectl-style arguments: short names, default groups, subresources, -A, non-resource URLs', () => {
  assert.equal(parseRequest('get', 'deploy', undefined, { namespace: 'x' }), { verb: 'get', group: 'apps', resource: 'deployments', namespace: 'x' });
  assert.equal(parseRequest('get', 'pods/log', 'p1', {}), { verb: 'get', group: '', resource: 'pods', subresource: 'log', name: 'p1', namespace: 'default' });
  assert.equal(parseRequest('create', 'pods', undefined, { subresource: 'exec', allNamespaces: true }), {
    verb: 'create',
    group: '',
    resource: 'pods',
    subresource: 'exec',
  });
  assert.equal(parseRequest('get', 'widgets.example.com', undefined, {}), { verb: 'get', group: 'example.com', resource: 'widgets', namespace: 'default' });
  assert.equal(parseRequest('get', '/healthz', undefined, {}), { verb: 'get', path: '/healthz' });
});

test('--as-arn: assumed-role ARNs map through mapRoles (case-insensitive, path-less, last duplicate wins); templates rendered', () => {
  assert.equal(canonicalizeArn('arn:aws:sts::111122223333:assumed-role/Dev/alice@example.com'), {
    arn: 'arn:aws:iam::111122223333:role/Dev',
    kind: 'role',
    accountId: '111122223333',
    session: 'alice@example.com',
  });
  const entries = [
    { kind: 'role' as const, arn: 'arn:aws:iam::111122223333:role/dev', username: 'first', groups: ['a'] },
    { kind: 'role' as const, arn: 'arn:aws:iam::111122223333:role/Dev', username: 'session:{{SessionName}}', groups: ['b'] },
    { kind: 'role' as const, arn: 'arn:aws:iam::111122223333:role/team/Ops', username: 'ops', groups: [] },
  ];
  assert.equal(resolveArn(entries, [], 'arn:aws:sts::111122223333:assumed-role/Dev/alice@example.com'), {
    user: 'session:alice-example.com',
    groups: ['b', 'system:authenticated'],
  });
  assert.is(resolveArn(entries, [], 'arn:aws:sts::111122223333:assumed-role/Ops/x'), undefined, 'a mapping with a path never matches');
  assert.equal(resolveArn([], ['444455556666'], 'arn:aws:iam::444455556666:user/bob'), {
    user: 'arn:aws:iam::444455556666:user/bob',
    groups: ['system:authenticated'],
  });
});

/* The example: can-i agrees with the generated RBAC, for every employee, cluster and namespace. */
const VOCABULARY: Request[] = [];
for (const verb of ['get', 'list', 'create', 'update', 'patch', 'delete']) {
  for (const [group, resource, subresource] of [
    ['', 'pods'],
    ['', 'pods', 'exec'],
    ['', 'pods', 'log'],
    ['', 'secrets'],
    ['', 'configmaps'],
    ['', 'services'],
    ['apps', 'deployments'],
    ['apps', 'deployments', 'scale'],
    ['batch', 'jobs'],
    ['rbac.authorization.k8s.io', 'rolebindings'],
    ['', 'nodes'],
  ] as const) {
    VOCABULARY.push({ verb, group, resource, ...(subresource !== undefined && { subresource }) });
  }
}

test('on the example, can-i from the access folder agrees with the generated manifests for every employee', async () => {
  const { model } = await loadAccess(join(ROOT, 'access'));
  assert.ok(model);
  let checked = 0;
  let yes = 0;
  for (const c of model!.clusters.values()) {
    const dir = join(ROOT, 'generated', 'clusters', c.name);
    const files = readdirSync(dir, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.yaml') && !f.endsWith('kustomization.yaml'))
      .map((f) => join(dir, f));
    const generated = bundleFromDocuments((await loadFiles(files)).value).bundle;
    const fromModel = { ...bundleForCluster(model!, c), policies: [] };
    for (const e of model!.employees.values()) {
      const who = userInfoFor(model!, c, e);
      for (const ns of [...c.namespaces, undefined]) {
        for (const req of VOCABULARY) {
          const q = { ...req, ...(ns !== undefined && { namespace: ns }) } as Request;
          const a = authorize(fromModel, who, q).allowed;
          assert.is(authorize(generated, who, q).allowed, a, `${e.name} on ${c.name}: ${JSON.stringify(q)}`);
          checked++;
          if (a) yes++;
        }
      }
    }
  }
  assert.ok(checked > 5000 && yes > 300 && yes < checked, `${checked} checks, ${yes} yes`);
});

test('who-can get secrets -n payments on staging-us lists exactly bob (edit) and carol (cluster-admin)', async () => {
  const r1 = await run(['who-can', 'get', 'secrets', '-n', 'payments', '--cluster', 'staging-us', '--format', 'json'], ROOT);
  assert.is(r1.code, 0, r1.stderr);
  const holders = (JSON.parse(r1.stdout) as { holders: { kind: string; name: string; employee?: string }[] }).holders;
  assert.equal(holders.map((h) => h.employee ?? `${h.kind}:${h.name}`).sort(), ['Group:system:masters', 'bob', 'carol']);
  const named = await run(['can-i', 'get', 'secrets', 'payments-psp-sandbox-keys', '-n', 'payments', '--cluster', 'staging-us', '--employee', 'judy'], ROOT);
  assert.equal([named.code, named.stdout], [0, 'yes\n']);
  const unnamed = await run(['can-i', 'get', 'secrets', '-n', 'payments', '--cluster', 'staging-us', '--employee', 'judy'], ROOT);
  assert.equal([unnamed.code, unnamed.stdout], [1, 'no\n']);
});

test('can-i through access policies and through an IAM principal ARN', async () => {
  const peggy = await run(['can-i', 'create', 'deployments', '-n', 'ml', '--cluster', 'sandbox-ap', '--employee', 'peggy'], ROOT);
  assert.equal([peggy.code, peggy.stdout], [0, 'yes\n']);
  const peggyData = await run(['can-i', 'create', 'deployments', '-n', 'data', '--cluster', 'sandbox-ap', '--employee', 'peggy'], ROOT);
  assert.equal([peggyData.code, peggyData.stdout], [1, 'no\n']);
  const frank = await run(
    ['can-i', 'list', 'pods', '-n', 'data', '--cluster', 'staging-us', '--as-arn', 'arn:aws:sts::444455556666:assumed-role/DataScientists/frank.miller'],
    ROOT,
  );
  assert.equal([frank.code, frank.stdout], [0, 'yes\n']);
  // Not mapped: the API server answers 401, a definite no (exit 1), not a usage error.
  const stranger = await run(['can-i', 'list', 'pods', '--cluster', 'staging-us', '--as-arn', 'arn:aws:sts::999999999999:assumed-role/Nobody/x'], ROOT);
  assert.equal([stranger.code, stranger.stdout], [1, 'no\n']);
  assert.match(stranger.stderr, '401 Unauthorized');
});

test('can-i usage errors exit 2 with one line, no stack', async () => {
  for (const argv of [
    ['can-i', 'get', 'pods', '--cluster', 'staging-us'],
    ['can-i', 'get', 'pods', '--cluster', 'nope', '--as', 'x'],
    ['can-i', 'get', 'pods', '--cluster', 'staging-us', '--employee', 'alicia'],
  ]) {
    const res = await run(argv, ROOT);
    assert.is(res.code, 2, argv.join(' '));
    assert.not.match(res.stderr, /\n\s+at /);
  }
  assert.match((await run(['can-i', 'get', 'pods', '--cluster', 'staging-us', '--employee', 'alicia'], ROOT)).stderr, 'did you mean "alice"');
});

test('can-i against manifests: a dump with the defaults answers like the API server', async () => {
  const dump = join(ROOT, 'test', 'fixtures', 'manifests', 'default-cluster');
  const basic = await run(['can-i', 'create', 'selfsubjectaccessreviews.authorization.k8s.io', '-A', '--as', 'anyone', '--manifests', dump], ROOT);
  assert.equal([basic.code, basic.stdout], [0, 'yes\n']);
  const secrets = await run(['can-i', 'get', 'secrets', '-n', 'kube-system', '--as', 'anyone', '--manifests', dump], ROOT);
  assert.equal([secrets.code, secrets.stdout], [1, 'no\n']);
  const nodeRole = await run(
    ['can-i', 'get', 'pods', '-n', 'x', '--as-arn', 'arn:aws:sts::111122223333:assumed-role/eks-node-group/i-0abc', '--manifests', dump],
    ROOT,
  );
  assert.is(nodeRole.code, 1, 'system:node:{{EC2PrivateDNSName}} needs the Node authorizer, which is not RBAC');
  const who = whoCan(bundleFromDocuments([]).bundle, { verb: 'get', group: '', resource: 'pods', namespace: 'a' });
  assert.equal(
    who.map((h) => h.name),
    ['system:masters'],
  );
});

test.run();
