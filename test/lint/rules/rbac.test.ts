import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lintAccess } from '../../../src/lint/index.js';
import { BASE_FILES, HEADER, scratch } from '../../helpers/run.js';
import { ruleTests, TEST_TODAY } from '../../helpers/rule-tester.js';

const employee = (body: string) => `${HEADER}kind: Employee\nname: bob\nemail: bob@example.com\nidentity:\n  iamUser: bob\naccess:\n${body}`;
const rules = (rules: string, ns = 'payments') => employee(`  - cluster: prod\n    namespaces: [${ns}]\n    rules:\n${rules}`);

ruleTests('pods-exec', {
  valid: [
    {
      name: 'logs only',
      access: { 'access/employees/bob.yaml': rules('      - apiGroups: [""]\n        resources: [pods, pods/log]\n        verbs: [get, list]\n') },
    },
    {
      name: 'full wildcard is reported by the admin rules instead',
      access: { 'access/employees/bob.yaml': employee('  - cluster: prod\n    level: admin\n    expires: 2027-01-31\n') },
    },
  ],
  invalid: [
    {
      name: 'create pods/exec in inline rules',
      access: { 'access/employees/bob.yaml': rules('      - apiGroups: [""]\n        resources: [pods/exec]\n        verbs: [create]\n') },
      errors: ['access/employees/bob.yaml:8:5'],
      messages: ['employee bob can exec into pods in payments on prod'],
    },
    {
      name: '*/exec counts (any resource, subresource exec)',
      access: { 'access/employees/bob.yaml': rules('      - apiGroups: [""]\n        resources: ["*/exec"]\n        verbs: [get]\n') },
      errors: ['access/employees/bob.yaml:8:5'],
    },
    {
      name: 'the built-in edit role through a profile grant',
      access: { 'access/employees/bob.yaml': employee('  - cluster: prod\n    profile: edit\n    namespaces: [payments, my-namespace]\n') },
      errors: ['access/employees/bob.yaml:8:5'],
      messages: ['in my-namespace, payments on prod through ClusterRole edit'],
    },
  ],
});

// ---- RBAC001-RBAC012 (part A) -------------------------------------------------------------

/** bob's access list; `inline(...)` is one inline-rules grant in payments (grant at line 8). */
const aBob = (body: string) => ({ 'access/employees/bob.yaml': employee(body) });
const inline = (rule: string, ns = 'payments') => aBob(`  - cluster: prod\n    namespaces: [${ns}]\n    rules:\n      - ${rule}\n`);
/** A profile `p` with these rules, granted to bob cluster-wide on prod (grant at line 8). */
const aClusterProfile = (...ruleLines: string[]) => ({
  'access/profiles/p.yaml': `${HEADER}kind: Profile\nname: p\ndescription: test profile\nrules:\n${ruleLines.map((r) => `  - ${r}\n`).join('')}`,
  ...aBob('  - cluster: prod\n    profile: p\n    scope: cluster\n'),
});
/** Manifests: a ClusterRole (rules from line 6) and, from line 8 + rules, a binding of it to Group devs. */
const aBound = (o: { rules: string[]; kind?: 'ClusterRoleBinding' | 'RoleBinding' }) => ({
  'manifests/rbac.yaml': [
    'apiVersion: rbac.authorization.k8s.io/v1',
    'kind: ClusterRole',
    'metadata:',
    '  name: custom',
    'rules:',
    ...o.rules.map((r) => `  - ${r}`),
    '---',
    'apiVersion: rbac.authorization.k8s.io/v1',
    `kind: ${o.kind ?? 'ClusterRoleBinding'}`,
    'metadata:',
    '  name: custom',
    ...(o.kind === 'RoleBinding' ? ['  namespace: payments'] : []),
    'roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: custom}',
    'subjects:',
    '  - {kind: Group, name: devs}',
    '',
  ].join('\n'),
});
const at = (line: number) => `manifests/rbac.yaml:${line}:1`;

