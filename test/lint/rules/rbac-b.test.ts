import { test } from 'uvu';
import { BASE_FILES, HEADER } from '../../helpers/run.js';
import { ruleTests } from '../../helpers/rule-tester.js';

const BOB = 'access/employees/bob.yaml';
const employee = (body: string) => `${HEADER}kind: Employee\nname: bob\nemail: bob@example.com\nidentity:\n  iamUser: bob\naccess:\n${body}`;
/** One PolicyRule as YAML list item, indented for an employee's inline `rules:` (6) or a profile's (2). */
const rule = (apiGroups: string, resources: string, verbs: string, more = '', indent = 6) => {
  const pad = ' '.repeat(indent);
  return `${pad}- apiGroups: [${apiGroups}]\n${pad}  resources: [${resources}]\n${pad}  verbs: [${verbs}]\n${more ? `${pad}  ${more}\n` : ''}`;
};
/** An inline-rules grant on prod (4 + rule lines). */
const rulesGrant = (rules: string, ns = 'payments') => `  - cluster: prod\n    namespaces: [${ns}]\n    rules:\n${rules}`;
const rules = (rules: string, ns = 'payments') => employee(rulesGrant(rules, ns));
/** A profile grant, cluster-wide (3 lines) or in namespaces (3 lines). */
const profileGrant = (name: string, ns?: string, cluster = 'prod') =>
  `  - cluster: ${cluster}\n    profile: ${name}\n${ns ? `    namespaces: [${ns}]` : '    scope: cluster'}\n`;
const profile = (name: string, rules: string) => ({
  [`access/profiles/${name}.yaml`]: `${HEADER}kind: Profile\nname: ${name}\ndescription: test profile\nrules:\n${rules}`,
});
const pr = (apiGroups: string, resources: string, verbs: string, more = '') => rule(apiGroups, resources, verbs, more, 2);
/** prod with kube-system among its namespaces. */
const KUBE_SYSTEM = {
  'access/clusters/prod.yaml': BASE_FILES['access/clusters/prod.yaml']!.replace(
    'namespaces: [payments, my-namespace]',
    'namespaces: [payments, my-namespace, kube-system]',
  ),
};
const RBAC = 'rbac.authorization.k8s.io';
const ADMIN = { [BOB]: employee('  - cluster: prod\n    level: admin\n    expires: 2027-01-31\n') };

/** Manifests: Kubernetes objects in one multi-document file; `docLine(i)` is where document i starts. */
const M = 'manifests/rbac.yaml';
const bundle = (...docs: string[]) => {
  const starts: number[] = [];
  let line = 1;
  for (const d of docs) {
    starts.push(line);
    line += d.split('\n').length - 1 + 1;
  }
  return { files: { [M]: docs.join('---\n') }, at: (i: number, offset = 0) => `${M}:${starts[i]! + offset}` };
};
const mrule = (apiGroups: string, resources: string, verbs: string, more = '') => rule(apiGroups, resources, verbs, more, 2);
const labelsYaml = (labels: Record<string, string>) =>
  Object.keys(labels).length
    ? `  labels:\n${Object.entries(labels)
        .map(([k, v]) => `    ${k}: "${v}"\n`)
        .join('')}`
    : '';
const clusterRole = (name: string, rules: string, labels: Record<string, string> = {}) =>
  `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: ${name}\n${labelsYaml(labels)}rules:\n${rules}`;
const nsRole = (name: string, ns: string, rules: string) =>
  `apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nrules:\n${rules}`;
const subject = (who: string) => {
  const [kind, name] = who.split(' ');
  return kind === 'ServiceAccount'
    ? `  - kind: ServiceAccount\n    name: ${name!.split('/')[1]}\n    namespace: ${name!.split('/')[0]}\n`
    : `  - kind: ${kind}\n    name: ${name}\n    apiGroup: rbac.authorization.k8s.io\n`;
};
const crb = (name: string, roleName: string, who = 'User jane') =>
  `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: ${name}\nsubjects:\n${subject(who)}roleRef:\n  kind: ClusterRole\n  name: ${roleName}\n  apiGroup: rbac.authorization.k8s.io\n`;
const rb = (name: string, ns: string, roleKind: 'Role' | 'ClusterRole', roleName: string, who = 'User jane') =>
  `apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nsubjects:\n${subject(who)}roleRef:\n  kind: ${roleKind}\n  name: ${roleName}\n  apiGroup: rbac.authorization.k8s.io\n`;

