import { test } from 'uvu';
import { HEADER } from '../../helpers/run.js';
import { ruleTests } from '../../helpers/rule-tester.js';

/* ---------- access folder ---------- */

/** The base alice signs in through an SSO role instead: no IAM user at all. */
const ALICE_ROLE = {
  'access/employees/alice.yaml': `${HEADER}kind: Employee\nname: alice\nemail: alice@example.com\nteam: checkout\nidentity:\n  role:\n    arn: arn:aws:iam::111122223333:role/Developers\naccess:\n  - cluster: prod\n    level: read-only\n`,
};

/** `n` access-entry clusters with 60-character names, and bob (an IAM user eks-access creates) on all of them. */
function manyClusters(n: number): Record<string, string> {
  const files: Record<string, string> = {};
  const names: string[] = [];
  for (let i = 0; i < n; i++) {
    const name = `c${String(i).padStart(2, '0')}-${'x'.repeat(56)}`;
    names.push(name);
    files[`access/clusters/${name}.yaml`] =
      `${HEADER}kind: Cluster\nname: ${name}\naccountId: "111122223333"\nregion: eu-west-1\nauthentication: access-entries\nnamespaces: [data]\n`;
  }
  files['access/employees/bob.yaml'] =
    `${HEADER}kind: Employee\nname: bob\nemail: bob@example.com\nteam: data\nidentity:\n  iamUser: bob\naccess:\n  - clusters: [${names.join(', ')}]\n    level: read-only\n`;
  return files;
}

/* ---------- Terraform JSON (lint --manifests) ---------- */

interface Statement {
  Effect?: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: unknown;
}

/**
 * One IAM user `bob` with inline policies and managed-policy attachments, pretty-printed, so the
 * positions are fixed: the user at 4:7; inline policy i at (9 + 5i):7 with its statements at
 * (12 + 5i):19; attachment j at (9 + 5n + (n > 0 ? 1 : 0) + 4j):7 for n inline policies.
 */
function tf(inline: { name?: string; statements: Statement[] }[] = [], managed: string[] = []): Record<string, string> {
  const resource: Record<string, unknown> = { aws_iam_user: { bob: { name: 'bob' } } };
  if (inline.length > 0) {
    resource.aws_iam_user_policy = Object.fromEntries(
      inline.map((p, i) => [
        `bob_${i}`,
        { name: p.name ?? `p${i}`, user: '${aws_iam_user.bob.name}', policy: JSON.stringify({ Version: '2012-10-17', Statement: p.statements }) },
      ]),
    );
  }
  if (managed.length > 0) {
    resource.aws_iam_user_policy_attachment = Object.fromEntries(managed.map((arn, j) => [`bob_m${j}`, { user: '${aws_iam_user.bob.name}', policy_arn: arn }]));
  }
  return { 'manifests/bob.tf.json': `${JSON.stringify({ resource }, null, 2)}\n` };
}
const F = 'manifests/bob.tf.json';
const allow = (Action: string | string[], Resource: string | string[] = '*', extra: Statement = {}): Statement => ({
  Effect: 'Allow',
  Action,
  Resource,
  ...extra,
});
const CLUSTER_ARN = 'arn:aws:eks:eu-west-1:111122223333:cluster/prod';
/** What eks-access generates for its IAM users. */
const DESCRIBE = {
  name: 'eks-access-describe-clusters',
  statements: [allow(['eks:DescribeCluster'], [CLUSTER_ARN, 'arn:aws:eks:us-east-1:444455556666:cluster/api'])],
};

/** The same user, attached through `aws_iam_policy_attachment` (users list) instead. */
const policyAttachment = (arn: string) => ({
  'manifests/shared.tf.json': `${JSON.stringify({ resource: { aws_iam_user: { bob: { name: 'bob' } }, aws_iam_policy_attachment: { everyone: { name: 'everyone', users: ['${aws_iam_user.bob.name}'], policy_arn: arn } } } }, null, 2)}\n`,
});

ruleTests('administrator-access', {
  valid: [
    { name: 'the generated access folder attaches no managed policy', access: {} },
    {
      name: 'ReadOnlyAccess, and AdministratorAccess-Amplify (a different, narrower policy)',
      manifests: tf([], ['arn:aws:iam::aws:policy/ReadOnlyAccess', 'arn:aws:iam::aws:policy/AdministratorAccess-Amplify']),
    },
  ],
  invalid: [
    {
      name: 'AdministratorAccess on a user',
      manifests: tf([], ['arn:aws:iam::aws:policy/AdministratorAccess']),
      errors: [`${F}:9:7`],
      messages: ['IAM user bob has the AWS managed policy AdministratorAccess attached'],
    },
    {
      name: 'through aws_iam_policy_attachment users, in another partition',
      manifests: policyAttachment('arn:aws-us-gov:iam::aws:policy/AdministratorAccess'),
      errors: ['manifests/shared.tf.json:9:7'],
    },
  ],
});

