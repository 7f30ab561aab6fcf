import { test } from 'uvu';
import { BASE_FILES, HEADER } from '../../helpers/run.js';
import { ruleTests } from '../../helpers/rule-tester.js';

const employee = (body: string) => `${HEADER}kind: Employee\nname: bob\nemail: bob@example.com\nidentity:\n  iamUser: bob\naccess:\n${body}`;
const bob = (body: string) => ({ 'access/employees/bob.yaml': employee(body) });
/** The base cluster `prod`, with kube-system among its namespaces. */
const PROD_WITH_KUBE_SYSTEM = {
  'access/clusters/prod.yaml': BASE_FILES['access/clusters/prod.yaml']!.replace(
    'namespaces: [payments, my-namespace]',
    'namespaces: [payments, my-namespace, kube-system]',
  ),
};

/** A (Cluster)RoleBinding manifest; the subjects start on line 9 (line 10 for a RoleBinding). */
function binding(o: {
  kind?: 'ClusterRoleBinding' | 'RoleBinding';
  name?: string;
  namespace?: string;
  roleKind?: 'ClusterRole' | 'Role';
  role: string;
  subjects: string[];
}): string {
  const kind = o.kind ?? 'ClusterRoleBinding';
  return [
    'apiVersion: rbac.authorization.k8s.io/v1',
    `kind: ${kind}`,
    'metadata:',
    `  name: ${o.name ?? 'ops'}`,
    ...(kind === 'RoleBinding' ? [`  namespace: ${o.namespace ?? 'payments'}`] : []),
    'roleRef:',
    '  apiGroup: rbac.authorization.k8s.io',
    `  kind: ${o.roleKind ?? 'ClusterRole'}`,
    `  name: ${o.role}`,
    'subjects:',
    ...o.subjects.map((s) => `  - ${s}`),
    '',
  ].join('\n');
}
const group = (name: string) => `{kind: Group, name: "${name}", apiGroup: rbac.authorization.k8s.io}`;
const user = (name: string) => `{kind: User, name: "${name}", apiGroup: rbac.authorization.k8s.io}`;
const sa = (name: string, namespace: string) => `{kind: ServiceAccount, name: ${name}, namespace: ${namespace}}`;

/** A ClusterRole or Role manifest with the given rules (YAML flow sequences). */
function role(o: { kind?: 'ClusterRole' | 'Role'; name: string; namespace?: string; rules: string[] }): string {
  const kind = o.kind ?? 'ClusterRole';
  return [
    'apiVersion: rbac.authorization.k8s.io/v1',
    `kind: ${kind}`,
    'metadata:',
    `  name: ${o.name}`,
    ...(kind === 'Role' ? [`  namespace: ${o.namespace ?? 'payments'}`] : []),
    'rules:',
    ...o.rules.map((r) => `  - ${r}`),
    '',
  ].join('\n');
}
const docs = (...d: string[]) => d.join('---\n');

ruleTests('subject-system-masters', {
  valid: [
    {
      name: 'groups: [system:masters] in the access folder is map-to-system-masters, not a binding',
      access: bob('  - cluster: prod\n    groups: [system:masters]\n'),
    },
    {
      name: 'the default cluster-admin binding of system:masters',
      manifests: { 'manifests/crb.yaml': binding({ name: 'cluster-admin', role: 'cluster-admin', subjects: [group('system:masters')] }) },
    },
    { name: 'a named admin group', manifests: { 'manifests/crb.yaml': binding({ role: 'view', subjects: [group('platform-admins')] }) } },
  ],
  invalid: [
    {
      name: 'a custom binding naming system:masters, reported at the subject',
      manifests: { 'manifests/crb.yaml': binding({ role: 'view', subjects: [user('alice'), group('system:masters')] }) },
      errors: ['manifests/crb.yaml:11:5'],
      messages: ['ClusterRoleBinding ops binds ClusterRole view to system:masters'],
    },
  ],
});