ruleTests('escalate-verb', {
  valid: [
    {
      name: 'manifests: escalate on clusterroles through a RoleBinding authorizes nothing',
      manifests: bundle(clusterRole('esc', mrule(RBAC, 'clusterroles', 'escalate, update')), rb('jane-esc', 'payments', 'ClusterRole', 'esc')).files,
    },
    { name: 'update roles without escalate is rbac-write', access: { [BOB]: rules(rule(RBAC, 'roles', 'create, update')) } },
    { name: 'escalate on roles of another API group', access: { [BOB]: rules(rule('""', 'roles', 'escalate, update')) } },
    {
      name: 'escalate on clusterroles is checked cluster-wide: a namespaced grant of it authorizes nothing',
      access: { [BOB]: rules(rule(RBAC, 'clusterroles', 'escalate, update')) },
    },
    { name: 'cluster-admin is reported by the admin rules', access: ADMIN },
  ],
  invalid: [
    (() => {
      const b = bundle(
        clusterRole('extra-admin', mrule(RBAC, 'roles', 'escalate, update'), { 'rbac.authorization.k8s.io/aggregate-to-admin': 'true' }),
        rb('jane-admin', 'payments', 'ClusterRole', 'admin'),
      );
      return {
        name: 'manifests: a custom role aggregated into the built-in admin role reaches everyone bound to admin',
        manifests: b.files,
        errors: [b.at(0, 7), b.at(1)],
        messages: [
          'anyone bound to ClusterRole extra-admin can escalate any role cluster-wide',
          'User jane can escalate any role in payments through ClusterRole admin bound by RoleBinding payments/jane-admin',
        ],
      };
    })(),
    {
      name: 'escalate and update roles in one rule',
      access: { [BOB]: rules(rule(RBAC, 'roles', 'escalate, update')) },
      errors: [`${BOB}:8:5`],
      messages: ['employee bob can escalate any role in payments on prod through inline rules: with escalate'],
    },
    {
      name: 'verbs * with a literal "*" apiGroup',
      access: { [BOB]: rules(rule('"*"', 'roles', '"*"')) },
      errors: [`${BOB}:8:5`],
      messages: ['can escalate any role in payments'],
    },
    {
      name: 'escalate and update clusterroles split across two profiles',
      access: {
        ...profile('escalator', pr(RBAC, 'clusterroles', 'escalate')),
        ...profile('role-editor', pr(RBAC, 'clusterroles', 'get, update')),
        [BOB]: employee(profileGrant('escalator') + profileGrant('role-editor')),
      },
      errors: [`${BOB}:8:5`],
      messages: ['can escalate any role cluster-wide on prod through profile escalator, together with profile role-editor (access/employees/bob.yaml:11)'],
    },
    {
      name: 'escalate alone still waits for one role-write grant',
      access: { [BOB]: rules(rule(RBAC, 'roles', 'escalate')) },
      errors: [`${BOB}:8:5`],
      messages: ['holds escalate on any role in payments on prod'],
    },
  ],
});

ruleTests('bind-verb', {
  valid: [
    {
      name: 'manifests: bind on rolebindings (Checkov CKV_K8S_157) authorizes nothing',
      manifests: bundle(clusterRole('binder', mrule(RBAC, 'rolebindings, clusterrolebindings', 'bind, create')), crb('jane-binder', 'binder')).files,
    },
    { name: 'bind on rolebindings authorizes nothing (the check is on roles)', access: { [BOB]: rules(rule(RBAC, 'rolebindings', 'bind, create')) } },
    { name: 'create rolebindings without bind', access: { [BOB]: rules(rule(RBAC, 'rolebindings', 'create')) } },
    { name: 'cluster-admin is reported by the admin rules', access: ADMIN },
  ],
  invalid: [
    (() => {
      const b = bundle(
        clusterRole('binder', mrule(RBAC, 'clusterroles', 'bind')),
        nsRole('rb-writer', 'payments', mrule(RBAC, 'rolebindings', 'create')),
        crb('jane-binder', 'binder'),
        rb('jane-rb', 'payments', 'Role', 'rb-writer'),
      );
      return {
        name: 'manifests: bind from a ClusterRole and create rolebindings from a Role of the same user',
        manifests: b.files,
        errors: [b.at(2)],
        messages: [
          'User jane can bind any role (cluster-admin included) and create or update the bindings in payments through ClusterRole binder bound by ClusterRoleBinding jane-binder, together with Role rb-writer bound by RoleBinding payments/jane-rb',
        ],
      };
    })(),
    (() => {
      const b = bundle(clusterRole('binder', mrule(RBAC, 'clusterrolebindings', 'create') + mrule(RBAC, 'clusterroles', 'bind')));
      return {
        name: 'manifests: an unbound ClusterRole with both halves, bind in the later rule',
        manifests: b.files,
        errors: [b.at(0, 8)],
        messages: ['anyone bound to ClusterRole binder can bind any role (cluster-admin included) and create or update the bindings cluster-wide'],
      };
    })(),
    {
      name: 'bind on clusterroles without resourceNames and create rolebindings from another grant',
      access: { [BOB]: employee(rulesGrant(rule(RBAC, 'clusterroles', 'bind')) + rulesGrant(rule(RBAC, 'rolebindings', 'create'))) },
      errors: [`${BOB}:8:5`],
      messages: [
        'employee bob can bind any role (cluster-admin included) and create or update the bindings in payments on prod through inline rules, together with inline rules (access/employees/bob.yaml:14)',
      ],
    },
    {
      name: 'cluster-wide bind with create on clusterrolebindings: bind cluster-admin',
      access: { ...profile('binder', pr(RBAC, 'clusterroles', 'bind') + pr(RBAC, 'clusterrolebindings', 'create')), [BOB]: employee(profileGrant('binder')) },
      errors: [`${BOB}:8:5`],
      messages: ['can bind any role (cluster-admin included) and create or update the bindings cluster-wide on prod through profile binder:'],
    },
    {
      name: 'resourceNames limit which roles, and ["*"] is not a wildcard',
      access: { [BOB]: rules(rule(RBAC, 'clusterroles', 'bind', 'resourceNames: ["*"]') + rule(RBAC, 'rolebindings', 'create')) },
      errors: [`${BOB}:8:5`],
      messages: ['can bind the roles named in resourceNames'],
    },
    {
      name: 'bind alone (rules in reverse order do not matter either)',
      access: { [BOB]: rules(rule(RBAC, 'roles, clusterroles', 'bind')) },
      errors: [`${BOB}:8:5`],
      messages: ['holds bind on any role'],
    },
  ],
});

