import { test } from 'uvu';
import { HEADER } from '../../helpers/run.js';
import { ruleTests } from '../../helpers/rule-tester.js';

const employee = (body: string) => `${HEADER}kind: Employee\nname: bob\nemail: bob@example.com\nidentity:\n  iamUser: bob\naccess:\n${body}`;

/** Any employee: `identity` is the YAML under `identity:` (see the helpers below). Grants start on line 6 + identity lines + 1. */
const person = (name: string, identity: string, body: string) =>
  `${HEADER}kind: Employee\nname: ${name}\nemail: ${name}@example.com\nidentity:\n${identity}access:\n${body}`;
const iamUserArn = (arn: string) => `  iamUserArn: ${arn}\n`;
const role = (arn: string) => `  role:\n    arn: ${arn}\n`;

const SSO_ROLE = 'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Developers_0a1b2c3d4e5f6a7b';
const FEDERATED_ROLE = 'arn:aws:iam::111122223333:role/federated/Developers';

/** The base cluster prod (aws-auth, node mapping on lines 10-12), with more aws-auth entries: mapRoles from line 13, then mapUsers. */
const prod = (options: { mapRoles?: string; mapUsers?: string; authentication?: string } = {}) =>
  `${HEADER}kind: Cluster
name: prod
accountId: "111122223333"
region: eu-west-1
authentication: ${options.authentication ?? 'aws-auth'}
namespaces: [payments, my-namespace]
awsAuth:
  mapRoles:
    - rolearn: arn:aws:iam::111122223333:role/prod-nodes
      username: system:node:{{EC2PrivateDNSName}}
      groups: [system:bootstrappers, system:nodes]
${options.mapRoles ?? ''}${options.mapUsers ? `  mapUsers:\n${options.mapUsers}` : ''}`;

/** A second aws-auth cluster, for grants that name several clusters. */
const PROD2 = {
  'access/clusters/prod2.yaml': `${HEADER}kind: Cluster
name: prod2
accountId: "111122223333"
region: eu-west-1
authentication: aws-auth
namespaces: [payments]
awsAuth:
  mapRoles:
    - rolearn: arn:aws:iam::111122223333:role/prod2-nodes
      username: system:node:{{EC2PrivateDNSName}}
      groups: [system:bootstrappers, system:nodes]
`,
};

/** An aws-auth ConfigMap for --manifests; the block starts on line 8, each entry's lines follow. */
const awsAuth = (data: string) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: aws-auth
  namespace: kube-system
data:
${data}`;
const NODE_ROLES = `  mapRoles: |
    - rolearn: arn:aws:iam::111122223333:role/eks-nodes
      username: system:node:{{EC2PrivateDNSName}}
      groups:
        - system:bootstrappers
        - system:nodes
`;
const binding = (group: string) => `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: ${group}
  namespace: payments
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: view
subjects:
  - kind: Group
    name: ${group}
    apiGroup: rbac.authorization.k8s.io