ruleTests('subject-anonymous', {
  valid: [
    {
      name: 'the default system:public-info-viewer binding',
      manifests: {
        'manifests/crb.yaml': binding({
          name: 'system:public-info-viewer',
          role: 'system:public-info-viewer',
          subjects: [group('system:authenticated'), group('system:unauthenticated')],
        }),
      },
    },
    { name: 'a named user', manifests: { 'manifests/crb.yaml': binding({ role: 'view', subjects: [user('anonymous-reporting-bot')] }) } },
  ],
  invalid: [
    {
      name: 'the anonymous user and the unauthenticated group, each at its line',
      manifests: { 'manifests/rb.yaml': binding({ kind: 'RoleBinding', role: 'view', subjects: [user('system:anonymous'), group('system:unauthenticated')] }) },
      errors: ['manifests/rb.yaml:11:5', 'manifests/rb.yaml:12:5'],
      messages: ['RoleBinding payments/ops binds ClusterRole view to User system:anonymous', 'Group system:unauthenticated'],
    },
  ],
});

ruleTests('subject-all-authenticated', {
  valid: [
    {
      name: 'the default system:basic-user binding',
      manifests: { 'manifests/crb.yaml': binding({ name: 'system:basic-user', role: 'system:basic-user', subjects: [group('system:authenticated')] }) },
    },
    { name: 'one service account', manifests: { 'manifests/crb.yaml': binding({ role: 'view', subjects: [sa('monitor', 'ops')] }) } },
  ],
  invalid: [
    {
      name: 'system:authenticated (on any platform, not only GKE)',
      manifests: { 'manifests/crb.yaml': binding({ role: 'view', subjects: [group('system:authenticated')] }) },
      errors: ['manifests/crb.yaml:10:5'],
      messages: ['every identity the cluster authenticates gets it'],
    },
    {
      name: 'every service account, and every service account of one namespace',
      manifests: { 'manifests/crb.yaml': binding({ role: 'view', subjects: [group('system:serviceaccounts'), group('system:serviceaccounts:ci')] }) },
      errors: ['manifests/crb.yaml:10:5', 'manifests/crb.yaml:11:5'],
      messages: ['every pod in every namespace', 'every pod in namespace ci'],
    },
  ],
});

ruleTests('cluster-admin-binding', {
  valid: [
    { name: 'time-boxed admin on another cluster only', access: bob('  - cluster: api\n    profile: admin\n    namespaces: [data]\n') },
    { name: "permanent level: admin is require-expiry-for-admin's finding, not repeated here", access: bob('  - cluster: prod\n    level: admin\n') },
    { name: 'profile admin in namespaces', access: bob('  - cluster: prod\n    profile: admin\n    namespaces: [payments]\n') },
    {
      name: 'the default cluster-admin binding of system:masters',
      manifests: { 'manifests/crb.yaml': binding({ name: 'cluster-admin', role: 'cluster-admin', subjects: [group('system:masters')] }) },
    },
    {
      name: 'a Role that happens to be called cluster-admin is not the ClusterRole',
      manifests: {
        'manifests/rb.yaml': docs(
          role({ kind: 'Role', name: 'cluster-admin', rules: ['{apiGroups: [""], resources: [pods], verbs: [get]}'] }),
          binding({ kind: 'RoleBinding', roleKind: 'Role', role: 'cluster-admin', subjects: [user('alice')] }),
        ),
      },
    },
  ],
  invalid: [
    {
      name: 'time-boxed level: admin stays visible, as info (accepted practice, not an error)',
      access: bob('  - cluster: prod\n    level: admin\n    expires: 2027-01-31\n'),
      errors: ['access/employees/bob.yaml:8:5'],
      messages: ['has cluster-admin cluster-wide on prod until 2027-01-31 (time-boxed)'],
    },
    {
      name: 'a ClusterRoleBinding to cluster-admin, at the binding',
      manifests: { 'manifests/crb.yaml': binding({ role: 'cluster-admin', subjects: [group('contractors')] }) },
      errors: ['manifests/crb.yaml:1:1'],
      messages: ['Group contractors has ClusterRole cluster-admin cluster-wide through ClusterRoleBinding ops'],
    },
    {
      name: 'a RoleBinding to cluster-admin',
      manifests: { 'manifests/rb.yaml': binding({ kind: 'RoleBinding', role: 'cluster-admin', subjects: [user('alice')] }) },
      errors: ['manifests/rb.yaml:1:1'],
      messages: ['User alice has ClusterRole cluster-admin in payments through a RoleBinding'],
    },
    {
      name: 'profile cluster-admin in namespaces, one finding for the grant line',
      access: bob('  - cluster: prod\n    profile: cluster-admin\n    namespaces: [payments, my-namespace]\n    expires: 2027-01-31\n'),
      errors: ['access/employees/bob.yaml:8:5'],
      messages: ['employee bob has ClusterRole cluster-admin in my-namespace, payments on prod through a RoleBinding'],
    },
  ],
});