ruleTests('rbac-write', {
  valid: [
    {
      name: "manifests: the create half of a bind path is bind-verb's finding",
      manifests: bundle(clusterRole('binder', mrule(RBAC, 'clusterroles', 'bind') + mrule(RBAC, 'clusterrolebindings', 'create')), crb('jane-binder', 'binder'))
        .files,
    },
    { name: 'reading roles', access: { [BOB]: rules(rule(RBAC, 'roles, rolebindings', 'get, list, watch')) } },
    { name: 'clusterroles in a namespace authorize nothing', access: { [BOB]: rules(rule(RBAC, 'clusterroles, clusterrolebindings', 'create, update')) } },
    { name: 'rules with bind are bind-verb findings', access: { [BOB]: rules(rule(RBAC, 'clusterroles, rolebindings', 'bind, create')) } },
  ],
  invalid: [
    (() => {
      const b = bundle(crb('jane-admin', 'admin'));
      return {
        name: 'manifests: the built-in admin role cluster-wide',
        manifests: b.files,
        errors: [b.at(0)],
        messages: ['User jane can create or change roles and rolebindings cluster-wide through ClusterRole admin bound by ClusterRoleBinding jane-admin'],
      };
    })(),
    {
      name: 'create rolebindings',
      access: { [BOB]: rules(rule(RBAC, 'rolebindings', 'create')) },
      errors: [`${BOB}:8:5`],
      messages: ['employee bob can create or change rolebindings in payments on prod through inline rules'],
    },
    {
      name: 'the built-in admin role in a namespace',
      access: { [BOB]: employee(profileGrant('admin', 'payments')) },
      errors: [`${BOB}:8:5`],
      messages: ['can create or change roles and rolebindings in payments on prod through ClusterRole admin'],
    },
    {
      name: 'cluster-wide clusterrolebindings with apiGroups "*"',
      access: { ...profile('rbac-admin', pr('"*"', 'clusterrolebindings', 'patch')), [BOB]: employee(profileGrant('rbac-admin')) },
      errors: [`${BOB}:8:5`],
      messages: ['clusterrolebindings cluster-wide on prod'],
    },
  ],
});

ruleTests('impersonate', {
  valid: [
    { name: 'impersonating users through a namespaced grant authorizes nothing', access: { [BOB]: rules(rule('""', 'users, groups', 'impersonate')) } },
    {
      name: 'a bare userextras matches no extra field',
      access: { ...profile('extras', pr('authentication.k8s.io', 'userextras', 'impersonate')), [BOB]: employee(profileGrant('extras')) },
    },
    { name: 'cluster-admin is reported by the admin rules', access: ADMIN },
  ],
  invalid: [
    (() => {
      const b = bundle(clusterRole('impersonator', mrule('""', 'groups', 'impersonate')), crb('ci-impersonator', 'impersonator', 'ServiceAccount ci/deployer'));
      return {
        name: 'manifests: a ServiceAccount impersonating groups',
        manifests: b.files,
        errors: [b.at(1)],
        messages: [
          'ServiceAccount ci/deployer can impersonate groups cluster-wide through ClusterRole impersonator bound by ClusterRoleBinding ci-impersonator',
        ],
      };
    })(),
    (() => {
      const b = bundle(rb('jane-edit', 'kube-system', 'ClusterRole', 'edit'));
      return {
        name: 'manifests: edit bound in kube-system',
        manifests: b.files,
        errors: [b.at(0)],
        messages: ['User jane can impersonate service accounts of kube-system in kube-system'],
      };
    })(),
    (() => {
      // The impersonation filter asks for impersonate on serviceaccounts in the account's namespace.
      const b = bundle(rb('jane-edit', 'payments', 'ClusterRole', 'edit'));
      return {
        name: 'manifests: edit bound in a namespace impersonates its service accounts',
        manifests: b.files,
        errors: [b.at(0)],
        messages: [
          "User jane can impersonate service accounts of payments in payments through ClusterRole edit bound by RoleBinding payments/jane-edit: they can send requests as that namespace's workloads",
        ],
      };
    })(),
    {
      name: 'edit in a namespace: its service accounts',
      access: { [BOB]: employee(profileGrant('edit', 'payments')) },
      errors: [`${BOB}:8:5`],
      messages: ['employee bob can impersonate service accounts of payments in payments on prod through ClusterRole edit'],
    },
    {
      name: 'groups with apiGroups [""] (not only "*")',
      access: { ...profile('impersonator', pr('""', 'groups', 'impersonate')), [BOB]: employee(profileGrant('impersonator')) },
      errors: [`${BOB}:8:5`],
      messages: [
        'employee bob can impersonate groups cluster-wide on prod through profile impersonator: they can send any request as another user or group, system:masters included',
      ],
    },
    {
      name: 'users, uids and user extras',
      access: {
        ...profile('impersonator', pr('""', 'users', 'impersonate') + pr('authentication.k8s.io', 'uids, userextras/scopes', 'impersonate')),
        [BOB]: employee(profileGrant('impersonator')),
      },
      errors: [`${BOB}:8:5`],
      messages: ['can impersonate users, uids and user extra fields cluster-wide'],
    },
    {
      name: 'service accounts of kube-system',
      access: { ...KUBE_SYSTEM, [BOB]: rules(rule('""', 'serviceaccounts', 'impersonate'), 'kube-system') },
      errors: [`${BOB}:8:5`],
      messages: [
        "can impersonate service accounts of kube-system in kube-system on prod through inline rules: they can send requests as the cluster's own controllers",
      ],
    },
    {
      name: 'named users are still someone else',
      access: {
        ...profile('impersonator', pr('""', 'users', 'impersonate', 'resourceNames: [jane@example.com]')),
        [BOB]: employee(profileGrant('impersonator')),
      },
      errors: [`${BOB}:8:5`],
      messages: ['can impersonate users (jane@example.com)'],
    },
  ],
});