`;

ruleTests('map-to-system-masters', {
  valid: [
    { name: 'a named group', access: { 'access/employees/bob.yaml': employee('  - cluster: prod\n    groups: [payments-admins]\n') } },
    {
      name: 'level admin is visible RBAC, not system:masters',
      access: { 'access/employees/bob.yaml': employee('  - cluster: prod\n    level: admin\n    expires: 2027-01-31\n') },
    },
    { name: 'manifests: the node mapping only', manifests: { 'manifests/aws-auth.yaml': awsAuth(NODE_ROLES) } },
  ],
  invalid: [
    {
      name: 'groups: [system:masters] on an aws-auth cluster',
      access: { 'access/employees/bob.yaml': employee('  - cluster: prod\n    groups: [system:masters]\n') },
      errors: ['access/employees/bob.yaml:8:5'],
      messages: ['employee bob is mapped into system:masters on prod'],
    },
    {
      name: 'one grant on two clusters is one finding',
      access: { ...PROD2, 'access/employees/bob.yaml': employee('  - clusters: [prod, prod2]\n    groups: [system:masters]\n') },
      errors: ['access/employees/bob.yaml:8:5'],
      messages: ['on prod, prod2'],
    },
    {
      name: 'a preserved break-glass entry of the cluster file',
      access: {
        'access/clusters/prod.yaml': prod({
          mapRoles: '    - rolearn: arn:aws:iam::111122223333:role/break-glass\n      username: break-glass:{{SessionName}}\n      groups: [system:masters]\n',
        }),
      },
      errors: ['access/clusters/prod.yaml:13:7'],
      messages: ['role arn:aws:iam::111122223333:role/break-glass is mapped into system:masters on prod'],
    },
    {
      name: 'manifests: a mapRoles string entry, reported at its group line',
      manifests: {
        'manifests/aws-auth.yaml': awsAuth(
          `${NODE_ROLES}    - rolearn: arn:aws:iam::111122223333:role/admins\n      username: admin:{{SessionName}}\n      groups:\n        - system:masters\n`,
        ),
      },
      errors: ['manifests/aws-auth.yaml:16:11'],
      messages: ['Map it to a named group'],
    },
  ],
});

ruleTests('map-to-reserved-system-group', {
  valid: [
    { name: 'a named group', access: { 'access/employees/bob.yaml': employee('  - cluster: prod\n    groups: [payments-admins]\n') } },
    {
      name: 'a Fargate mapping carries system:node-proxier',
      access: {
        'access/clusters/prod.yaml': prod({
          mapRoles:
            '    - rolearn: arn:aws:iam::111122223333:role/prod-fargate\n      username: system:node:{{SessionName}}\n      groups: [system:bootstrappers, system:nodes, system:node-proxier]\n',
        }),
      },
    },
    {
      name: "system:masters is map-to-system-masters' finding",
      access: { 'access/employees/bob.yaml': employee('  - cluster: prod\n    groups: [system:masters]\n') },
    },
    {
      name: "node groups are node-identity-misuse's finding",
      access: { 'access/employees/bob.yaml': employee('  - cluster: prod\n    groups: [system:nodes]\n') },
    },
  ],
  invalid: [
    {
      name: "all service accounts' group on a person",
      access: { 'access/employees/bob.yaml': employee('  - cluster: prod\n    groups: [system:serviceaccounts]\n') },
      errors: ['access/employees/bob.yaml:8:5'],
      messages: ['employee bob (IAM user arn:aws:iam::111122223333:user/eks-access/bob) is mapped into the reserved group system:serviceaccounts on prod'],
    },
    {
      name: 'system:authenticated does nothing, reported at low risk',
      access: { ...PROD2, 'access/employees/bob.yaml': employee('  - clusters: [prod, prod2]\n    groups: [system:authenticated, readers]\n') },
      errors: ['access/employees/bob.yaml:8:5'],
      messages: ['listing it does nothing'],
    },
    {
      name: "a control-plane component's group on a preserved break-glass role",
      access: {
        'access/clusters/prod.yaml': prod({
          mapRoles:
            '    - rolearn: arn:aws:iam::111122223333:role/break-glass\n      username: break-glass:{{SessionName}}\n      groups: [system:kube-controller-manager]\n',
        }),
      },
      errors: ['access/clusters/prod.yaml:13:7'],
    },
    {
      name: 'manifests: system:node-proxier on a role that is not a node mapping',
      manifests: {
        'manifests/aws-auth.yaml': awsAuth(
          `${NODE_ROLES}    - rolearn: arn:aws:iam::111122223333:role/ops\n      username: ops\n      groups:\n        - system:node-proxier\n`,
        ),
      },
      errors: ['manifests/aws-auth.yaml:16:11'],
    },
  ],
});

ruleTests('node-identity-misuse', {
  valid: [
    { name: 'the node mapping of the cluster file', access: {} },
    {
      name: 'a Fargate mapping (system:node:{{SessionName}})',
      access: {
        'access/clusters/prod.yaml': prod({
          mapRoles:
            '    - rolearn: arn:aws:iam::111122223333:role/prod-fargate\n      username: system:node:{{SessionName}}\n      groups: [system:bootstrappers, system:nodes, system:node-proxier]\n',
        }),
      },
    },
    { name: "manifests: EKS's own node mapping", manifests: { 'manifests/aws-auth.yaml': awsAuth(NODE_ROLES) } },
  ],
  invalid: [
    {
      name: 'an IAM user employee in system:nodes',
      access: { 'access/employees/bob.yaml': employee('  - cluster: prod\n    groups: [system:nodes]\n') },
      errors: ['access/employees/bob.yaml:8:5'],
      messages: ['is an IAM user but is given the node group system:nodes on prod'],
    },
    {
      name: "a person's SSO role in the bootstrap groups, once per grant",
      access: { 'access/employees/carol.yaml': person('carol', role(SSO_ROLE), '  - cluster: prod\n    groups: [system:bootstrappers, system:nodes]\n') },
      errors: ['access/employees/carol.yaml:9:5'],
      messages: ['can obtain a node client certificate for any node name'],
    },
    {
      name: 'a preserved mapUsers entry with a node username',
      access: {
        'access/clusters/prod.yaml': prod({
          mapUsers: '    - userarn: arn:aws:iam::111122223333:user/ops\n      username: system:node:{{EC2PrivateDNSName}}\n',
        }),
      },
      errors: ['access/clusters/prod.yaml:14:7'],
    },
    {
      name: 'a role in system:nodes with a static username is no node mapping',
      access: {
        'access/clusters/prod.yaml': prod({
          mapRoles: '    - rolearn: arn:aws:iam::111122223333:role/ops\n      username: ops\n      groups: [system:nodes]\n',
        }),
      },
      errors: ['access/clusters/prod.yaml:13:7'],
      messages: ['is not a per-node template'],
    },
    {
      name: 'manifests: an SSO role with the node groups',
      manifests: {
        'manifests/aws-auth.yaml': awsAuth(
          `${NODE_ROLES}    - rolearn: arn:aws:iam::111122223333:role/AWSReservedSSO_Admins_0a1b2c3d\n      username: system:node:{{EC2PrivateDNSName}}\n      groups:\n        - system:nodes\n`,
        ),
      },
      errors: ['manifests/aws-auth.yaml:13:7'],
      messages: ['an AWS SSO role people sign in with'],
    },
  ],
});

ruleTests('reserved-username-prefix', {
  valid: [
    { name: 'node usernames on node mappings', access: {} },
    {
      name: 'a username of your own',
      access: {
        'access/clusters/prod.yaml': prod({
          mapRoles: '    - rolearn: arn:aws:iam::111122223333:role/break-glass\n      username: break-glass:{{SessionName}}\n',
        }),
      },
    },
  ],
  invalid: [
    {
      name: 'system:admin on a preserved role',
      access: { 'access/clusters/prod.yaml': prod({ mapRoles: '    - rolearn: arn:aws:iam::111122223333:role/break-glass\n      username: system:admin\n' }) },
      errors: ['access/clusters/prod.yaml:13:7'],
      messages: ['under the reserved prefix system:'],
    },
    {
      name: "a service account's username takes its bindings; eks: and aws: too",
      access: {
        'access/clusters/prod.yaml': prod({
          mapUsers:
            '    - userarn: arn:aws:iam::111122223333:user/deployer\n      username: system:serviceaccount:kube-system:deployer\n    - userarn: arn:aws:iam::111122223333:user/x\n      username: eks:x\n    - userarn: arn:aws:iam::111122223333:user/y\n      username: AWS:y\n',
        }),
      },
      errors: ['access/clusters/prod.yaml:14:7', 'access/clusters/prod.yaml:16:7', 'access/clusters/prod.yaml:18:7'],
      messages: ['every binding of ServiceAccount kube-system/deployer', 'prefix eks:', 'prefix aws:'],
    },
    {
      name: 'manifests: system:* on a masters mapping, as seen in the wild',
      manifests: { 'manifests/aws-auth.yaml': awsAuth(`${NODE_ROLES}    - rolearn: arn:aws:iam::111122223333:role/admins\n      username: system:*\n`) },
      errors: ['manifests/aws-auth.yaml:13:7'],
    },
  ],
});

ruleTests('spoofable-session-username', {
  valid: [
    {
      name: 'an AWS SSO role with its path',
      access: { 'access/employees/carol.yaml': person('carol', role(SSO_ROLE), '  - cluster: prod\n    profile: developer\n    namespaces: [payments]\n') },
    },
    {
      name: 'an AWS SSO role without its path',
      access: {
        'access/employees/carol.yaml': person(
          'carol',
          role('arn:aws:iam::111122223333:role/AWSReservedSSO_Developers_0a1b2c3d4e5f6a7b'),
          '  - cluster: api\n    profile: developer\n    namespaces: [data]\n',
        ),
      },
    },
    {
      name: 'a Fargate mapping uses {{SessionName}} for the node name',
      access: {
        'access/clusters/prod.yaml': prod({
          mapRoles:
            '    - rolearn: arn:aws:iam::111122223333:role/prod-fargate\n      username: system:node:{{SessionName}}\n      groups: [system:bootstrappers, system:nodes, system:node-proxier]\n',
        }),
      },
    },
    {
      name: 'a static username is not a session name',
      access: {
        'access/clusters/prod.yaml': prod({ mapRoles: '    - rolearn: arn:aws:iam::111122223333:role/ci\n      username: ci\n      groups: [deployers]\n' }),
      },
    },
  ],
  invalid: [
    {
      // One finding per person (each file shows it; a waiver for one never waives the other's), each naming both clusters.
      name: 'a role outside SSO, on two clusters and for two people, is one finding per person',
      access: {
        'access/employees/carol.yaml': person('carol', role(FEDERATED_ROLE), '  - clusters: [prod, api]\n    profile: view\n    scope: cluster\n'),
        'access/employees/dan.yaml': person('dan', role(FEDERATED_ROLE), '  - cluster: prod\n    profile: view\n    scope: cluster\n'),
      },
      errors: ['access/employees/carol.yaml:7:5', 'access/employees/dan.yaml:7:5'],
      messages: [
        'role arn:aws:iam::111122223333:role/federated/Developers (employees carol, dan) maps to the username session:{{SessionName}} on api, prod',
        'role arn:aws:iam::111122223333:role/federated/Developers (employees carol, dan) maps to the username session:{{SessionName}} on api, prod',
      ],
    },
    {
      name: 'a preserved break-glass role with {{SessionNameRaw}}',
      access: {
        'access/clusters/prod.yaml': prod({
          mapRoles: '    - rolearn: arn:aws:iam::111122223333:role/break-glass\n      username: break-glass:{{SessionNameRaw}}\n      groups: [ops]\n',
        }),
      },
      errors: ['access/clusters/prod.yaml:13:7'],
    },
  ],
});

ruleTests('map-accounts', {
  valid: [
    { name: 'the access folder has no mapAccounts', access: {} },
    { name: 'manifests: no mapAccounts', manifests: { 'manifests/aws-auth.yaml': awsAuth(NODE_ROLES) } },
    { name: 'manifests: an empty mapAccounts', manifests: { 'manifests/aws-auth.yaml': awsAuth(`${NODE_ROLES}  mapAccounts: |\n    []\n`) } },
  ],
  invalid: [
    {
      name: "manifests: an account id (a malformed one is invalid-or-wildcard-arn's)",
      manifests: { 'manifests/aws-auth.yaml': awsAuth(`${NODE_ROLES}  mapAccounts: |\n    - "222233334444"\n    - 12345\n`) },
      errors: ['manifests/aws-auth.yaml:14:7'],
      messages: ['maps the whole account 222233334444'],
    },
  ],
});

ruleTests('rolearn-has-path', {
  valid: [
    {
      name: "an employee's role path is stripped for aws-auth",
      access: { 'access/employees/carol.yaml': person('carol', role(SSO_ROLE), '  - cluster: prod\n    profile: developer\n    namespaces: [payments]\n') },
    },
    {
      name: 'access entries keep paths',
      access: {
        'access/employees/carol.yaml': person(
          'carol',
          role(SSO_ROLE.replace('111122223333', '444455556666')),
          '  - cluster: api\n    profile: view\n    namespaces: [data]\n',
        ),
      },
    },
    {
      name: 'manifests: user ARNs keep their path',
      manifests: {
        'manifests/aws-auth.yaml': awsAuth(
          `${NODE_ROLES}  mapUsers: |\n    - userarn: arn:aws:iam::111122223333:user/contractors/dave\n      username: dave\n`,
        ),
      },
    },
  ],
  invalid: [
    {
      name: 'manifests: an SSO role with its path never matches',
      manifests: {
        'manifests/aws-auth.yaml': awsAuth(
          `${NODE_ROLES}    - rolearn: ${SSO_ROLE}\n      username: dev:{{SessionName}}\n      groups:\n        - developers\n`,
        ),
      },
      errors: ['manifests/aws-auth.yaml:13:7'],
      messages: ['Write arn:aws:iam::111122223333:role/AWSReservedSSO_Developers_0a1b2c3d4e5f6a7b'],
    },
  ],
});

ruleTests('invalid-or-wildcard-arn', {
  valid: [
    {
      name: 'well-formed ARNs',
      access: { 'access/clusters/prod.yaml': prod({ mapUsers: '    - userarn: arn:aws:iam::111122223333:user/ops/anna\n      username: anna\n' }) },
    },
    { name: 'manifests: the node mapping', manifests: { 'manifests/aws-auth.yaml': awsAuth(NODE_ROLES) } },
    // go-yaml decodes into []string with the text as written: an unquoted 012345678901 stays 12 digits.
    {
      name: 'manifests: an unquoted account id keeps its leading zero',
      manifests: { 'manifests/aws-auth.yaml': awsAuth(`${NODE_ROLES}  mapAccounts: |\n    - 012345678901\n`) },
    },
    {
      name: 'manifests: a role ARN under mapUsers, a federated user and the account root are ARNs the authenticator maps',
      manifests: {
        'manifests/aws-auth.yaml': awsAuth(
          `${NODE_ROLES}  mapUsers: |\n    - userarn: arn:aws:iam::111122223333:role/ops\n      username: ops\n    - userarn: arn:aws:sts::111122223333:federated-user/bob\n      username: bob\n    - userarn: arn:aws:iam::111122223333:root\n      username: root\n`,
        ),
      },
    },
  ],
  invalid: [
    {
      name: "a partition the cluster's region is not in",
      access: {
        'access/clusters/prod.yaml': prod({ mapRoles: '    - rolearn: arn:aws-cn:iam::111122223333:role/ops\n      username: ops\n' }),
        // An employee's ARN in another partition is refused by validate (test/load/hostile.test.ts).
      },
      errors: ['access/clusters/prod.yaml:13:7'],
      messages: ["partition aws-cn, but the cluster's region eu-west-1 is in aws"],
    },
    {
      // A user ARN under mapRoles works (Map looks every ARN up in both lists): it is no finding.
      name: 'manifests: wildcard, session ARN, bad account (a user ARN under mapRoles is fine)',
      manifests: {
        'manifests/aws-auth.yaml': awsAuth(
          `${NODE_ROLES}    - rolearn: arn:aws:iam::111122223333:role/ci-*\n      username: ci\n    - rolearn: arn:aws:sts::111122223333:assumed-role/Admin/alice\n      username: alice\n    - rolearn: arn:aws:iam::111122223333:user/bob\n      username: bob\n  mapAccounts: |\n    - "12345"\n`,
        ),
      },
      errors: ['manifests/aws-auth.yaml:13:7', 'manifests/aws-auth.yaml:15:7', 'manifests/aws-auth.yaml:20:7'],
      messages: ['contains a wildcard', 'Map arn:aws:iam::111122223333:role/Admin', 'not a 12-digit AWS account id'],
    },
  ],
});

ruleTests('duplicate-principal', {
  valid: [
    {
      name: 'two people sharing a role is one mapping',
      access: {
        'access/employees/carol.yaml': person('carol', role(SSO_ROLE), '  - cluster: prod\n    profile: view\n    namespaces: [payments]\n'),
        'access/employees/dan.yaml': person('dan', role(SSO_ROLE), '  - cluster: prod\n    profile: view\n    namespaces: [payments]\n'),
      },
    },
    {
      name: 'the same person in aws-auth and an access entry of a cluster in both modes',
      access: {
        'access/clusters/prod.yaml': prod({ authentication: 'both' }),
        'access/employees/bob.yaml': employee('  - cluster: prod\n    profile: view\n    namespaces: [payments]\n'),
      },
    },
  ],
  invalid: [
    {
      name: 'manifests: one role in mapRoles and in mapUsers: mapRoles is looked up first',
      manifests: {
        'manifests/aws-auth.yaml': awsAuth(
          `${NODE_ROLES}    - rolearn: arn:aws:iam::111122223333:role/ops\n      username: ops\n  mapUsers: |\n    - userarn: arn:aws:iam::111122223333:role/Ops\n      username: other\n`,
        ),
      },
      errors: ['manifests/aws-auth.yaml:16:7'],
      messages: ['is mapped twice in aws-auth mapRoles and mapUsers'],
    },
    // An existing IAM user that another employee's iamUser creates, and a user ARN differing only in
    // case from a preserved entry, are refused by validate: test/load/hostile.test.ts.
    {
      name: 'manifests: a role mapped twice, the last one wins',
      manifests: {
        'manifests/aws-auth.yaml': awsAuth(
          `${NODE_ROLES}    - rolearn: arn:aws:iam::111122223333:role/ops\n      username: ops\n    - rolearn: arn:aws:iam::111122223333:role/OPS\n      username: admin\n`,
        ),
      },
      errors: ['manifests/aws-auth.yaml:15:7'],
      messages: ['the authenticator keeps only the last entry'],
    },
  ],
});

ruleTests('iam-user-mapping', {
  valid: [
    {
      name: 'a role identity',
      access: { 'access/employees/carol.yaml': person('carol', role(SSO_ROLE), '  - cluster: prod\n    profile: view\n    namespaces: [payments]\n') },
    },
    {
      name: "IAM users this repository creates are iam-users-exist's finding",
      access: { 'access/employees/bob.yaml': employee('  - cluster: prod\n    profile: view\n    namespaces: [payments]\n') },
    },
    { name: 'manifests: roles only', manifests: { 'manifests/aws-auth.yaml': awsAuth(NODE_ROLES) } },
  ],
  invalid: [
    {
      name: 'an existing IAM user on two clusters is one finding',
      access: {
        'access/employees/dave.yaml': person(
          'dave',
          iamUserArn('arn:aws:iam::111122223333:user/contractors/dave'),
          '  - clusters: [prod, api]\n    profile: view\n    scope: cluster\n',
        ),
      },
      errors: ['access/employees/dave.yaml:6:15'],
      messages: ['employee dave (IAM user arn:aws:iam::111122223333:user/contractors/dave) signs in on api, prod as an IAM user'],
    },
    {
      name: 'a preserved mapUsers entry',
      access: { 'access/clusters/prod.yaml': prod({ mapUsers: '    - userarn: arn:aws:iam::111122223333:user/ops\n      username: ops\n' }) },
      errors: ['access/clusters/prod.yaml:14:7'],
    },
    {
      name: 'manifests: a mapUsers entry',
      manifests: { 'manifests/aws-auth.yaml': awsAuth(`${NODE_ROLES}  mapUsers: |\n    - userarn: arn:aws:iam::111122223333:user/ops\n      username: ops\n`) },
      errors: ['manifests/aws-auth.yaml:14:7'],
    },
  ],
});

ruleTests('username-collision', {
  valid: [
    {
      name: 'templates give each caller their own name',
      access: {
        'access/clusters/prod.yaml': prod({
          mapRoles:
            '    - rolearn: arn:aws:iam::111122223333:role/a\n      username: ops:{{SessionName}}\n    - rolearn: arn:aws:iam::111122223333:role/b\n      username: ops:{{SessionName}}\n',
        }),
      },
    },
    {
      name: 'distinct names',
      access: { 'access/clusters/prod.yaml': prod({ mapUsers: '    - userarn: arn:aws:iam::111122223333:user/ci\n      username: ci\n' }) },
    },
    {
      name: 'one person in aws-auth and an access entry is one principal',
      access: {
        'access/clusters/prod.yaml': prod({ authentication: 'both' }),
        'access/employees/bob.yaml': employee('  - cluster: prod\n    profile: view\n    namespaces: [payments]\n'),
      },
    },
  ],
  invalid: [
    {
      name: 'a preserved entry named like an employee',
      access: { 'access/clusters/prod.yaml': prod({ mapUsers: '    - userarn: arn:aws:iam::111122223333:user/ci\n      username: alice\n' }) },
      errors: ['access/employees/alice.yaml:6:12'],
      messages: [
        'employee alice (IAM user arn:aws:iam::111122223333:user/eks-access/alice) gets the Kubernetes username alice on prod, which IAM user arn:aws:iam::111122223333:user/ci (access/clusters/prod.yaml:14) also gets',
      ],
    },
    {
      name: "a static name equal to a role employee's session username",
      access: {
        'access/clusters/prod.yaml': prod({ mapRoles: '    - rolearn: arn:aws:iam::111122223333:role/ops\n      username: session:carol-example.com\n' }),
        'access/employees/carol.yaml': person('carol', role(SSO_ROLE), '  - cluster: prod\n    profile: view\n    namespaces: [payments]\n'),
      },
      errors: ['access/employees/carol.yaml:7:5'],
    },
    {
      name: 'manifests: two roles, one static name',
      manifests: {
        'manifests/aws-auth.yaml': awsAuth(
          `${NODE_ROLES}    - rolearn: arn:aws:iam::111122223333:role/a\n      username: admin\n    - rolearn: arn:aws:iam::111122223333:role/b\n      username: admin\n`,
        ),
      },
      errors: ['manifests/aws-auth.yaml:15:7'],
    },
  ],
});

ruleTests('dangling-group', {
  valid: [
    {
      name: 'access folder: groups are bound outside eks-access',
      access: { 'access/employees/bob.yaml': employee('  - cluster: prod\n    groups: [payments-dashboard-viewers]\n') },
    },
    {
      name: 'manifests: the group is bound',
      manifests: {
        'manifests/aws-auth.yaml': awsAuth(
          `${NODE_ROLES}    - rolearn: arn:aws:iam::111122223333:role/viewers\n      username: viewer:{{SessionName}}\n      groups:\n        - payments-viewers\n`,
        ),
        'manifests/binding.yaml': binding('payments-viewers'),
      },
    },
    {
      name: "manifests: system: and eks: groups are the platform's",
      manifests: { 'manifests/aws-auth.yaml': awsAuth(`${NODE_ROLES.trimEnd()}\n        - eks:kube-proxy-windows\n`) },
    },
  ],
  invalid: [
    {
      name: 'manifests: a group no binding names',
      manifests: {
        'manifests/aws-auth.yaml': awsAuth(
          `${NODE_ROLES}    - rolearn: arn:aws:iam::111122223333:role/viewers\n      username: viewer:{{SessionName}}\n      groups:\n        - payments-viewers\n`,
        ),
        'manifests/binding.yaml': binding('payment-viewers'),
      },
      errors: ['manifests/aws-auth.yaml:16:11'],
      messages: ['mapped into the group payments-viewers, which no RoleBinding or ClusterRoleBinding'],
    },
  ],
});

ruleTests('aws-auth-deprecated', {
  valid: [
    { name: 'a cluster migrating (both)', access: { 'access/clusters/prod.yaml': prod({ authentication: 'both' }) } },
    { name: 'manifests: the ConfigMap EKS writes for node groups', manifests: { 'manifests/aws-auth.yaml': awsAuth(NODE_ROLES) } },
  ],
  invalid: [
    {
      name: 'a cluster on aws-auth',
      access: {},
      errors: ['access/clusters/prod.yaml:3:7'],
      messages: ['cluster prod authenticates people through the aws-auth ConfigMap'],
    },
    {
      name: 'manifests: people in aws-auth',
      manifests: { 'manifests/aws-auth.yaml': awsAuth(`${NODE_ROLES}  mapUsers: |\n    - userarn: arn:aws:iam::111122223333:user/ops\n      username: ops\n`) },
      errors: ['manifests/aws-auth.yaml:1:1'],
      messages: ['maps 1 identity besides node roles'],
    },
  ],
});

ruleTests('aws-auth-lockout', {
  valid: [
    { name: 'the cluster file keeps its node mapping', access: {} },
    {
      name: 'manifests: the node role written under mapUsers still maps the nodes (both lists are looked up)',
      manifests: {
        'manifests/aws-auth.yaml': awsAuth(
          `  mapUsers: |\n    - userarn: arn:aws:iam::111122223333:role/eks-nodes\n      username: system:node:{{EC2PrivateDNSName}}\n      groups: [system:bootstrappers, system:nodes]\n`,
        ),
      },
    },
    { name: 'manifests: a node mapping', manifests: { 'manifests/aws-auth.yaml': awsAuth(NODE_ROLES) } },
    {
      name: 'manifests: a node role mapped twice, both times as a node',
      manifests: {
        'manifests/aws-auth.yaml': awsAuth(
          `${NODE_ROLES}    - rolearn: arn:aws:iam::111122223333:role/eks-nodes\n      username: system:node:{{EC2PrivateDNSName}}\n      groups:\n        - system:bootstrappers\n        - system:nodes\n`,
        ),
      },
    },
  ],
  invalid: [
    {
      name: 'manifests: a section that does not parse takes the node mapping with it',
      manifests: { 'manifests/aws-auth.yaml': awsAuth(`${NODE_ROLES}    - rolearn: arn:aws:iam::111122223333:role/dev\n      username: {{SessionName}}\n`) },
      errors: ['manifests/aws-auth.yaml:1:1'],
      messages: ['maps no node role'],
    },
    {
      name: 'manifests: no node role at all',
      manifests: { 'manifests/aws-auth.yaml': awsAuth(`  mapUsers: |\n    - userarn: arn:aws:iam::111122223333:user/ops\n      username: ops\n`) },
      errors: ['manifests/aws-auth.yaml:1:1'],
      messages: ['maps no node role'],
    },
    {
      name: 'manifests: the node role overwritten by a later entry of the same role',
      manifests: {
        'manifests/aws-auth.yaml': awsAuth(
          `${NODE_ROLES}    - rolearn: arn:aws:iam::111122223333:role/EKS-Nodes\n      username: admin\n      groups:\n        - ops\n`,
        ),
      },
      errors: ['manifests/aws-auth.yaml:1:1'],
      messages: ['is mapped again at line 13 without system:nodes'],
    },
    {
      name: 'manifests: the node role written with its path',
      manifests: { 'manifests/aws-auth.yaml': awsAuth(NODE_ROLES.replace('role/eks-nodes', 'role/nodes/eks-nodes')) },
      errors: ['manifests/aws-auth.yaml:1:1'],
      messages: ['has a path, so it never matches'],
    },
    {
      name: 'manifests: two ConfigMaps in a List, each judged on its own entries',
      manifests: {
        'manifests/list.yaml': `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: aws-auth
      namespace: kube-system
    data:
      mapRoles: |
        - rolearn: arn:aws:iam::111122223333:role/a-nodes
          username: system:node:{{EC2PrivateDNSName}}
          groups: [system:bootstrappers, system:nodes]
  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: aws-auth
      namespace: kube-system
    data:
      mapRoles: |
        - rolearn: arn:aws:iam::111122223333:role/b-nodes/x
          username: system:node:{{EC2PrivateDNSName}}
          groups: [system:bootstrappers, system:nodes]
