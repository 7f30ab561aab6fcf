/**
 * Bad input, one problem per case: each case starts from BASE_FILES, adds or replaces one file (rarely
 * two), runs `validate`, and checks the exit code, the exact `file:line:column` of the diagnostic, a
 * phrase of its message, and that nothing like a stack trace reaches the user.
 *
 * The YAML below is written out in full so line numbers can be counted by eye: line 1 is always
 * `apiVersion`, line 2 `kind`.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BASE_FILES, run, scratch } from '../helpers/run.js';

interface Case {
  name: string;
  /** Added to (or replacing) BASE_FILES. */
  files: Record<string, string | Uint8Array>;
  /** `file:line:column` of the expected error. */
  location: string;
  /** A phrase the message at that location must contain. */
  message: string;
  /** No other diagnostic may be printed: for problems that used to come with noise. */
  alone?: true;
}

const BOB = 'access/employees/bob.yaml';
const CLUSTER = 'access/clusters/edge.yaml';

/** bob's file: lines 1-4 are fixed (apiVersion, kind, name, email), `rest` starts at line 5. */
const bob = (rest: string): Record<string, string> => ({
  [BOB]: `apiVersion: eks-access/v1
kind: Employee
name: bob
email: bob@example.com
${rest}`,
});

/** A valid identity for bob: lines 5-6. */
const IAM_USER = `identity:
  iamUser: bob
`;

/** bob with an iamUser identity (lines 5-6), `access:` on line 7 and `lines` (the grants) from line 8. */
const grant = (lines: string): Record<string, string> =>
  bob(`${IAM_USER}access:
${lines}`);

/** bob with a role identity: `role:` on line 6, `arn:` on line 7, then `extra` from line 8. */
const role = (extra: string, arn = 'arn:aws:iam::111122223333:role/developers'): Record<string, string> =>
  bob(`identity:
  role:
    arn: ${arn}
${extra}access:
  - cluster: prod
    level: read-only
`);

/** A cluster "edge" with the given lines from line 3 on. */
const cluster = (rest: string): Record<string, string> => ({
  [CLUSTER]: `apiVersion: eks-access/v1
kind: Cluster
${rest}`,
});

/** A valid cluster body with one field replaced. */
const clusterWith = (field: 'accountId' | 'region', value: string): Record<string, string> =>
  cluster(`name: edge
${field === 'accountId' ? `accountId: ${value}` : 'accountId: "111122223333"'}
${field === 'region' ? `region: ${value}` : 'region: eu-west-1'}
authentication: access-entries
namespaces: [default]
`);

/** Billion laughs: each anchor is a list of nine aliases to the previous one, 9^9 strings in all. */
const aliasBomb = ['apiVersion: eks-access/v1', 'kind: Employee', 'name: bob', 'a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
for (const [i, c] of ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].entries()) {
  const prev = 'abcdefgh'[i];
  aliasBomb.push(`${c}: &${c} [${Array(9).fill(`*${prev}`).join(', ')}]`);
}