ruleTests('builtin-admin-edit-binding', {
  valid: [
    { name: 'profile edit in namespaces', access: bob('  - cluster: prod\n    profile: edit\n    namespaces: [payments]\n') },
    { name: 'view cluster-wide', access: bob('  - cluster: prod\n    level: read-only\n') },
    { name: 'a RoleBinding to edit', manifests: { 'manifests/rb.yaml': binding({ kind: 'RoleBinding', role: 'edit', subjects: [group('devs')] }) } },
  ],
  invalid: [
    {
      name: 'profile admin with scope: cluster',
      access: bob('  - cluster: prod\n    profile: admin\n    scope: cluster\n'),
      errors: ['access/employees/bob.yaml:8:5'],
      messages: ['employee bob has ClusterRole admin cluster-wide on prod through ClusterRoleBinding eks-access:bob'],
    },
    {
      name: 'a ClusterRoleBinding to edit',
      manifests: { 'manifests/crb.yaml': binding({ role: 'edit', subjects: [group('devs')] }) },
      errors: ['manifests/crb.yaml:1:1'],
      messages: ['Group devs has ClusterRole edit cluster-wide'],
    },
  ],
});

const podReader = `${HEADER}kind: Profile\nname: pod-reader\ndescription: read pods\nrules:\n  - apiGroups: [""]\n    resources: [pods, pods/log]\n    verbs: [get, list, watch]\n  - apiGroups: [apps]\n    resources: [deployments]\n    verbs: [get, list]\n`;
const health = `${HEADER}kind: Profile\nname: health\ndescription: health endpoints\nrules:\n  - nonResourceURLs: [/healthz, /readyz]\n    verbs: [get]\n`;
const nodeReader = `${HEADER}kind: Profile\nname: node-reader\ndescription: pods and the nodes they run on\nrules:\n  - apiGroups: [""]\n    resources: [pods, nodes]\n    verbs: [get, list]\n`;

ruleTests('cluster-scope-when-namespace-suffices', {
  valid: [
    {
      name: 'the profile in namespaces',
      access: { 'access/profiles/pod-reader.yaml': podReader, ...bob('  - cluster: prod\n    profile: pod-reader\n    namespaces: [payments]\n') },
    },
    {
      name: 'non-resource URLs need a cluster binding',
      access: { 'access/profiles/health.yaml': health, ...bob('  - cluster: prod\n    profile: health\n    scope: cluster\n') },
    },
    {
      name: 'nodes are cluster-scoped',
      access: { 'access/profiles/node-reader.yaml': nodeReader, ...bob('  - cluster: prod\n    profile: node-reader\n    scope: cluster\n') },
    },
    { name: 'view lists namespaces (cluster-scoped)', access: bob('  - cluster: prod\n    level: read-only\n') },
    { name: "edit cluster-wide is builtin-admin-edit-binding's finding", access: bob('  - cluster: prod\n    profile: edit\n    scope: cluster\n') },
    {
      name: 'a service account is not a person',
      manifests: {
        'manifests/all.yaml': docs(
          role({ name: 'deployments', rules: ['{apiGroups: [apps], resources: [deployments], verbs: [get, update]}'] }),
          binding({ role: 'deployments', subjects: [sa('argo', 'argocd')] }),
        ),
      },
    },
    {
      name: 'apiGroups "*" could name a cluster-scoped custom resource',
      manifests: {
        'manifests/all.yaml': docs(
          role({ name: 'widgets', rules: ['{apiGroups: ["*"], resources: [deployments], verbs: [get]}'] }),
          binding({ role: 'widgets', subjects: [group('devs')] }),
        ),
      },
    },
  ],
  invalid: [
    {
      name: 'a profile of namespaced resources with scope: cluster',
      access: { 'access/profiles/pod-reader.yaml': podReader, ...bob('  - cluster: prod\n    profile: pod-reader\n    scope: cluster\n') },
      errors: ['access/employees/bob.yaml:8:5'],
      messages: [
        'employee bob is bound cluster-wide on prod through profile pod-reader, whose rules only name namespaced resources (deployments, pods, pods/log)',
      ],
    },
    {
      name: 'a ClusterRoleBinding of a group to a role of namespaced resources',
      manifests: {
        'manifests/all.yaml': docs(
          role({
            name: 'deployer',
            rules: [
              '{apiGroups: [apps], resources: [deployments, deployments/scale], verbs: [get, update]}',
              '{apiGroups: [""], resources: [services], verbs: [get]}',
            ],
          }),
          binding({ role: 'deployer', subjects: [group('devs')] }),
        ),
      },
      errors: ['manifests/all.yaml:9:1'],
      messages: ['Group devs is bound cluster-wide through ClusterRole deployer bound by ClusterRoleBinding ops'],
    },
  ],
});