ruleTests('full-wildcard', {
  valid: [
    {
      name: 'level: admin is the cluster-admin ClusterRole, reported by the admin rules',
      access: aBob('  - cluster: prod\n    level: admin\n    expires: 2027-01-31\n'),
    },
    {
      name: 'AmazonEKSClusterAdminPolicy is reported by the access-entry rules',
      access: aBob('  - cluster: api\n    accessPolicy: AmazonEKSClusterAdminPolicy\n    expires: 2027-01-31\n'),
    },
    { name: 'apiGroups [""] is not "*": every core resource, not everything', access: inline('{apiGroups: [""], resources: ["*"], verbs: ["*"]}') },
    {
      name: 'the default cluster-admin ClusterRole in a dump',
      manifests: {
        'manifests/rbac.yaml':
          'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: cluster-admin}\nrules:\n  - {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}\n',
      },
    },
  ],
  invalid: [
    {
      name: 'inline rules in a namespace',
      access: inline('{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}'),
      errors: ['access/employees/bob.yaml:8:5'],
      messages: ['employee bob can do anything to any resource in any API group in payments on prod through inline rules'],
    },
    {
      name: 'a profile cluster-wide is cluster-admin by hand, even with expires',
      access: aClusterProfile('{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}'),
      errors: ['access/employees/bob.yaml:8:5'],
      messages: ['cluster-wide on prod through profile p (apiGroups and resources "*", every verb): that is cluster-admin'],
    },
    {
      name: 'a custom ClusterRole bound to a group, at the binding',
      manifests: aBound({ rules: ['{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}'] }),
      errors: [at(8)],
      messages: ['Group devs can do anything to any resource in any API group cluster-wide through ClusterRole custom bound by ClusterRoleBinding custom'],
    },
    {
      name: "a namespaced Role named admin is the user's, not the built-in ClusterRole",
      manifests: {
        'manifests/rbac.yaml':
          'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: admin, namespace: payments}\nrules:\n  - {apiGroups: ["*"], resources: ["*"], verbs: ["*"]}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: devs, namespace: payments}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: admin}\nsubjects:\n  - {kind: Group, name: devs}\n',
      },
      errors: [at(7)],
      messages: ['Group devs can do anything to any resource in any API group in payments through Role admin bound by RoleBinding payments/devs'],
    },
  ],
});

ruleTests('wildcard-verbs', {
  valid: [
    { name: 'listed verbs', access: inline('{apiGroups: [""], resources: [configmaps], verbs: [get, list, update]}') },
    { name: '"*" on non-resource URLs is HTTP methods on those paths', access: aClusterProfile('{nonResourceURLs: [/healthz], verbs: ["*"]}') },
    { name: 'built-in roles are judged by what they allow', access: aBob('  - cluster: prod\n    profile: admin\n    namespaces: [payments]\n') },
  ],
  invalid: [
    {
      name: 'a full wildcard someone wrote, beside full-wildcard',
      access: inline('{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}'),
      errors: ['access/employees/bob.yaml:8:5'],
      messages: ['employee bob has every verb ("*") on every resource in payments on prod through inline rules'],
    },
    {
      name: '"*" on configmaps',
      access: inline('{apiGroups: [""], resources: [configmaps], verbs: ["*"]}'),
      errors: ['access/employees/bob.yaml:8:5'],
      messages: ['employee bob has every verb ("*") on configmaps in payments on prod through inline rules'],
    },
    {
      name: '"*" on every core resource',
      manifests: aBound({ rules: ['{apiGroups: [""], resources: ["*"], verbs: ["*"]}'] }),
      errors: [at(8)],
      messages: ['Group devs has every verb ("*") on every resource cluster-wide'],
    },
  ],
});

ruleTests('wildcard-resources', {
  valid: [
    { name: 'listed resources', access: inline('{apiGroups: [""], resources: [pods, services], verbs: [get, list]}') },
    { name: 'star-slash-star is a literal subresource "*", not a wildcard', access: inline('{apiGroups: [""], resources: ["*/*"], verbs: [get]}') },
    { name: 'only verbs outside the list (use)', access: inline('{apiGroups: [policy], resources: ["*"], verbs: [use]}') },
    {
      name: 'AmazonEKSAdminViewPolicy is an AWS policy, judged by what it allows',
      access: aBob('  - cluster: api\n    accessPolicy: AmazonEKSAdminViewPolicy\n    namespaces: [data]\n'),
    },
  ],
  invalid: [
    {
      name: 'every core resource in a namespace (apiGroups "" still covers secrets)',
      access: inline('{apiGroups: [""], resources: ["*"], verbs: [get, list]}'),
      errors: ['access/employees/bob.yaml:8:5'],
      messages: ['employee bob can get, list every resource ("*") of API groups "" in payments on prod through inline rules'],
    },
    {
      name: 'every resource of every group, read-only, cluster-wide',
      access: aClusterProfile('{apiGroups: ["*"], resources: ["*"], verbs: [get, list, watch]}'),
      errors: ['access/employees/bob.yaml:8:5'],
      messages: ['can get, list, watch every resource ("*") of every API group cluster-wide on prod'],
    },
  ],
});