ruleTests('admission-control-write', {
  valid: [
    {
      name: 'reading webhook configurations',
      access: { ...profile('hooks', pr('admissionregistration.k8s.io', 'mutatingwebhookconfigurations', 'get, list')), [BOB]: employee(profileGrant('hooks')) },
    },
    {
      name: 'cluster-scoped objects through a namespaced grant authorize nothing',
      access: { [BOB]: rules(rule('admissionregistration.k8s.io', 'mutatingwebhookconfigurations', 'patch')) },
    },
  ],
  invalid: [
    {
      name: 'patch mutating webhooks cluster-wide',
      access: { ...profile('hooks', pr('admissionregistration.k8s.io', 'mutatingwebhookconfigurations', 'patch')), [BOB]: employee(profileGrant('hooks')) },
      errors: [`${BOB}:8:5`],
      messages: ['employee bob can change mutatingwebhookconfigurations cluster-wide on prod through profile hooks'],
    },
    {
      name: 'delete admission policies through apiGroups "*"',
      access: {
        ...profile('hooks', pr('"*"', 'validatingadmissionpolicies, validatingadmissionpolicybindings', 'delete')),
        [BOB]: employee(profileGrant('hooks')),
      },
      errors: [`${BOB}:8:5`],
      messages: ['can change validatingadmissionpolicies and validatingadmissionpolicybindings'],
    },
  ],
});

ruleTests('csr-approve', {
  valid: [
    {
      name: 'manifests: both halves bound in a namespace authorize nothing',
      manifests: bundle(
        clusterRole('csr', mrule('certificates.k8s.io', 'certificatesigningrequests/approval', 'update') + mrule('certificates.k8s.io', 'signers', 'approve')),
        rb('jane-csr', 'payments', 'ClusterRole', 'csr'),
      ).files,
    },
    {
      name: 'approval without approve on a signer',
      access: { ...profile('csr', pr('certificates.k8s.io', 'certificatesigningrequests/approval', 'update')), [BOB]: employee(profileGrant('csr')) },
    },
    {
      name: 'both halves through a namespaced grant authorize nothing',
      access: {
        [BOB]: rules(rule('certificates.k8s.io', 'certificatesigningrequests/approval', 'update') + rule('certificates.k8s.io', 'signers', 'approve')),
      },
    },
  ],
  invalid: [
    (() => {
      const b = bundle(
        clusterRole('approver', mrule('certificates.k8s.io', 'certificatesigningrequests/approval', 'update')),
        clusterRole('signer', mrule('certificates.k8s.io', 'signers', 'approve', 'resourceNames: ["kubernetes.io/*"]')),
        crb('ops-approver', 'approver', 'Group ops'),
        crb('ops-signer', 'signer', 'Group ops'),
      );
      return {
        name: 'manifests: the two halves from two ClusterRoles bound to one group; kubernetes.io/* is every built-in signer',
        manifests: b.files,
        errors: [b.at(3)],
        messages: [
          'Group ops can approve certificate signing requests for any signer (kubernetes.io/kube-apiserver-client included) cluster-wide through ClusterRole signer bound by ClusterRoleBinding ops-signer, together with ClusterRole approver bound by ClusterRoleBinding ops-approver',
        ],
      };
    })(),
    {
      name: 'both halves in one profile',
      access: {
        ...profile('csr', pr('certificates.k8s.io', 'certificatesigningrequests/approval', 'update') + pr('certificates.k8s.io', 'signers', 'approve')),
        [BOB]: employee(profileGrant('csr')),
      },
      errors: [`${BOB}:8:5`],
      messages: [
        'employee bob can approve certificate signing requests for any signer (kubernetes.io/kube-apiserver-client included) cluster-wide on prod through profile csr',
      ],
    },
    {
      name: 'split across profiles, limited to a private signer',
      access: {
        ...profile('signer', pr('certificates.k8s.io', 'signers', 'approve', 'resourceNames: [example.com/my-signer]')),
        ...profile('approver', pr('certificates.k8s.io', '"*/approval"', 'patch')),
        [BOB]: employee(profileGrant('signer') + profileGrant('approver')),
      },
      errors: [`${BOB}:8:5`],
      messages: ['for the signers example.com/my-signer cluster-wide on prod through profile signer, together with profile approver'],
    },
  ],
});

