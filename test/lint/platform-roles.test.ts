/**
 * Nothing the platform ships is invisible: every role the Kubernetes API server bootstraps is
 * shipped, so binding one is judged by its content, and a system: or eks: name eks-access does not
 * know cannot be granted unseen.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { builtinClusterRoles, builtinNamespaceRoles, isUnknownPlatformRole } from '../../src/rbac/builtin.js';
import { BASE_FILES, HEADER, run, scratch } from '../helpers/run.js';

const profile = (name: string, clusterRole: string) => `${HEADER}kind: Profile\nname: ${name}\ndescription: a platform role\nclusterRole: ${clusterRole}\n`;
const granted = (profileName: string, where = 'namespaces: [payments]') => `${HEADER}kind: Employee
name: mallory
email: mallory@example.com
identity:
  iamUser: mallory
access:
  - cluster: prod
    profile: ${profileName}
    ${where}
`;

test("the controllers' ClusterRoles and the kube-system Roles are shipped with their rules", () => {
  const roles = builtinClusterRoles();
  const controllers = [...roles.keys()].filter((n) => n.startsWith('system:controller:'));
  assert.ok(controllers.length >= 38, `${controllers.length} controller roles`);
  for (const n of [
    'system:controller:clusterrole-aggregation-controller',
    'system:controller:generic-garbage-collector',
    'system:controller:namespace-controller',
    'system:controller:persistent-volume-binder',
  ]) {
    assert.ok((roles.get(n)?.rules.length ?? 0) > 0, n);
  }
  assert.equal(roles.get('system:controller:clusterrole-aggregation-controller')!.rules, [
    { apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['escalate', 'get', 'list', 'patch', 'update', 'watch'] },
  ]);
  // The defaults are still there, aggregation resolved.
  assert.ok(roles.get('admin')!.rules.length > 10);
  const ns = builtinNamespaceRoles();
  assert.ok(ns.has('kube-system/system:controller:token-cleaner'));
  assert.ok(ns.has('kube-public/system:controller:bootstrap-signer'));
  assert.ok(ns.has('kube-system/system:controller:bootstrap-signer'));
  for (const rules of [...roles.values()].map((r) => r.rules).concat([...ns.values()])) {
    for (const r of rules) assert.ok(r.verbs.length > 0 && ((r.resources?.length ?? 0) > 0 || (r.nonResourceURLs?.length ?? 0) > 0));
  }
});

test('which system: and eks: names are unknown', () => {
  assert.not.ok(isUnknownPlatformRole('ClusterRole', 'system:controller:namespace-controller'));
  assert.not.ok(isUnknownPlatformRole('ClusterRole', 'system:monitoring'));
  assert.not.ok(isUnknownPlatformRole('ClusterRole', 'my-role'));
  assert.ok(isUnknownPlatformRole('ClusterRole', 'eks:node-manager'));
  assert.ok(isUnknownPlatformRole('ClusterRole', 'system:controller:everything'));
  assert.not.ok(isUnknownPlatformRole('Role', 'system:controller:token-cleaner', 'kube-system'));
  assert.ok(isUnknownPlatformRole('Role', 'system:controller:token-cleaner', 'payments'));
});

for (const name of ['eks:node-manager', 'system:controller:everything', 'system:anything']) {
  test(`a profile binding the unknown platform role ${name} is a validate error at its clusterRole line`, async () => {
    const s = scratch({ ...BASE_FILES, 'access/profiles/platform.yaml': profile('platform', name), 'access/employees/mallory.yaml': granted('platform') });
    try {
      const v = await run(['validate'], s.dir);
      assert.is(v.code, 1, v.stdout + v.stderr);
      assert.match(v.stdout + v.stderr, new RegExp(`access/profiles/platform\\.yaml:5:14 .*binds ClusterRole "${name}", a name Kubernetes and EKS keep`));
      const g = await run(['generate'], s.dir);
      assert.is(g.code, 1);
    } finally {
      s.cleanup();
    }
  });
}

test('a profile binding a controller role is judged by what the role holds', async () => {
  for (const [role, where, rules] of [
    ['system:controller:clusterrole-aggregation-controller', 'scope: cluster', ['escalate-verb']],
    ['system:controller:generic-garbage-collector', 'namespaces: [payments]', ['read-secrets', 'broad-delete']],
  ] as const) {
    const s = scratch({
      ...BASE_FILES,
      'access/profiles/controller.yaml': profile('controller', role),
      'access/employees/mallory.yaml': granted('controller', where),
    });
    try {
      assert.is((await run(['validate'], s.dir)).code, 0);
      const lint = await run(['lint', '--format', 'json'], s.dir);
      const findings = (JSON.parse(lint.stdout) as { findings: { ruleId: string; employee?: string; severity: string }[] }).findings.filter(
        (f) => f.employee === 'mallory',
      );
      for (const id of rules)
        assert.ok(
          findings.some((f) => f.ruleId === id),
          `${role}: no ${id} in ${findings.map((f) => f.ruleId).join(' ')}`,
        );
      if (role.includes('aggregation')) assert.is(lint.code, 1, 'escalate on clusterroles is an error');
    } finally {
      s.cleanup();
    }
  }
});

test('lint --manifests judges a binding to a controller role by its rules', async () => {
  const s = scratch({
    'manifests/rb.yaml': `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: ops-gc
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: system:controller:generic-garbage-collector
subjects:
  - {kind: Group, name: ops, apiGroup: rbac.authorization.k8s.io}
`,
  });
  try {
    const lint = await run(['lint', '--manifests', 'manifests', '--format', 'json'], s.dir);
    const ids = (JSON.parse(lint.stdout) as { findings: { ruleId: string }[] }).findings.map((f) => f.ruleId);
    assert.ok(ids.includes('broad-delete'), ids.join(' '));
    assert.ok(ids.includes('read-secrets'), ids.join(' '));
    assert.is(lint.code, 1);
  } finally {
    s.cleanup();
  }
});

test('lint --manifests: a ClusterRole redefining a bootstrap role is judged with the rules the API server puts back into it', async () => {
  const role = (annotations: string) => `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: system:controller:namespace-controller
${annotations}rules:
  - apiGroups: [""]
    resources: [pods]
    verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: mallory-ns
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: system:controller:namespace-controller
subjects:
  - {kind: User, name: mallory, apiGroup: rbac.authorization.k8s.io}
`;
  const idsOf = async (text: string) => {
    const s = scratch({ 'manifests/r.yaml': text });
    try {
      const lint = await run(['lint', '--manifests', 'manifests', '--format', 'json'], s.dir);
      return { code: lint.code, ids: (JSON.parse(lint.stdout) as { findings: { ruleId: string }[] }).findings.map((f) => f.ruleId) };
    } finally {
      s.cleanup();
    }
  };
  const reconciled = await idsOf(role(''));
  assert.ok(reconciled.ids.includes('broad-delete') && reconciled.ids.includes('read-secrets'), reconciled.ids.join(' '));
  assert.is(reconciled.code, 1);
  // autoupdate "false": the API server leaves it as written.
  const kept = await idsOf(role('  annotations:\n    rbac.authorization.kubernetes.io/autoupdate: "false"\n'));
  assert.not.ok(kept.ids.includes('broad-delete'), kept.ids.join(' '));
});

test('lint --manifests: a copy of a default with an aggregation label the default lacks is no copy', async () => {
  const gc = (labels: string) =>
    `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: system:controller:generic-garbage-collector\n${labels}rules:\n- apiGroups: ["*"]\n  resources: ["*"]\n  verbs: [delete, get, list, patch, update, watch]\n`;
  const s = scratch({ 'plain/gc.yaml': gc(''), 'labelled/gc.yaml': gc('  labels:\n    rbac.authorization.k8s.io/aggregate-to-view: "true"\n') });
  try {
    const plain = await run(['lint', '--manifests', 'plain', '--format', 'json'], s.dir);
    assert.is(plain.code, 0, plain.stdout);
    const labelled = await run(['lint', '--manifests', 'labelled', '--format', 'json'], s.dir);
    assert.is(labelled.code, 1);
    const ids = new Set((JSON.parse(labelled.stdout) as { findings: { ruleId: string }[] }).findings.map((f) => f.ruleId));
    assert.ok(ids.has('aggregation-label') && ids.has('read-secrets'), [...ids].join(', '));
  } finally {
    s.cleanup();
  }
});

test.run();