ruleTests('wildcard-apigroups', {
  valid: [
    { name: 'named API groups', access: inline('{apiGroups: [apps], resources: [deployments], verbs: [get]}') },
    { name: 'resources "*" too is wildcard-resources\' finding', access: inline('{apiGroups: ["*"], resources: ["*"], verbs: [get]}') },
  ],
  invalid: [
    {
      name: 'deployments in every API group',
      access: inline('{apiGroups: ["*"], resources: [deployments], verbs: [get, list]}'),
      errors: ['access/employees/bob.yaml:8:5'],
      messages: ['employee bob has rules on deployments in every API group ("*") in payments on prod'],
    },
  ],
});

ruleTests('read-secrets', {
  valid: [
    { name: 'the built-in view role has no secrets', access: aBob('  - cluster: prod\n    level: read-only\n') },
    {
      name: 'secrets in the apps group do not exist: apiGroups are matched literally',
      access: inline('{apiGroups: [apps], resources: [secrets], verbs: [get]}'),
    },
    { name: "write-only (create) is write-secrets' finding", access: inline('{apiGroups: [""], resources: [secrets], verbs: [create]}') },
  ],
  invalid: [
    {
      name: 'a full wildcard someone wrote, beside full-wildcard',
      access: inline('{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}'),
      errors: ['access/employees/bob.yaml:8:5'],
      messages: ['employee bob can read every Secret (get, list, watch) in payments on prod through inline rules'],
    },
    {
      name: 'get without resourceNames means every Secret',
      access: inline('{apiGroups: [""], resources: [secrets], verbs: [get]}'),
      errors: ['access/employees/bob.yaml:8:5'],
      messages: ['employee bob can read every Secret (get) in payments on prod through inline rules'],
    },
    {
      name: 'named Secrets are still reported, with lower risk',
      access: inline('{apiGroups: [""], resources: [secrets], resourceNames: [psp-keys], verbs: [get]}'),
      errors: ['access/employees/bob.yaml:8:5'],
      messages: ['employee bob can read the Secrets psp-keys (get) in payments on prod'],
    },
    {
      name: 'resources "*" in the core group, list only',
      access: inline('{apiGroups: [""], resources: ["*"], verbs: [list]}'),
      errors: ['access/employees/bob.yaml:8:5'],
      messages: ['can read every Secret (list)'],
    },
    {
      name: 'the built-in edit role, aggregated rules seen through',
      access: aBob('  - cluster: prod\n    profile: edit\n    namespaces: [payments]\n'),
      errors: ['access/employees/bob.yaml:8:5'],
      messages: ['can read every Secret (get, list, watch) in payments on prod through ClusterRole edit'],
    },
    {
      name: 'AmazonEKSAdminViewPolicy at cluster scope reads Secrets (unlike view)',
      access: aBob('  - cluster: api\n    accessPolicy: AmazonEKSAdminViewPolicy\n'),
      errors: ['access/employees/bob.yaml:8:5'],
      messages: ['cluster-wide on api through access policy AmazonEKSAdminViewPolicy'],
    },
    {
      name: 'a custom aggregated ClusterRole, followed through its aggregationRule',
      manifests: {
        'manifests/rbac.yaml': [
          'apiVersion: rbac.authorization.k8s.io/v1',
          'kind: ClusterRole',
          'metadata: {name: team}',
          'aggregationRule:',
          '  clusterRoleSelectors:',
          '    - matchLabels: {example.com/aggregate-to-team: "true"}',
          'rules: []',
          '---',
          'apiVersion: rbac.authorization.k8s.io/v1',
          'kind: ClusterRole',
          'metadata:',
          '  name: team-secrets',
          '  labels: {example.com/aggregate-to-team: "true"}',
          'rules:',
          '  - {apiGroups: [""], resources: [secrets], verbs: [get]}',
          '---',
          'apiVersion: rbac.authorization.k8s.io/v1',
          'kind: RoleBinding',
          'metadata: {name: team, namespace: payments}',
          'roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: team}',
          'subjects:',
          '  - {kind: Group, name: devs}',
          '',
        ].join('\n'),
      },
      // The labelled role is also reported as a role no binding names (at its rule).
      errors: ['manifests/rbac.yaml:15:5', 'manifests/rbac.yaml:17:1'],
      messages: [
        'anyone bound to ClusterRole team-secrets',
        'Group devs can read every Secret (get) in payments through ClusterRole team bound by RoleBinding payments/team',
      ],
    },
  ],
});