ruleTests('token-request', {
  valid: [
    { name: 'manifests: view bound in a namespace', manifests: bundle(rb('jane-view', 'payments', 'ClusterRole', 'view')).files },
    { name: 'reading service accounts', access: { [BOB]: rules(rule('""', 'serviceaccounts', 'get, list')) } },
    { name: 'creating service accounts is not creating tokens', access: { [BOB]: rules(rule('""', 'serviceaccounts', 'create')) } },
  ],
  invalid: [
    (() => {
      const b = bundle(rb('jane-edit', 'kube-system', 'ClusterRole', 'edit'));
      return {
        name: "manifests: edit bound in kube-system (its impersonation is impersonate's)",
        manifests: b.files,
        errors: [b.at(0)],
        messages: ['User jane can create tokens for any service accounts in kube-system'],
      };
    })(),
    {
      name: 'the built-in edit role',
      access: { [BOB]: employee(profileGrant('edit', 'payments')) },
      errors: [`${BOB}:8:5`],
      messages: ['employee bob can create tokens for any service accounts in payments on prod through ClusterRole edit'],
    },
    {
      name: 'serviceaccounts/token in kube-system',
      access: { ...KUBE_SYSTEM, [BOB]: rules(rule('""', 'serviceaccounts/token', 'create'), 'kube-system') },
      errors: [`${BOB}:8:5`],
      messages: [
        "can create tokens for any service accounts in kube-system on prod through inline rules: they act with those accounts' permissions, from anywhere, including the accounts that run the cluster's controllers",
      ],
    },
    {
      name: 'resourceNames do restrict the token subresource',
      access: { [BOB]: rules(rule('""', 'serviceaccounts/token', 'create', 'resourceNames: [ci]')) },
      errors: [`${BOB}:8:5`],
      messages: ['can create tokens for the named service accounts'],
    },
  ],
});

ruleTests('create-persistentvolumes', {
  valid: [
    { name: 'claims in a namespace', access: { [BOB]: rules(rule('""', 'persistentvolumeclaims', 'create')) } },
    { name: 'PersistentVolumes through a namespaced grant authorize nothing', access: { [BOB]: rules(rule('""', 'persistentvolumes', 'create')) } },
    {
      name: 'resourceNames cannot allow create',
      access: { ...profile('pv', pr('""', 'persistentvolumes', 'create', 'resourceNames: [data]')), [BOB]: employee(profileGrant('pv')) },
    },
  ],
  invalid: [
    {
      name: 'create PersistentVolumes cluster-wide',
      access: { ...profile('pv', pr('""', 'persistentvolumes', 'create')), [BOB]: employee(profileGrant('pv')) },
      errors: [`${BOB}:8:5`],
      messages: ['employee bob can create PersistentVolumes cluster-wide on prod through profile pv'],
    },
  ],
});

ruleTests('aws-auth-write', {
  valid: [
    {
      name: 'manifests: ConfigMaps of an application namespace',
      manifests: bundle(nsRole('cm', 'payments', mrule('""', 'configmaps', 'update')), rb('jane-cm', 'payments', 'Role', 'cm')).files,
    },
    { name: 'ConfigMaps of an application namespace', access: { [BOB]: rules(rule('""', 'configmaps', 'update')) } },
    {
      name: 'another named ConfigMap in kube-system',
      access: { ...KUBE_SYSTEM, [BOB]: rules(rule('""', 'configmaps', 'update', 'resourceNames: [coredns]'), 'kube-system') },
    },
    {
      name: 'a cluster that authenticates with access entries only',
      access: { ...profile('cm', pr('""', 'configmaps', 'update')), [BOB]: employee(profileGrant('cm', undefined, 'api')) },
    },
    { name: 'cluster-admin is reported by the admin rules', access: ADMIN },
  ],
  invalid: [
    (() => {
      const b = bundle(nsRole('cm', 'kube-system', mrule('""', 'configmaps', 'update, patch')), rb('jane-cm', 'kube-system', 'Role', 'cm'));
      return {
        name: 'manifests: a Role of kube-system without resourceNames (Trivy KSV-0115 needs aws-auth named)',
        manifests: b.files,
        errors: [b.at(1)],
        messages: ['User jane can change every ConfigMap, aws-auth included, in kube-system through Role cm bound by RoleBinding kube-system/jane-cm'],
      };
    })(),
    {
      name: 'every ConfigMap of kube-system (no resourceNames)',
      access: { ...KUBE_SYSTEM, [BOB]: rules(rule('""', 'configmaps', 'patch'), 'kube-system') },
      errors: [`${BOB}:8:5`],
      messages: ['employee bob can change every ConfigMap, aws-auth included, in kube-system on prod through inline rules'],
    },
    {
      name: 'aws-auth by name',
      access: { ...KUBE_SYSTEM, [BOB]: rules(rule('""', 'configmaps', 'update', 'resourceNames: [aws-auth]'), 'kube-system') },
      errors: [`${BOB}:8:5`],
      messages: ['can change the aws-auth ConfigMap in kube-system'],
    },
    {
      name: 'cluster-wide with apiGroups "*"',
      access: { ...profile('cm', pr('"*"', 'configmaps', 'delete')), [BOB]: employee(profileGrant('cm')) },
      errors: [`${BOB}:8:5`],
      messages: ['cluster-wide on prod through profile cm'],
    },
  ],
});