`,
      },
      errors: ['manifests/list.yaml:14:5'],
    },
  ],
});

ruleTests('aws-auth-ignored-entry', {
  valid: [{ name: 'manifests: keys spelled right', manifests: { 'manifests/aws-auth.yaml': awsAuth(`${NODE_ROLES}  mapUsers: |\n    []\n`) } }],
  invalid: [
    {
      name: 'manifests: a wrongly cased key, an entry without rolearn',
      manifests: {
        'manifests/aws-auth.yaml': awsAuth(
          `${NODE_ROLES}    - username: ops\n      groups: [ops]\n  mapusers: |\n    - userarn: arn:aws:iam::111122223333:user/ops\n      username: ops\n`,
        ),
      },
      errors: ['manifests/aws-auth.yaml:13:7', 'manifests/aws-auth.yaml:15:3'],
      messages: ['has no rolearn', 'aws-auth key mapusers is ignored'],
    },
    {
      // go-yaml reads {{SessionName}} unquoted as a flow mapping used as a key: the whole section goes.
      name: 'manifests: an unquoted {{SessionName}} drops all of mapRoles, the node mapping included',
      manifests: { 'manifests/aws-auth.yaml': awsAuth(`${NODE_ROLES}    - rolearn: arn:aws:iam::111122223333:role/dev\n      username: {{SessionName}}\n`) },
      errors: ['manifests/aws-auth.yaml:14:18'],
      messages: ['it drops every entry of mapRoles'],
    },
    {
      name: 'manifests: groups that are not a list are skipped and the entry kept; rolearn with sso is dropped',
      manifests: {
        'manifests/aws-auth.yaml': awsAuth(
          `${NODE_ROLES}    - rolearn: arn:aws:iam::111122223333:role/ops\n      username: ops\n      groups: ops\n    - rolearn: arn:aws:iam::111122223333:role/sso\n      sso: {permissionSetName: Dev, accountID: "111122223333"}\n`,
        ),
      },
      errors: ['manifests/aws-auth.yaml:15:15', 'manifests/aws-auth.yaml:16:7'],
      messages: ['the authenticator skips it and keeps the entry (the entry keeps no groups)', 'only one of rolearn or SSO can be supplied'],
    },
    {
      name: 'manifests: mapRoles without | makes the ConfigMap invalid as a whole',
      manifests: { 'manifests/aws-auth.yaml': awsAuth(`  mapRoles:\n    - rolearn: arn:aws:iam::111122223333:role/eks-nodes\n`) },
      errors: ['manifests/aws-auth.yaml:8:5'],
      messages: ['the API server refuses this ConfigMap, so none of its mappings applies'],
    },
  ],
});

test.run();