ruleTests('dangling-roleref', {
  valid: [
    { name: 'a Kubernetes default ClusterRole', manifests: { 'manifests/rb.yaml': binding({ kind: 'RoleBinding', role: 'view', subjects: [group('devs')] }) } },
    {
      name: 'a Role in the input',
      manifests: {
        'manifests/rb.yaml': docs(
          role({ kind: 'Role', name: 'reader', rules: ['{apiGroups: [""], resources: [pods], verbs: [get]}'] }),
          binding({ kind: 'RoleBinding', roleKind: 'Role', role: 'reader', subjects: [group('devs')] }),
        ),
      },
    },
    { name: 'the access folder generates every role it binds', access: bob('  - cluster: prod\n    profile: developer\n    namespaces: [payments]\n') },
  ],
  invalid: [
    {
      name: 'a RoleBinding to a Role that is not there',
      manifests: { 'manifests/rb.yaml': binding({ kind: 'RoleBinding', roleKind: 'Role', role: 'reader', subjects: [group('devs')] }) },
      errors: ['manifests/rb.yaml:1:1'],
      messages: ['RoleBinding payments/ops binds Role payments/reader to Group devs, but no such role is in the input'],
    },
    {
      name: 'a Role of the same name in another namespace does not count',
      manifests: {
        'manifests/rb.yaml': docs(
          role({ kind: 'Role', name: 'reader', namespace: 'web', rules: ['{apiGroups: [""], resources: [pods], verbs: [get]}'] }),
          binding({ kind: 'RoleBinding', roleKind: 'Role', role: 'reader', subjects: [group('devs')] }),
        ),
      },
      errors: ['manifests/rb.yaml:9:1'],
    },
  ],
});