ruleTests('configmaps-write', {
  valid: [
    { name: 'reading ConfigMaps', access: { [BOB]: rules(rule('""', 'configmaps', 'get, list')) } },
    { name: 'kube-system is aws-auth-write', access: { ...KUBE_SYSTEM, [BOB]: rules(rule('""', 'configmaps', 'patch'), 'kube-system') } },
    { name: 'resourceNames cannot allow create', access: { [BOB]: rules(rule('""', 'configmaps', 'create', 'resourceNames: [app]')) } },
  ],
  invalid: [
    {
      name: 'update ConfigMaps in a namespace',
      access: { [BOB]: rules(rule('""', 'configmaps', 'update')) },
      errors: [`${BOB}:8:5`],
      messages: ['employee bob can create, change or delete ConfigMaps in payments on prod through inline rules'],
    },
    {
      name: 'named ConfigMaps (lower risk)',
      access: { [BOB]: rules(rule('""', 'configmaps', 'patch', 'resourceNames: [app-config]')) },
      errors: [`${BOB}:8:5`],
      messages: ['the named ConfigMaps'],
    },
    {
      name: 'cluster-wide on an access-entries cluster, where aws-auth does not count',
      access: { ...profile('cm', pr('""', 'configmaps', 'update')), [BOB]: employee(profileGrant('cm', undefined, 'api')) },
      errors: [`${BOB}:8:5`],
      messages: ['cluster-wide on api'],
    },
  ],
});

ruleTests('network-write', {
  valid: [
    { name: 'reading Services', access: { [BOB]: rules(rule('""', 'services, endpoints', 'get, list, watch')) } },
    { name: 'ingresses in the wrong API group', access: { [BOB]: rules(rule('apps', 'ingresses', 'create')) } },
  ],
  invalid: [
    {
      name: 'delete NetworkPolicies',
      access: { [BOB]: rules(rule('networking.k8s.io', 'networkpolicies', 'delete')) },
      errors: [`${BOB}:8:5`],
      messages: ['employee bob can create, change or delete networkpolicies in payments on prod through inline rules'],
    },
    {
      name: 'Gateway API routes and Services',
      access: { [BOB]: rules(rule('gateway.networking.k8s.io', 'httproutes', 'create') + rule('""', 'services, endpoints', 'patch')) },
      errors: [`${BOB}:8:5`],
      messages: ['services, endpoints and httproutes'],
    },
  ],
});

ruleTests('services-status', {
  valid: [{ name: 'update Services but not their status', access: { [BOB]: rules(rule('""', 'services', 'update')) } }],
  invalid: [
    {
      name: 'services/status',
      access: { [BOB]: rules(rule('""', 'services/status', 'update')) },
      errors: [`${BOB}:8:5`],
      messages: ['employee bob can update services/status in payments on prod through inline rules'],
    },
    { name: '*/status covers it', access: { [BOB]: rules(rule('""', '"*/status"', 'patch')) }, errors: [`${BOB}:8:5`] },
  ],
});

ruleTests('pod-node-status', {
  valid: [
    { name: 'reading status', access: { [BOB]: rules(rule('""', 'pods/status', 'get')) } },
    { name: 'nodes/status through a namespaced grant authorizes nothing', access: { [BOB]: rules(rule('""', 'nodes/status', 'patch')) } },
  ],
  invalid: [
    {
      name: 'pods/status in a namespace',
      access: { [BOB]: rules(rule('""', 'pods/status', 'patch')) },
      errors: [`${BOB}:8:5`],
      messages: ['employee bob can update pods/status in payments on prod'],
    },
    {
      name: 'nodes/status cluster-wide',
      access: { ...profile('status', pr('""', 'nodes/status, pods/status', 'update')), [BOB]: employee(profileGrant('status')) },
      errors: [`${BOB}:8:5`],
      messages: ['can update pods/status and nodes/status cluster-wide on prod'],
    },
  ],
});