ruleTests('write-secrets', {
  valid: [
    { name: 'read only', access: inline('{apiGroups: [""], resources: [secrets], verbs: [get, list]}') },
    {
      name: 'create with resourceNames grants nothing: create is never authorized by name',
      access: inline('{apiGroups: [""], resources: [secrets], resourceNames: [psp-keys], verbs: [create]}'),
    },
  ],
  invalid: [
    {
      name: 'create without resourceNames',
      access: inline('{apiGroups: [""], resources: [secrets], verbs: [create]}'),
      errors: ['access/employees/bob.yaml:8:5'],
      messages: ['employee bob can create or change Secrets in payments on prod through inline rules'],
    },
    {
      name: 'update on named Secrets',
      access: inline('{apiGroups: [""], resources: [secrets], resourceNames: [psp-keys], verbs: [update, create]}'),
      errors: ['access/employees/bob.yaml:8:5'],
      messages: ['employee bob can change the Secrets psp-keys in payments on prod'],
    },
    {
      name: 'the built-in edit role',
      manifests: {
        'manifests/rbac.yaml':
          'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: devs, namespace: payments}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}\nsubjects:\n  - {kind: Group, name: devs}\n',
      },
      errors: [at(1)],
      messages: ['Group devs can create or change Secrets in payments through ClusterRole edit bound by RoleBinding payments/devs'],
    },
  ],
});

ruleTests('workload-write', {
  valid: [
    { name: 'read workloads', access: inline('{apiGroups: [apps], resources: [deployments], verbs: [get, list, watch]}') },
    { name: 'scaling does not change the pod template', access: inline('{apiGroups: [apps], resources: [deployments/scale], verbs: [get, update, patch]}') },
    { name: "deleting pods is broad-delete's finding", access: inline('{apiGroups: [""], resources: [pods], verbs: [delete]}') },
    { name: 'deployments in the core group do not exist', access: inline('{apiGroups: [""], resources: [deployments], verbs: [create]}') },
  ],
  invalid: [
    {
      name: 'patching deployments (the deployer profile shape)',
      access: inline('{apiGroups: [apps], resources: [deployments, statefulsets], verbs: [get, update, patch]}'),
      errors: ['access/employees/bob.yaml:8:5'],
      messages: ['employee bob can change deployments, statefulsets in payments on prod through inline rules'],
    },
    {
      name: 'creating pods and jobs, split over two rules of one grant',
      access: aBob(
        '  - cluster: prod\n    namespaces: [payments]\n    rules:\n      - {apiGroups: [""], resources: [pods], verbs: [create]}\n      - {apiGroups: [batch], resources: ["*"], verbs: [create]}\n',
      ),
      errors: ['access/employees/bob.yaml:8:5'],
      messages: ['employee bob can create or change cronjobs, jobs, pods in payments on prod'],
    },
    {
      name: 'cluster-wide through a ClusterRoleBinding',
      manifests: aBound({ rules: ['{apiGroups: [apps], resources: [daemonsets], verbs: [create]}'] }),
      errors: [at(8)],
      messages: ['Group devs can create or change daemonsets cluster-wide through ClusterRole custom bound by ClusterRoleBinding custom'],
    },
  ],
});

ruleTests('pods-attach', {
  valid: [{ name: "exec is pods-exec's finding", access: inline('{apiGroups: [""], resources: [pods/exec], verbs: [create]}') }],
  invalid: [
    {
      name: 'get pods/attach (websocket attach)',
      access: inline('{apiGroups: [""], resources: [pods/attach], verbs: [get]}'),
      errors: ['access/employees/bob.yaml:8:5'],
      messages: ['employee bob can attach to running containers in payments on prod through inline rules'],
    },
    {
      name: "*/attach matches every resource's attach subresource",
      access: inline('{apiGroups: [""], resources: ["*/attach"], verbs: [create]}'),
      errors: ['access/employees/bob.yaml:8:5'],
    },
  ],
});