const cases: Case[] = [
  // --- YAML syntax ---
  {
    name: 'unclosed double quote',
    files: bob(`${IAM_USER}access: []\nteam: "platform\n`),
    location: `${BOB}:8:7`,
    message: 'YAML syntax error: Missing closing "quote (opened here)',
  },
  {
    name: 'unclosed single quote in a flow list',
    files: grant(`  - cluster: prod\n    groups: [ops, 'admins]\n`),
    location: `${BOB}:9:19`,
    message: "Missing closing 'quote (opened here)",
  },
  {
    name: 'unclosed flow list',
    files: grant(`  - cluster: prod\n    namespaces: [payments\n    profile: developer\n`),
    location: `${BOB}:9:17`,
    message: 'end with a ] (opened here)',
  },
  {
    name: 'bad indentation: a mapping entry less indented than its siblings',
    files: bob(`identity:\n    iamUser: bob\n  role: {}\naccess: []\n`),
    location: `${BOB}:7:1`,
    message: 'All mapping items must start at the same column',
  },
  {
    name: 'bad indentation: a sequence item more indented than its siblings',
    files: grant(`  - cluster: prod\n    level: admin\n   - cluster: api\n    level: admin\n`),
    location: `${BOB}:10:4`,
    message: 'YAML syntax error',
  },
  {
    name: 'tab indentation',
    files: bob(`identity:\n\tiamUser: bob\naccess: []\n`),
    location: `${BOB}:6:1`,
    message: 'tab character used for indentation',
  },
  {
    name: 'duplicate key',
    files: bob(`${IAM_USER}access: []\nname: robert\n`),
    location: `${BOB}:8:1`,
    message: 'duplicate key',
  },
  {
    name: 'duplicate key in a nested mapping',
    files: grant(`  - cluster: prod\n    level: admin\n    cluster: api\n`),
    location: `${BOB}:10:5`,
    message: 'duplicate key',
  },
  {
    name: 'alias bomb (billion laughs)',
    files: { [BOB]: aliasBomb.join('\n') + '\n' },
    location: `${BOB}:5:8`,
    message: 'too many aliases',
  },
  {
    name: 'alias to an anchor that does not exist',
    files: bob(`${IAM_USER}access: *grants\n`),
    location: `${BOB}:7:9`,
    message: 'unknown alias *grants',
    alone: true,
  },
  {
    name: 'deeply nested flow lists',
    files: bob(`${IAM_USER}access: ${'['.repeat(5000)}\n`),
    location: `${BOB}:7:72`,
    message: 'nested more than 64 levels deep',
    alone: true,
  },
  {
    name: 'deeply nested block lists',
    files: bob(`${IAM_USER}access:\n  ${'- '.repeat(4000)}x\n`),
    location: `${BOB}:8:129`,
    message: 'nested more than 64 levels deep',
    alone: true,
  },
  {
    name: 'a YAML merge key',
    files: bob(`${IAM_USER}access: []\n<<: {team: platform}\n`),
    location: `${BOB}:8:1`,
    message: 'unknown field "<<"',
  },
  {
    name: 'a mapping as a field name',
    files: bob(`${IAM_USER}access: []\n? [team, reason]\n: x\n`),
    location: `${BOB}:8:3`,
    message: 'field names must be plain strings',
  },
  {
    name: 'a !!binary value',
    files: bob(`identity:\n  iamUser: !!binary Ym9i\naccess: []\n`),
    location: `${BOB}:6:21`,
    message: 'identity.iamUser must be a string, got binary data',
  },
  {
    name: 'Windows line endings keep line numbers',
    files: { [BOB]: bob(`${IAM_USER}access: []\nteem: platform\n`)[BOB]!.replace(/\n/g, '\r\n') },
    location: `${BOB}:8:1`,
    message: 'unknown field "teem" (did you mean "team"?)',
  },
  {
    name: 'a byte order mark keeps columns',
    files: { [BOB]: '\ufeffapiVersion: eks-access/v2\nkind: Employee\n' },
    location: `${BOB}:1:13`,
    message: 'unknown apiVersion "eks-access/v2"',
  },
  // --- not an access document ---
  {
    name: 'a list instead of a mapping',
    files: { [BOB]: '# bob\n- apiVersion: eks-access/v1\n- kind: Employee\n' },
    location: `${BOB}:2:1`,
    message: 'document is not a mapping',
  },
  {
    name: 'a scalar instead of a mapping',
    files: { [BOB]: 'just some text\n' },
    location: `${BOB}:1:1`,
    message: 'document is not a mapping',
  },
  {
    name: 'a bad second document names its own line',
    files: { [BOB]: `${bob(`${IAM_USER}access: []\n`)[BOB]}---\n- not a mapping\n` },
    location: `${BOB}:9:1`,
    message: 'document is not a mapping',
  },
  {
    name: 'comment-only and empty documents are skipped',
    files: { [BOB]: `${bob(`${IAM_USER}access: []\n`)[BOB]}---\n# carol moved teams\n---\n- oops\n---\n` },
    location: `${BOB}:11:1`,
    message: 'document is not a mapping',
    alone: true,
  },
  {
    name: 'an empty file',
    files: { [BOB]: '' },
    location: `${BOB}:1:1`,
    message: 'file has no YAML documents',
  },
  {
    name: 'a file with only comments',
    files: { [BOB]: '# bob left the company\n# nothing here\n' },
    location: `${BOB}:1:1`,
    message: 'file has no YAML documents',
  },
  {
    name: 'a binary file',
    files: { [BOB]: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]) },
    location: `${BOB}:1:1`,
    message: 'binary',
  },
  {
    name: 'a latin-1 file: byte 0xE9 on line 3',
    files: { [BOB]: Buffer.concat([Buffer.from('apiVersion: eks-access/v1\nkind: Employee\nteam: caf'), Buffer.from([0xe9]), Buffer.from('\nname: bob\n')]) },
    location: `${BOB}:3:10`,
    message: 'not valid UTF-8',
  },
  {
    name: 'a UTF-16 file (Windows PowerShell redirection)',
    files: { [BOB]: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('apiVersion: eks-access/v1\nkind: Employee\n', 'utf16le')]) },
    location: `${BOB}:1:1`,
    message: 'file is UTF-16 encoded; save it as UTF-8',
  },
  {
    name: 'an unknown kind',
    files: { [BOB]: 'apiVersion: eks-access/v1\nkind: Employe\nname: bob\n' },
    location: `${BOB}:2:7`,
    message: 'unknown kind "Employe"; expected "Cluster", "Profile", "Employee" or "LintPolicy" (did you mean "Employee"?)',
  },
  {
    name: 'a Kubernetes kind',
    files: { [BOB]: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: aws-auth}\n' },
    location: `${BOB}:2:7`,
    message: 'unknown kind "ConfigMap"',
  },
  {
    name: 'an unknown apiVersion',
    files: { [BOB]: bob(`${IAM_USER}access: []\n`)[BOB]!.replace('eks-access/v1', 'eks-access/v2') },
    location: `${BOB}:1:13`,
    message: 'unknown apiVersion "eks-access/v2"; expected "eks-access/v1"',
  },
  {
    name: 'a missing apiVersion',
    files: { [BOB]: '# bob\nkind: Employee\nname: bob\n' },
    location: `${BOB}:2:1`,
    message: 'missing required field "apiVersion"',
  },
  // --- unknown fields ---
  {
    name: 'a typo in a top-level field',
    files: { [BOB]: 'apiVersion: eks-access/v1\nkind: Employee\nname: bob\nemial: bob@example.com\nidentity: {iamUser: bob}\naccess: []\n' },
    location: `${BOB}:4:1`,
    message: 'unknown field "emial"',
  },
  {
    name: 'a one-letter typo in a top-level field',
    files: { [BOB]: 'apiVersion: eks-access/v1\nkind: Employee\nname: bob\nemai: bob@example.com\nidentity: {iamUser: bob}\naccess: []\n' },
    location: `${BOB}:4:1`,
    message: 'unknown field "emai" (did you mean "email"?)',
  },
  {
    name: 'a typo in a grant',
    files: grant(`  - cluster: prod\n    namespace: [payments]\n    profile: developer\n`),
    location: `${BOB}:9:5`,
    message: 'unknown field "namespace" in access[0] (did you mean "namespaces"?)',
  },
  {
    name: 'a typo in a rule',
    files: grant(`  - cluster: prod\n    namespaces: [payments]\n    rules:\n      - apiGroups: [""]\n        resources: [pods]\n        verb: [get]\n`),
    location: `${BOB}:13:9`,
    message: 'unknown field "verb" in access[0].rules[0] (did you mean "verbs"?)',
  },
  {
    name: 'an unknown field with nothing close lists the allowed ones',
    files: grant(`  - cluster: prod\n    level: admin\n    ttl: 3d\n`),
    location: `${BOB}:10:5`,
    message: 'unknown field "ttl" in access[0]; allowed fields:',
  },
  {
    name: '__proto__ is an unknown field',
    files: bob(`${IAM_USER}access: []\n__proto__: {polluted: 1}\n`),
    location: `${BOB}:8:1`,
    message: 'unknown field "__proto__"',
  },
  {
    name: '__proto__ in a nested mapping',
    files: grant(`  - cluster: prod\n    level: admin\n    __proto__:\n      polluted: 1\n`),
    location: `${BOB}:10:5`,
    message: 'unknown field "__proto__" in access[0]',
  },
  {
    name: 'constructor is an unknown field',
    files: bob(`identity:\n  iamUser: bob\n  constructor: x\naccess: []\n`),
    location: `${BOB}:7:3`,
    message: 'unknown field "constructor" in identity',
  },
  {
    name: '__proto__ as a lint rule id',
    files: { 'access/policy.yaml': 'apiVersion: eks-access/v1\nkind: LintPolicy\nrules:\n  __proto__: off\n' },
    location: 'access/policy.yaml:4:3',
    message: 'invalid rule id "__proto__" in rules',
    alone: true,
  },
  {
    name: 'a bad lint rule id names its key',
    files: { 'access/policy.yaml': 'apiVersion: eks-access/v1\nkind: LintPolicy\nrules:\n  secrets-read: off\n  Secrets_Read: off\n' },
    location: 'access/policy.yaml:5:3',
    message: 'invalid rule id "Secrets_Read" in rules: a lint rule id in kebab case',
    alone: true,
  },
  {
    name: 'a non-string field name',
    files: bob(`${IAM_USER}access: []\n12: twelve\n`),
    location: `${BOB}:8:1`,
    message: 'field names must be plain strings',
  },
  // --- wrong types ---
  {
    name: 'accountId as an unquoted number',
    files: clusterWith('accountId', '111122223333'),
    location: `${CLUSTER}:4:12`,
    message: 'accountId must be a string, got number 111122223333 (put quotes around it)',
  },
  {
    name: 'accountId with a leading zero, unquoted',
    files: clusterWith('accountId', '011122223333'),
    location: `${CLUSTER}:4:12`,
    message: 'put quotes around it',
  },
  {
    name: 'namespaces as a string',
    files: grant(`  - cluster: prod\n    namespaces: payments\n    profile: developer\n`),
    location: `${BOB}:9:17`,
    message: 'access[0].namespaces must be a list, got string "payments"',
  },
  {
    name: 'access as a mapping',
    files: bob(`${IAM_USER}access:\n  cluster: prod\n  level: admin\n`),
    location: `${BOB}:8:3`,
    message: 'access must be a list, got a mapping',
  },
  {
    name: 'identity left empty',
    files: bob(`identity:\naccess: []\n`),
    location: `${BOB}:5:10`,
    message: 'identity must be a mapping, got nothing (null)',
    alone: true,
  },
  {
    name: 'identity as a string',
    files: bob(`identity: bob\naccess: []\n`),
    location: `${BOB}:5:11`,
    message: 'identity must be a mapping, got string "bob"',
    alone: true,
  },
  {
    name: 'a grant as a string',
    files: bob(`${IAM_USER}access: [prod]\n`),
    location: `${BOB}:7:10`,
    message: 'access[0] must be a mapping, got string "prod"',
    alone: true,
  },
  {
    name: 'name as a number',
    files: { [BOB]: 'apiVersion: eks-access/v1\nkind: Employee\nname: 42\nemail: bob@example.com\nidentity: {iamUser: bob}\naccess: []\n' },
    location: `${BOB}:3:7`,
    message: 'name must be a string, got number 42 (put quotes around it)',
  },
  // --- missing required fields, at the mapping that lacks them ---
  {
    name: 'missing email',
    files: { [BOB]: '# bob\napiVersion: eks-access/v1\nkind: Employee\nname: bob\nidentity: {iamUser: bob}\naccess: []\n' },
    location: `${BOB}:2:1`,
    message: 'missing required field "email"',
  },
  {
    name: 'a grant without a cluster',
    files: grant(`  - level: admin\n`),
    location: `${BOB}:8:5`,
    message: 'access[0] needs exactly one of "cluster" or "clusters"',
  },
  {
    name: 'a grant without any permission',
    files: grant(`  - cluster: prod\n    expires: 2027-01-01\n`),
    location: `${BOB}:8:5`,
    message: 'access[0] needs exactly one of "level", "profile", "rules", "groups" or "accessPolicy"',
  },
  {
    name: 'an identity with nothing in it',
    files: bob(`identity: {}\naccess: []\n`),
    location: `${BOB}:5:11`,
    message: 'identity needs exactly one of "iamUser", "iamUserArn" or "role"',
  },
  {
    name: 'an aws-auth mapping without username',
    files: cluster(`name: edge
accountId: "111122223333"
region: eu-west-1
authentication: aws-auth
namespaces: [default]
awsAuth:
  mapRoles:
    - rolearn: arn:aws:iam::111122223333:role/edge-nodes
      groups: [system:bootstrappers, system:nodes]
`),
    location: `${CLUSTER}:10:7`,
    message: 'missing required field "username" in awsAuth.mapRoles[0]',
  },
  // --- names ---
  {
    name: 'path traversal as a name',
    files: { [BOB]: 'apiVersion: eks-access/v1\nkind: Employee\nname: ../etc\nemail: bob@example.com\nidentity: {iamUser: bob}\naccess: []\n' },
    location: `${BOB}:3:7`,
    message: 'invalid DNS-1123 label "../etc" in name',
  },
  {
    name: 'upper case in a name',
    files: { [BOB]: 'apiVersion: eks-access/v1\nkind: Employee\nname: Alice\nemail: bob@example.com\nidentity: {iamUser: bob}\naccess: []\n' },
    location: `${BOB}:3:7`,
    message: 'invalid DNS-1123 label "Alice" in name',
  },
  {
    name: 'a Cyrillic homoglyph in a name',
    files: { [BOB]: 'apiVersion: eks-access/v1\nkind: Employee\nname: \u0430lice\nemail: bob@example.com\nidentity: {iamUser: bob}\naccess: []\n' },
    location: `${BOB}:3:7`,
    message: 'invalid DNS-1123 label',
  },
  {
    name: 'path traversal as a cluster reference',
    files: grant(`  - cluster: ../prod\n    level: admin\n`),
    location: `${BOB}:8:14`,
    message: 'invalid DNS-1123 label "../prod" in access[0].cluster',
  },
  {
    name: 'a namespace that is not a DNS-1123 label',
    files: cluster(`name: edge\naccountId: "111122223333"\nregion: eu-west-1\nauthentication: access-entries\nnamespaces: [default, Kube_System]\n`),
    location: `${CLUSTER}:7:23`,
    message: 'invalid Kubernetes namespace "Kube_System" in namespaces[1]',
  },
  // --- ARNs, account ids, regions, dates ---
  {
    name: 'an sts assumed-role ARN as a role',
    files: role('', 'arn:aws:sts::111122223333:assumed-role/developers/bob'),
    location: `${BOB}:7:10`,
    message: 'not an sts assumed-role ARN',
  },
  {
    name: 'a service-linked role',
    files: role('', 'arn:aws:iam::111122223333:role/aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS'),
    location: `${BOB}:7:10`,
    message: 'invalid IAM role ARN',
  },
  {
    name: 'a role ARN without the account digits',
    files: role('', 'arn:aws:iam:::role/developers'),
    location: `${BOB}:7:10`,
    message: 'invalid IAM role ARN "arn:aws:iam:::role/developers" in identity.role.arn',
  },
  {
    name: 'an IAM user ARN with a short account',
    files: bob(`identity:\n  iamUserArn: arn:aws:iam::1111:user/bob\naccess: []\n`),
    location: `${BOB}:6:15`,
    message: 'invalid IAM user ARN',
  },
  {
    name: 'an 11-digit account id',
    files: clusterWith('accountId', '"11112222333"'),
    location: `${CLUSTER}:4:12`,
    message: 'invalid AWS account id "11112222333" in accountId',
  },
  {
    name: 'a region without its number',
    files: clusterWith('region', 'eu-west'),
    location: `${CLUSTER}:5:9`,
    message: 'invalid AWS region "eu-west" in region',
  },
  {
    name: 'a region that does not exist',
    files: clusterWith('region', 'moon-1'),
    location: `${CLUSTER}:5:9`,
    message: 'invalid AWS region "moon-1"',
  },
  {
    name: 'month 13',
    files: bob(`${IAM_USER}access: []\nexpires: 2027-13-45\n`),
    location: `${BOB}:8:10`,
    message: 'invalid date "2027-13-45" in expires',
  },
  {
    name: 'February 30th',
    files: grant(`  - cluster: prod\n    level: admin\n    expires: 2027-02-30\n`),
    location: `${BOB}:10:14`,
    message: 'invalid date "2027-02-30" in access[0].expires',
  },
  // --- session names ---
  {
    name: 'a session name with a space',
    files: role('    sessionName: bob smith\n'),
    location: `${BOB}:8:18`,
    message: 'invalid role session name "bob smith" in identity.role.sessionName',
  },
  {
    name: 'a session name with %',
    files: role('    sessionName: bob%40example.com\n'),
    location: `${BOB}:8:18`,
    message: 'invalid role session name',
  },
  {
    name: 'a one-character session name',
    files: role('    sessionName: b\n'),
    location: `${BOB}:8:18`,
    message: 'invalid role session name "b"',
  },
  {
    name: 'a 65-character session name',
    files: role(`    sessionName: ${'b'.repeat(65)}\n`),
    location: `${BOB}:8:18`,
    message: 'invalid role session name',
  },
  {
    name: 'an email that cannot be the default session name',
    files: { [BOB]: role('')[BOB]!.replace('bob@example.com', 'bob%ops@example.com') },
    location: `${BOB}:7:5`,
    message: 'email "bob%ops@example.com" is not a valid role session name',
  },
  {
    name: 'two employees with the same session name on roles',
    files: {
      ...role('    sessionName: ops\n'),
      'access/employees/carol.yaml': role('    sessionName: ops\n')[BOB]!.replace('name: bob\nemail: bob@', 'name: carol\nemail: carol@'),
    },
    location: 'access/employees/carol.yaml:7:5',
    message: 'employee "carol" would get the same Kubernetes username "session:ops" as employee "bob" (access/employees/bob.yaml:7:5)',
  },
  // --- identities ---
  {
    name: 'two identities',
    files: bob(`identity:\n  iamUser: bob\n  role:\n    arn: arn:aws:iam::111122223333:role/developers\naccess: []\n`),
    location: `${BOB}:6:3`,
    message: 'identity has "iamUser" and "role"; keep exactly one',
  },
  // --- duplicates across files ---
  {
    name: 'two employees with the same name',
    files: { ...bob(`${IAM_USER}access: []\n`), 'access/employees/robert.yaml': bob(`identity:\n  iamUser: robert\naccess: []\n`)[BOB]! },
    location: 'access/employees/robert.yaml:3:7',
    message: 'duplicate employee name "bob"; also defined at access/employees/bob.yaml:3:7',
  },
  {
    name: 'two clusters with the same name',
    files: { 'access/clusters/prod-copy.yaml': BASE_FILES['access/clusters/prod.yaml']! },
    location: 'access/clusters/prod.yaml:3:7',
    message: 'duplicate cluster name "prod"; also defined at access/clusters/prod-copy.yaml:3:7',
  },
  {
    name: 'a profile named like a built-in one',
    files: { 'access/profiles/view.yaml': 'apiVersion: eks-access/v1\nkind: Profile\nname: view\ndescription: mine\nclusterRole: view\n' },
    location: 'access/profiles/view.yaml:3:7',
    message: 'profile "view" is built in',
  },
  // --- references ---
  {
    name: 'an unknown cluster',
    files: grant(`  - cluster: prd\n    level: admin\n`),
    location: `${BOB}:8:14`,
    message: 'unknown cluster "prd" (did you mean "prod"?)',
  },
  {
    name: 'an unknown cluster in a list',
    files: grant(`  - clusters: [prod, stagin]\n    level: admin\n`),
    location: `${BOB}:8:22`,
    message: 'unknown cluster "stagin"; known clusters: api, prod',
  },
  {
    name: 'a grant on a cluster whose file is broken reports the cluster file only',
    files: {
      ...clusterWith('region', 'moon-1'),
      ...grant(`  - cluster: edge\n    level: admin\n`),
    },
    location: `${CLUSTER}:5:9`,
    message: 'invalid AWS region "moon-1"',
    alone: true,
  },
  {
    name: 'an unknown profile',
    files: grant(`  - cluster: prod\n    namespaces: [payments]\n    profile: deployer\n`),
    location: `${BOB}:10:14`,
    message: 'unknown profile "deployer"',
  },
  {
    name: 'a namespace the cluster does not list',
    files: grant(`  - cluster: prod\n    namespaces: [payments, paymnts]\n    profile: developer\n`),
    location: `${BOB}:9:28`,
    message: 'namespace "paymnts" is not listed by cluster "prod" (access/clusters/prod.yaml) (did you mean "payments"?)',
  },
  // --- grants ---
  {
    name: 'accessPolicy on an aws-auth cluster',
    files: grant(`  - cluster: prod\n    accessPolicy: AmazonEKSViewPolicy\n`),
    location: `${BOB}:9:19`,
    message: 'accessPolicy needs access entries, but cluster "prod" uses authentication: aws-auth',
  },
  {
    name: 'system:masters on an access-entries cluster',
    files: grant(`  - cluster: api\n    groups: [system:masters]\n`),
    location: `${BOB}:9:14`,
    message: 'AmazonEKSClusterAdminPolicy',
  },
  {
    name: 'level and profile in one grant',
    files: grant(`  - cluster: prod\n    level: admin\n    profile: developer\n`),
    location: `${BOB}:8:5`,
    message: 'access[0] has "level" and "profile"; keep exactly one',
  },
  {
    name: 'rules without namespaces',
    files: grant(`  - cluster: prod\n    rules:\n      - apiGroups: [""]\n        resources: [pods]\n        verbs: [get]\n`),
    location: `${BOB}:8:5`,
    message: '"rules" needs "namespaces"',
  },
  {
    name: 'level with namespaces',
    files: grant(`  - cluster: prod\n    level: read-only\n    namespaces: [payments]\n`),
    location: `${BOB}:10:5`,
    message: '"namespaces" cannot be used together with "level"',
  },
  {
    name: 'a profile without namespaces or scope',
    files: grant(`  - cluster: prod\n    profile: developer\n`),
    location: `${BOB}:8:5`,
    message: '"profile" needs exactly one of "namespaces" or "scope"',
  },
  {
    name: 'a rule with resources but no apiGroups',
    files: grant(`  - cluster: prod\n    namespaces: [payments]\n    rules:\n      - resources: [pods]\n        verbs: [get]\n`),
    location: `${BOB}:11:9`,
    message: 'a rule with resources needs apiGroups',
  },
  {
    name: 'an unknown verb',
    files: grant(
      `  - cluster: prod\n    namespaces: [payments]\n    rules:\n      - apiGroups: [""]\n        resources: [pods]\n        verbs: [get, execute]\n`,
    ),
    location: `${BOB}:13:22`,
    message: 'invalid access[0].rules[0].verbs[1] "execute"',
  },
  // --- clusters and aws-auth ---
  {
    name: 'an aws-auth cluster with no node mapping',
    files: cluster(`name: edge
accountId: "111122223333"
region: eu-west-1
authentication: aws-auth
namespaces: [default]
awsAuth:
  mapRoles:
    - rolearn: arn:aws:iam::111122223333:role/break-glass
      username: break-glass
      groups: [ops]
`),
    location: `${CLUSTER}:3:7`,
    message: 'would lock every node out',
  },
  {
    name: 'a preserved aws-auth role ARN with a path',
    files: cluster(`name: edge
accountId: "111122223333"
region: eu-west-1
authentication: aws-auth
namespaces: [default]
awsAuth:
  mapRoles:
    - rolearn: arn:aws:iam::111122223333:role/nodes/edge-nodes
      username: system:node:{{EC2PrivateDNSName}}
      groups: [system:bootstrappers, system:nodes]
`),
    location: `${CLUSTER}:10:16`,
    message: 'aws-auth role ARNs must not include a path',
  },
  {
    name: 'an unknown authentication mode',
    files: cluster(`name: edge\naccountId: "111122223333"\nregion: eu-west-1\nauthentication: access-entry\nnamespaces: [default]\n`),
    location: `${CLUSTER}:6:17`,
    message: 'invalid authentication "access-entry": expected "aws-auth", "access-entries" or "both" (did you mean "access-entries"?)',
  },
];

for (const c of cases) {
  test(c.name, async () => {
    const s = scratch({ ...BASE_FILES, ...c.files });
    try {
      const r = await run(['validate'], s.dir);
      assert.is(r.code, 1, `exit code\n${r.stderr}`);
      const prefix = `${c.location}  error  `;
      const lines = r.stderr.split('\n').filter((l) => l.startsWith(prefix));
      assert.ok(lines.length > 0, `expected an error at ${c.location}; got:\n${r.stderr}`);
      assert.ok(
        lines.some((l) => l.includes(c.message)),
        `expected "${c.message}" at ${c.location}; got:\n${r.stderr}`,
      );
      if (c.alone) assert.match(r.stderr, /\n1 error\(s\), 0 warning\(s\)\n$/, `expected no other diagnostic; got:\n${r.stderr}`);
      assert.not.match(r.stderr, /^\s+at /m, 'stack trace');
      assert.not.match(r.stderr, /\bError:/, 'raw error');
      assert.is(r.stdout, '');
      assert.is(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype was polluted');
    } finally {
      s.cleanup();
    }
  });
}

test.run();