ruleTests('steal-pods', {
  valid: [
    {
      name: 'manifests: nodes through a RoleBinding authorize nothing',
      manifests: bundle(
        clusterRole('drainer', mrule('""', 'nodes', 'patch') + mrule('""', 'pods', 'delete')),
        rb('jane-drainer', 'kube-system', 'ClusterRole', 'drainer'),
      ).files,
    },
    {
      name: 'nodes and pods of an application namespace only',
      access: { ...profile('nodes', pr('""', 'nodes', 'patch')), [BOB]: employee(profileGrant('nodes') + rulesGrant(rule('""', 'pods', 'delete'))) },
    },
    { name: 'deleting kube-system pods without touching nodes', access: { ...KUBE_SYSTEM, [BOB]: rules(rule('""', 'pods', 'delete'), 'kube-system') } },
  ],
  invalid: [
    (() => {
      const b = bundle(
        clusterRole('node-patcher', mrule('""', 'nodes', 'patch')),
        nsRole('pod-killer', 'kube-system', mrule('""', 'pods', 'delete')),
        crb('jane-nodes', 'node-patcher'),
        rb('jane-pods', 'kube-system', 'Role', 'pod-killer'),
      );
      return {
        name: 'manifests: nodes from a ClusterRoleBinding, pods from a RoleBinding in kube-system',
        manifests: b.files,
        errors: [b.at(2)],
        messages: [
          'User jane can taint or cordon nodes and delete or evict the pods of kube-system through ClusterRole node-patcher bound by ClusterRoleBinding jane-nodes, together with Role pod-killer',
        ],
      };
    })(),
    {
      name: 'nodes from a profile, pod deletion in kube-system from inline rules',
      access: {
        ...KUBE_SYSTEM,
        ...profile('nodes', pr('""', 'nodes', 'patch')),
        [BOB]: employee(profileGrant('nodes') + rulesGrant(rule('""', 'pods', 'delete'), 'kube-system')),
      },
      errors: [`${BOB}:8:5`],
      messages: [
        'employee bob can taint or cordon nodes and delete or evict the pods of kube-system on prod through profile nodes, together with inline rules (access/employees/bob.yaml:11)',
      ],
    },
    {
      name: 'nodes and eviction cluster-wide in one profile',
      access: { ...profile('drainer', pr('""', 'nodes', 'update') + pr('""', 'pods/eviction', 'create')), [BOB]: employee(profileGrant('drainer')) },
      errors: [`${BOB}:8:5`],
      messages: ['through profile drainer:'],
    },
  ],
});

ruleTests('cover-tracks', {
  valid: [{ name: 'reading events and logs', access: { [BOB]: rules(rule('""', 'events, pods/log', 'get, list')) } }],
  invalid: [
    {
      name: 'deletecollection on events.k8s.io events',
      access: { [BOB]: rules(rule('events.k8s.io', 'events', 'deletecollection')) },
      errors: [`${BOB}:8:5`],
      messages: ['employee bob can delete events in payments on prod'],
    },
    { name: 'pod logs', access: { [BOB]: rules(rule('""', 'pods/log', 'delete')) }, errors: [`${BOB}:8:5`], messages: ['can delete pods/log'] },
  ],
});

ruleTests('broad-delete', {
  valid: [
    { name: 'delete ConfigMaps only', access: { [BOB]: rules(rule('""', 'configmaps', 'delete')) } },
    { name: 'deployments in the wrong API group', access: { [BOB]: rules(rule('""', 'deployments', 'delete')) } },
  ],
  invalid: [
    {
      name: 'jobs of a batch profile',
      access: { ...profile('batch', pr('batch', 'jobs', 'create, delete')), [BOB]: employee(profileGrant('batch', 'payments')) },
      errors: [`${BOB}:8:5`],
      messages: ['employee bob can delete jobs in payments on prod through profile batch'],
    },
    {
      name: 'secrets with apiGroups "*"',
      access: { [BOB]: rules(rule('"*"', 'secrets', 'deletecollection')) },
      errors: [`${BOB}:8:5`],
      messages: ['can delete secrets in payments'],
    },
  ],
});

ruleTests('crd-write', {
  valid: [
    {
      name: 'reading CRDs',
      access: { ...profile('crd', pr('apiextensions.k8s.io', 'customresourcedefinitions', 'get, list')), [BOB]: employee(profileGrant('crd')) },
    },
    {
      name: 'CRDs through a namespaced grant authorize nothing',
      access: { [BOB]: rules(rule('apiextensions.k8s.io', 'customresourcedefinitions', 'create')) },
    },
  ],
  invalid: [
    {
      name: 'create CRDs cluster-wide',
      access: { ...profile('crd', pr('apiextensions.k8s.io', 'customresourcedefinitions', 'create, update')), [BOB]: employee(profileGrant('crd')) },
      errors: [`${BOB}:8:5`],
      messages: ['employee bob can create, change or delete CustomResourceDefinitions cluster-wide on prod through profile crd'],
    },
  ],
});

ruleTests('policy-engine-admin', {
  valid: [
    { name: 'reading Kyverno policies', access: { [BOB]: rules(rule('kyverno.io', 'policies, policyreports', 'get, list')) } },
    { name: 'ClusterPolicies through a namespaced grant authorize nothing', access: { [BOB]: rules(rule('kyverno.io', 'clusterpolicies', 'patch')) } },
  ],
  invalid: [
    {
      name: 'Kyverno ClusterPolicies cluster-wide',
      access: { ...profile('kyverno', pr('kyverno.io', 'clusterpolicies', 'patch')), [BOB]: employee(profileGrant('kyverno')) },
      errors: [`${BOB}:8:5`],
      messages: ['employee bob can create, change or delete Kyverno clusterpolicies cluster-wide on prod through profile kyverno'],
    },
    {
      name: 'Kyverno PolicyExceptions in a namespace',
      access: { [BOB]: rules(rule('kyverno.io', 'policyexceptions', 'create')) },
      errors: [`${BOB}:8:5`],
      messages: ['Kyverno policyexceptions in payments'],
    },
    {
      name: 'Gatekeeper constraints (resources named after templates) and templates',
      access: {
        ...profile('opa', pr('constraints.gatekeeper.sh', 'k8srequiredlabels', 'delete') + pr('templates.gatekeeper.sh', 'constrainttemplates', 'update')),
        [BOB]: employee(profileGrant('opa')),
      },
      errors: [`${BOB}:8:5`],
      messages: ['Gatekeeper constraints and Gatekeeper constrainttemplates'],
    },
  ],
});