ruleTests('pods-portforward', {
  valid: [{ name: 'logs', access: inline('{apiGroups: [""], resources: [pods/log], verbs: [get]}') }],
  invalid: [
    {
      name: 'create pods/portforward',
      access: inline('{apiGroups: [""], resources: [pods/portforward], verbs: [create]}'),
      errors: ['access/employees/bob.yaml:8:5'],
      messages: ['employee bob can port-forward into pods in payments on prod through inline rules'],
    },
    {
      name: 'through a RoleBinding of a custom ClusterRole',
      manifests: aBound({ kind: 'RoleBinding', rules: ['{apiGroups: [""], resources: [pods/portforward], verbs: [create]}'] }),
      errors: [at(8)],
      messages: ['Group devs can port-forward into pods in payments through ClusterRole custom bound by RoleBinding payments/custom'],
    },
  ],
});

ruleTests('ephemeral-containers', {
  valid: [{ name: 'reading ephemeral containers', access: inline('{apiGroups: [""], resources: [pods/ephemeralcontainers], verbs: [get]}') }],
  invalid: [
    {
      name: 'patch pods/ephemeralcontainers (kubectl debug)',
      access: inline('{apiGroups: [""], resources: [pods/ephemeralcontainers], verbs: [patch]}'),
      errors: ['access/employees/bob.yaml:8:5'],
      messages: ['employee bob can add ephemeral containers to running pods (kubectl debug) in payments on prod'],
    },
  ],
});

ruleTests('nodes-proxy', {
  valid: [
    {
      name: 'nodes/proxy in a namespace grants nothing (nodes are cluster-scoped)',
      access: inline('{apiGroups: [""], resources: [nodes/proxy], verbs: [get]}'),
    },
    { name: 'reading nodes', access: aClusterProfile('{apiGroups: [""], resources: [nodes], verbs: [get, list]}') },
  ],
  invalid: [
    {
      name: 'get nodes/proxy cluster-wide',
      access: aClusterProfile('{apiGroups: [""], resources: [nodes/proxy], verbs: [get]}'),
      errors: ['access/employees/bob.yaml:8:5'],
      messages: ['employee bob can reach the kubelet API of every node through nodes/proxy cluster-wide on prod through profile p'],
    },
    {
      name: 'AmazonEKSAdminViewPolicy at cluster scope: "*" resources include nodes/proxy',
      access: aBob('  - cluster: api\n    accessPolicy: AmazonEKSAdminViewPolicy\n'),
      errors: ['access/employees/bob.yaml:8:5'],
      messages: ['through access policy AmazonEKSAdminViewPolicy'],
    },
  ],
});

/** The risk of the one finding of `ruleId` for bob's access. */
async function aRisk(ruleId: string, files: Record<string, string>): Promise<string[]> {
  const s = scratch({ ...BASE_FILES, ...files });
  const previous = process.cwd();
  process.chdir(s.dir);
  try {
    const r = await lintAccess('access', { today: TEST_TODAY });
    return r.findings.filter((f) => f.ruleId === ruleId).map((f) => f.risk);
  } finally {
    process.chdir(previous);
    s.cleanup();
  }
}

test('read-secrets: risk is critical cluster-wide, high in a namespace; with resourceNames medium cluster-wide, low in a namespace', async () => {
  assert.equal(await aRisk('read-secrets', aClusterProfile('{apiGroups: [""], resources: [secrets], verbs: [list]}')), ['critical']);
  assert.equal(await aRisk('read-secrets', inline('{apiGroups: [""], resources: [secrets], verbs: [list]}')), ['high']);
  assert.equal(await aRisk('read-secrets', aClusterProfile('{apiGroups: [""], resources: [secrets], resourceNames: [a], verbs: [get]}')), ['medium']);
  assert.equal(await aRisk('read-secrets', inline('{apiGroups: [""], resources: [secrets], resourceNames: [a], verbs: [get]}')), ['low']);
});

test('wildcard-verbs: critical on sensitive resources; workload-write: high cluster-wide', async () => {
  assert.equal(await aRisk('wildcard-verbs', inline('{apiGroups: [""], resources: [secrets], verbs: ["*"]}')), ['critical']);
  assert.equal(await aRisk('wildcard-verbs', inline('{apiGroups: [""], resources: [configmaps], verbs: ["*"]}')), ['high']);
  assert.equal(await aRisk('workload-write', aClusterProfile('{apiGroups: [apps], resources: [deployments], verbs: [patch]}')), ['high']);
  assert.equal(await aRisk('workload-write', inline('{apiGroups: [apps], resources: [deployments], verbs: [patch]}')), ['medium']);
  assert.equal(await aRisk('full-wildcard', inline('{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}')), ['high']);
});

// ---- end of part A ---------------------------------------------------------------------------

test.run();