ruleTests('unknown-platform-role', {
  valid: [
    {
      name: 'a Kubernetes default ClusterRole under system:',
      manifests: { 'manifests/rb.yaml': binding({ role: 'system:monitoring', subjects: [group('devs')] }) },
    },
    {
      name: 'a controller role, which Kubernetes ships: judged by its content instead',
      manifests: { 'manifests/rb.yaml': binding({ role: 'system:controller:pod-garbage-collector', subjects: [group('devs')] }) },
    },
    {
      name: 'a bootstrap Role of kube-system',
      manifests: {
        'manifests/rb.yaml': binding({
          kind: 'RoleBinding',
          namespace: 'kube-system',
          roleKind: 'Role',
          role: 'extension-apiserver-authentication-reader',
          subjects: [group('devs')],
        }),
      },
    },
    {
      name: 'an eks: ClusterRole defined in the input',
      manifests: {
        'manifests/rb.yaml': docs(
          role({ name: 'eks:reader', rules: ['{apiGroups: [""], resources: [pods], verbs: [get]}'] }),
          binding({ role: 'eks:reader', subjects: [group('devs')] }),
        ),
      },
    },
  ],
  invalid: [
    {
      name: 'an eks: ClusterRole eks-access does not know',
      manifests: { 'manifests/rb.yaml': binding({ role: 'eks:node-manager', subjects: [group('ops')] }) },
      errors: ['manifests/rb.yaml:1:1'],
      messages: [
        'ClusterRoleBinding ops binds ClusterRole eks:node-manager to Group ops: a name Kubernetes and EKS keep for their own roles, but not one of the Kubernetes defaults',
      ],
    },
    {
      name: 'a made-up system:controller: role, and a bootstrap Role bound outside its namespace',
      manifests: {
        'manifests/rb.yaml': docs(
          binding({ role: 'system:controller:everything', subjects: [group('ops')] }),
          binding({ kind: 'RoleBinding', namespace: 'payments', roleKind: 'Role', role: 'system:controller:token-cleaner', subjects: [group('ops')] }),
        ),
      },
      errors: ['manifests/rb.yaml:1:1', 'manifests/rb.yaml:12:1'],
    },
  ],
});

ruleTests('default-serviceaccount-binding', {
  valid: [
    {
      name: 'a dedicated service account',
      manifests: { 'manifests/rb.yaml': binding({ kind: 'RoleBinding', role: 'view', subjects: [sa('reporter', 'payments')] }) },
    },
    {
      name: 'a user called default is not the service account',
      manifests: { 'manifests/rb.yaml': binding({ kind: 'RoleBinding', role: 'view', subjects: [user('default')] }) },
    },
  ],
  invalid: [
    {
      name: 'the default service account, at the subject',
      manifests: { 'manifests/rb.yaml': binding({ kind: 'RoleBinding', role: 'view', subjects: [sa('reporter', 'payments'), sa('default', 'payments')] }) },
      errors: ['manifests/rb.yaml:12:5'],
      messages: ['binds ClusterRole view to ServiceAccount payments/default, which every pod in payments runs as'],
    },
  ],
});

const kubeSystemRules = (rules: string) => ({ ...PROD_WITH_KUBE_SYSTEM, ...bob(`  - cluster: prod\n    namespaces: [kube-system]\n    rules:\n${rules}`) });

ruleTests('grant-in-kube-system', {
  valid: [
    {
      name: 'read-only in kube-system',
      access: kubeSystemRules('      - apiGroups: [""]\n        resources: [pods, pods/log]\n        verbs: [get, list, watch]\n'),
    },
    { name: 'writes in other namespaces', access: { ...PROD_WITH_KUBE_SYSTEM, ...bob('  - cluster: prod\n    profile: edit\n    namespaces: [payments]\n') } },
  ],
  invalid: [
    {
      name: 'updating ConfigMaps in kube-system',
      access: kubeSystemRules('      - apiGroups: [""]\n        resources: [configmaps]\n        verbs: [get, update]\n'),
      errors: ['access/employees/bob.yaml:8:5'],
      messages: ['employee bob can update configmaps in kube-system on prod through inline rules'],
    },
    {
      name: 'profile edit in kube-system and payments: one finding, about kube-system',
      access: { ...PROD_WITH_KUBE_SYSTEM, ...bob('  - cluster: prod\n    profile: edit\n    namespaces: [payments, kube-system]\n') },
      errors: ['access/employees/bob.yaml:8:5'],
      messages: ['in kube-system on prod through ClusterRole edit'],
    },
    {
      name: 'a Role in kube-system bound to a group',
      manifests: {
        'manifests/rb.yaml': docs(
          role({ kind: 'Role', name: 'restarter', namespace: 'kube-system', rules: ['{apiGroups: [apps], resources: [deployments], verbs: [patch]}'] }),
          binding({ kind: 'RoleBinding', namespace: 'kube-system', roleKind: 'Role', role: 'restarter', subjects: [group('devs')] }),
        ),
      },
      errors: ['manifests/rb.yaml:9:1'],
      messages: ['Group devs can patch deployments in kube-system through Role restarter bound by RoleBinding kube-system/ops'],
    },
  ],
});

test.run();