ruleTests('namespace-write', {
  valid: [{ name: 'reading namespaces', access: { [BOB]: rules(rule('""', 'namespaces', 'get, list')) } }],
  invalid: [
    {
      name: 'a RoleBinding lets its subject relabel its own namespace',
      access: { [BOB]: rules(rule('""', 'namespaces', 'patch')) },
      errors: [`${BOB}:8:5`],
      messages: ['employee bob can update the namespace payments in payments on prod through inline rules: relabelling'],
    },
    {
      name: 'any namespace cluster-wide',
      access: { ...profile('ns', pr('""', 'namespaces', 'update')), [BOB]: employee(profileGrant('ns')) },
      errors: [`${BOB}:8:5`],
      messages: ['can update any namespace cluster-wide on prod'],
    },
  ],
});

ruleTests('aggregation-label', {
  valid: [
    { name: 'access files generate roles without labels', access: { ...profile('p', pr('""', 'pods', 'get')), [BOB]: employee(profileGrant('p')) } },
    {
      name: 'manifests: a label set to "false"',
      manifests: bundle(clusterRole('extra', mrule('""', 'pods', 'get'), { 'rbac.authorization.k8s.io/aggregate-to-edit': 'false' })).files,
    },
    {
      name: "manifests: the platform's own system:aggregate-to-edit (a rule of the default)",
      manifests: bundle(clusterRole('system:aggregate-to-edit', mrule('""', 'pods/exec', 'get'), { 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' }))
        .files,
    },
    { name: 'manifests: other labels', manifests: bundle(clusterRole('extra', mrule('""', 'pods', 'get'), { 'app.kubernetes.io/name': 'extra' })).files },
  ],
  invalid: [
    (() => {
      // Named like the default, but with a rule the default lacks: a name hides nothing.
      const b = bundle(clusterRole('system:aggregate-to-edit', mrule('""', 'nodes', 'get'), { 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' }));
      return { name: 'manifests: a system:aggregate-to-edit that is no copy of the default', manifests: b.files, errors: [b.at(0)] };
    })(),
    (() => {
      const b = bundle(
        clusterRole('crd-viewer', mrule('example.com', 'widgets', 'get'), { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' }),
        clusterRole('widget-editor', mrule('example.com', 'widgets', 'create, update'), {
          'rbac.authorization.k8s.io/aggregate-to-admin': 'true',
          'rbac.authorization.k8s.io/aggregate-to-edit': 'true',
        }),
      );
      return {
        name: 'manifests: custom roles aggregated into view, and into admin and edit',
        manifests: b.files,
        errors: [b.at(0), b.at(1)],
        messages: [
          'ClusterRole crd-viewer carries the label rbac.authorization.k8s.io/aggregate-to-view',
          'ClusterRole widget-editor carries the labels rbac.authorization.k8s.io/aggregate-to-admin: "true" and rbac.authorization.k8s.io/aggregate-to-edit: "true", so its 1 rule is silently added to the built-in admin and edit roles',
        ],
      };
    })(),
  ],
});

ruleTests('nonresource-wildcard', {
  valid: [
    { name: "manifests: cluster-admin bound to a person is the admin rules' finding", manifests: bundle(crb('jane-admin', 'cluster-admin')).files },
    {
      name: 'named health endpoints',
      access: { ...profile('health', '  - nonResourceURLs: [/healthz, /livez, "/readyz*"]\n    verbs: [get]\n'), [BOB]: employee(profileGrant('health')) },
    },
    { name: "cluster-admin's * is the admin rules' finding", access: ADMIN },
  ],
  invalid: [
    (() => {
      // A copy of cluster-admin someone wrote is judged by every rule, beside full-wildcard.
      const b = bundle(clusterRole('my-admin', mrule('"*"', '"*"', '"*"') + '  - nonResourceURLs: ["*"]\n    verbs: ["*"]\n'));
      return {
        name: 'manifests: an unbound copy of cluster-admin',
        manifests: b.files,
        errors: [b.at(0, 8)],
        messages: ['anyone bound to ClusterRole my-admin can * every non-resource URL'],
      };
    })(),
    (() => {
      const b = bundle(clusterRole('urls', '  - nonResourceURLs: ["*"]\n    verbs: ["*"]\n'));
      return {
        name: 'manifests: an unbound ClusterRole is judged at its rule',
        manifests: b.files,
        errors: [b.at(0, 5)],
        messages: ['anyone bound to ClusterRole urls can * every non-resource URL'],
      };
    })(),
    {
      name: 'every URL',
      access: { ...profile('urls', '  - nonResourceURLs: ["*"]\n    verbs: [get]\n'), [BOB]: employee(profileGrant('urls')) },
      errors: [`${BOB}:8:5`],
      messages: ['employee bob can get every non-resource URL on prod through profile urls'],
    },
    {
      name: '/* is every URL too',
      access: { ...profile('urls', '  - nonResourceURLs: ["/*"]\n    verbs: [get, delete]\n'), [BOB]: employee(profileGrant('urls')) },
      errors: [`${BOB}:8:5`],
    },
  ],
});

test.run();