ruleTests('star-star-allow', {
  valid: [
    { name: 'the generated describe-only policy', access: {} },
    {
      name: 'Deny * on *, and * on one bucket (action-wildcard reports that)',
      manifests: tf([{ statements: [{ Effect: 'Deny', Action: '*', Resource: '*' }, allow('*', 'arn:aws:s3:::logs')] }]),
    },
  ],
  invalid: [
    {
      name: 'Allow * on *',
      manifests: tf([{ statements: [allow('*', '*')] }]),
      errors: [`${F}:12:19`],
      messages: ['IAM user bob\'s inline policy p0 allows Action "*" on Resource "*"'],
    },
    {
      name: '"*:*" in a list, with a condition, in the second policy',
      manifests: tf([
        DESCRIBE,
        { name: 'admin', statements: [allow(['s3:GetObject', '*:*'], ['*'], { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } })] },
      ]),
      errors: [`${F}:17:19`],
      messages: ['with a condition, which does not narrow what is allowed'],
    },
  ],
});

ruleTests('action-wildcard', {
  valid: [
    { name: 'the generated describe-only policy', access: {} },
    {
      name: 'named actions, and wildcards other rules own (* on *, eks:*, NotAction)',
      manifests: tf([
        {
          statements: [
            allow(['s3:GetObject', 's3:ListBucket'], 'arn:aws:s3:::logs'),
            allow('*', '*'),
            allow('eks:*', CLUSTER_ARN),
            { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' },
          ],
        },
      ]),
    },
  ],
  invalid: [
    {
      name: 's3:* on one bucket',
      manifests: tf([{ statements: [allow('s3:*', 'arn:aws:s3:::logs')] }]),
      errors: [`${F}:12:19`],
      messages: ['allows "s3:*" on arn:aws:s3:::logs: every action of the service'],
    },
    {
      name: 'iam:* is critical; * on one resource',
      manifests: tf([{ statements: [allow('IAM:*', '*')] }, { statements: [allow('*', 'arn:aws:s3:::logs')] }]),
      errors: [`${F}:12:19`, `${F}:17:19`],
      messages: ['including IAM itself', 'every action of every service'],
    },
  ],
});

ruleTests('user-attached-policy', {
  valid: [
    { name: 'the generated describe-only inline policy (access folder)', access: {} },
    { name: 'the generated describe-only inline policy (Terraform JSON)', manifests: tf([DESCRIBE]) },
  ],
  invalid: [
    {
      name: 'a managed policy attached to the user',
      manifests: tf([], ['arn:aws:iam::aws:policy/ReadOnlyAccess']),
      errors: [`${F}:9:7`],
      messages: ['IAM user bob has the managed policy ReadOnlyAccess attached directly'],
    },
    {
      name: 'the generated name does not make a policy generated: DescribeCluster on *, or one more action',
      manifests: tf([
        { name: 'eks-access-describe-clusters', statements: [allow('eks:DescribeCluster', '*')] },
        { name: 'eks-access-describe-clusters', statements: [allow(['eks:DescribeCluster', 'eks:ListClusters'], CLUSTER_ARN)] },
      ]),
      errors: [`${F}:9:7`, `${F}:14:7`],
    },
  ],
});

ruleTests('iam-users-exist', {
  valid: [
    { name: 'everyone signs in through a role', access: ALICE_ROLE },
    {
      name: 'Terraform with no aws_iam_user',
      manifests: { 'manifests/main.tf.json': '{ "terraform": { "required_providers": { "aws": { "source": "hashicorp/aws" } } } }\n' },
    },
  ],
  invalid: [
    {
      name: 'an identity.iamUser employee (the base alice)',
      access: {},
      errors: ['access/employees/alice.yaml:6'],
      messages: ['IAM user /eks-access/alice (employee alice) is a long-lived identity'],
    },
    { name: 'an aws_iam_user resource', manifests: tf(), errors: [`${F}:4:7`] },
  ],
});

ruleTests('allow-notaction-notresource', {
  valid: [
    {
      name: 'Deny with NotAction (the usual MFA guard)',
      manifests: tf([
        {
          statements: [
            allow('s3:GetObject', 'arn:aws:s3:::logs/*'),
            {
              Effect: 'Deny',
              NotAction: ['iam:ChangePassword', 'sts:GetSessionToken'],
              Resource: '*',
              Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
            },
          ],
        },
      ]),
    },
    { name: 'the generated describe-only policy', access: {} },
  ],
  invalid: [
    {
      name: 'Allow NotAction iam:* on * (PowerUserAccess by hand)',
      manifests: tf([{ statements: [{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }] }]),
      errors: [`${F}:12:19`],
      messages: ['allows every action except iam:* on * (NotAction with Allow)'],
    },
    {
      name: 'Allow with NotResource',
      manifests: tf([{ statements: [{ Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::payroll/*' }] }]),
      errors: [`${F}:12:19`],
      messages: ['s3:GetObject on every resource except arn:aws:s3:::payroll/*'],
    },
  ],
});

ruleTests('service-role-policy-on-human', {
  valid: [
    { name: 'the generated access folder', access: {} },
    { name: 'policies meant for people', manifests: tf([], ['arn:aws:iam::aws:policy/ReadOnlyAccess', 'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess']) },
  ],
  invalid: [
    {
      name: 'the cluster role policy, a node role policy and a CSI driver policy on a person',
      manifests: tf(
        [],
        [
          'arn:aws:iam::aws:policy/AmazonEKSClusterPolicy',
          'arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy',
          'arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy',
        ],
      ),
      errors: [`${F}:9:7`, `${F}:13:7`, `${F}:17:7`],
      messages: [
        'AmazonEKSClusterPolicy attached, which is meant for the EKS cluster IAM role',
        'meant for the node IAM role',
        "meant for the EBS CSI driver's IRSA/Pod Identity role",
      ],
    },
    {
      name: 'any AWS managed policy under service-role/, through aws_iam_policy_attachment',
      manifests: policyAttachment('arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'),
      errors: ['manifests/shared.tf.json:9:7'],
      messages: ['meant for a service role'],
    },
  ],
});

ruleTests('eks-wildcard-for-humans', {
  valid: [
    { name: 'the generated describe-only policy', access: {} },
    {
      name: 'read actions on *, and a write action on one named cluster',
      manifests: tf([
        {
          statements: [
            allow(['eks:DescribeCluster', 'eks:ListClusters', 'eks:List*'], '*'),
            allow('eks:UpdateNodegroupConfig', 'arn:aws:eks:eu-west-1:111122223333:nodegroup/prod/ng-1/*'),
          ],
        },
      ]),
    },
  ],
  invalid: [
    {
      name: 'eks:* even on one cluster',
      manifests: tf([{ statements: [allow('eks:*', CLUSTER_ARN)] }]),
      errors: [`${F}:12:19`],
      messages: ['allows "eks:*" on arn:aws:eks:eu-west-1:111122223333:cluster/prod'],
    },
    {
      name: 'access-entry writes on *',
      manifests: tf([{ statements: [allow(['eks:CreateAccessEntry', 'eks:AssociateAccessPolicy', 'eks:DescribeCluster'], '*')] }]),
      errors: [`${F}:12:19`],
      messages: [
        'EKS write actions (CreateAccessEntry, AssociateAccessPolicy) on *: the person can change or delete clusters and give themselves cluster-admin',
      ],
    },
    {
      name: 'eks:Update* on every cluster of the account',
      manifests: tf([{ statements: [allow('eks:Update*', 'arn:aws:eks:eu-west-1:111122223333:cluster/*')] }]),
      errors: [`${F}:12:19`],
      messages: ['UpdateAccessEntry'],
    },
  ],
});

const bigStatement = (n: number) =>
  allow(
    's3:GetObject',
    Array.from({ length: n }, (_, i) => `arn:aws:s3:::bucket-${String(i).padStart(3, '0')}/*`),
  );

ruleTests('policy-size', {
  valid: [
    { name: 'a describe policy for a few clusters', access: manyClusters(2) },
    { name: 'just under the quota', manifests: tf([{ statements: [bigStatement(60)] }]) },
  ],
  invalid: [
    {
      name: 'the generated describe policy of a person on 20 clusters',
      access: manyClusters(20),
      errors: ['access/employees/bob.yaml:7'],
      messages: ["IAM user /eks-access/bob (employee bob)'s inline policy eks-access-describe-clusters is"],
    },
    {
      name: 'one inline policy over 2,048 characters',
      manifests: tf([{ statements: [bigStatement(80)] }]),
      errors: [`${F}:9:7`],
      messages: ['over the 2048-character quota'],
    },
    {
      name: 'two inline policies that only together exceed it, reported at the user',
      manifests: tf([{ statements: [bigStatement(40)] }, { statements: [bigStatement(40)] }]),
      errors: [`${F}:4:7`],
      messages: ['inline policies (p0: '],
    },
  ],
});

test.run();
