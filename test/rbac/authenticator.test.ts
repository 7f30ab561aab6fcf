/**
 * Identity resolution as aws-iam-authenticator does it, table by table after its own tests
 * (pkg/arn/arn_test.go, pkg/mapper/configmap/configmap_test.go and yaml_test.go with its yaml/
 * fixtures, pkg/server/server_test.go) and cases derived from the code they exercise (ParseMap, Map,
 * Canonicalize, doMapping, renderTemplate).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { canonicalizeArn, mapIdentity, readAwsAuth, renderTemplate, type CanonicalArn, type IdentityMappings } from '../../src/rbac/aws-auth.js';
import { yamlToJson } from '../../src/rbac/go-yaml.js';

/* ---------- Canonicalize (arn_test.go, plus the error branches of arn.go) ---------- */

const canonical: [string, string | undefined][] = [
  ['NOT AN ARN', undefined],
  ['arn:aws:iam::123456789012:user/Alice', 'arn:aws:iam::123456789012:user/Alice'],
  ['arn:aws:iam::123456789012:role/Users', 'arn:aws:iam::123456789012:role/Users'],
  ['arn:aws:sts::123456789012:assumed-role/Admin/Session', 'arn:aws:iam::123456789012:role/Admin'],
  ['arn:aws:sts::123456789012:federated-user/Bob', 'arn:aws:sts::123456789012:federated-user/Bob'],
  ['arn:aws:iam::123456789012:root', 'arn:aws:iam::123456789012:root'],
  ['arn:aws:sts::123456789012:assumed-role/Org/Team/Admin/Session', 'arn:aws:iam::123456789012:role/Org/Team/Admin'],
  ['arn:aws-iso:iam::123456789012:user/Chris', 'arn:aws-iso:iam::123456789012:user/Chris'],
  ['arn:aws-iso-b:iam::123456789012:user/Chris', 'arn:aws-iso-b:iam::123456789012:user/Chris'],
  ['arn:aws-cn:sts::123456789012:assumed-role/Admin/s', 'arn:aws-cn:iam::123456789012:role/Admin'],
  ['arn:aws-eusc:iam::123456789012:role/x', 'arn:aws-eusc:iam::123456789012:role/x'],
  // An IAM role ARN keeps its path: only assumed-role ARNs are rewritten.
  ['arn:aws:iam::123456789012:role/team/Users', 'arn:aws:iam::123456789012:role/team/Users'],
  ['arn:aws-xx:iam::123456789012:user/Alice', undefined],
  ['arn:AWS:iam::123456789012:user/Alice', undefined],
  ['arn:aws:sts::123456789012:assumed-role/Admin', undefined],
  ['arn:aws:sts::123456789012:session/x', undefined],
  ['arn:aws:iam::123456789012:group/admins', undefined],
  ['arn:aws:s3:::bucket', undefined],
  ['arn:aws:iam::123456789012', undefined],
];
for (const [arn, expected] of canonical) {
  test(`Canonicalize ${arn}`, () => {
    const c = canonicalizeArn(arn);
    if (expected === undefined) assert.ok('error' in c, JSON.stringify(c));
    else assert.is((c as CanonicalArn).canonical, expected);
  });
}

test('Canonicalize: the session name is the last segment of an assumed-role ARN, and empty otherwise', () => {
  assert.is((canonicalizeArn('arn:aws:sts::123456789012:assumed-role/Org/Admin/jdoe@example.com') as CanonicalArn).sessionName, 'jdoe@example.com');
  assert.is((canonicalizeArn('arn:aws:iam::123456789012:user/Alice') as CanonicalArn).sessionName, '');
  assert.is((canonicalizeArn('arn:aws:sts::123456789012:federated-user/Bob') as CanonicalArn).sessionName, '');
});

/* ---------- renderTemplate (server_test.go TestRenderTemplate) ---------- */

const id = (sessionName: string, accountId = '123'): CanonicalArn => ({
  type: 'assumed-role',
  canonical: 'arn:aws:iam::123:role/x',
  partition: 'aws',
  accountId,
  sessionName,
});
const templates: [string, CanonicalArn, string | undefined][] = [
  ['a-{{EC2PrivateDNSName}}-b', id('i-aaaaa'), undefined],
  ['a-{{AccountID}}-b', id(''), 'a-123-b'],
  ['a-{{SessionName}}-b', id('jdoe'), 'a-jdoe-b'],
  ['a-{{SessionName}}-b', id('jdoe@example.com'), 'a-jdoe-example.com-b'],
  ['a-{{SessionNameRaw}}-b', id('jdoe@example.com'), 'a-jdoe@example.com-b'],
  ['a-{{AccountID}}-{{SessionName}}-{{SessionNameRaw}}-b', id('jdoe@example.com'), 'a-123-jdoe-example.com-jdoe@example.com-b'],
  ['system:node:{{EC2PrivateDNSName}}', id('i-0c6f21bf1f24f9708'), 'system:node:<private DNS name of i-0c6f21bf1f24f9708>'],
  ['system:node:{{EC2PrivateDNSName}}', id('i-0c6f21bf'), 'system:node:<private DNS name of i-0c6f21bf>'],
  ['system:node:{{EC2PrivateDNSName}}', id('jdoe'), undefined],
  ['{{Session}}', id('jdoe'), '{{Session}}'],
];
for (const [template, identity, want] of templates) {
  test(`renderTemplate ${template} for session "${identity.sessionName}"`, () => {
    const r = renderTemplate(template, identity);
    if (want === undefined) assert.not.ok(r.ok);
    else assert.equal(r, { ok: true, value: want });
  });
}

/* ---------- ParseMap (configmap_test.go, yaml_test.go fixtures) ---------- */

const NODE_ROLE = 'arn:aws:iam::555555555555:role/devel-worker-nodes-NodeInstanceRole-74RF4UBDUKL6';
const docs = (
  mapRoles: string,
  mapUsers = '- userarn: arn:aws:iam::555555555555:user/admin\n  username: admin\n  groups:\n  - system:masters\n',
  mapAccounts = '- "555555555555"\n',
) => ({ mapRoles, mapUsers, mapAccounts });
const NODE = `- rolearn: ${NODE_ROLE}\n  username: system:node:{{EC2PrivateDNSName}}\n  groups:\n  - system:bootstrappers\n  - system:nodes\n`;
const summary = (data: unknown) => {
  const r = readAwsAuth(data);
  return {
    roles: r.entries.filter((e) => e.section === 'mapRoles').map((e) => [e.arn, e.username ?? null, e.groups.map((g) => g.name)]),
    users: r.entries.filter((e) => e.section === 'mapUsers').map((e) => [e.arn, e.username ?? null, e.groups.map((g) => g.name)]),
    accounts: r.accounts.map((a) => a.id),
    invalid: r.invalid !== undefined,
    problems: r.problems.length,
  };
};
const VALID = {
  roles: [[NODE_ROLE, 'system:node:{{EC2PrivateDNSName}}', ['system:bootstrappers', 'system:nodes']]],
  users: [['arn:aws:iam::555555555555:user/admin', 'admin', ['system:masters']]],
  accounts: ['555555555555'],
  invalid: false,
  problems: 0,
};

const parseCases: [string, unknown, Partial<ReturnType<typeof summary>>][] = [
  ['the EKS documentation example', docs(NODE), VALID],
  [
    'RoLeArN instead of rolearn: entry keys are case-insensitive',
    docs(NODE.replace('rolearn', 'RoLeArN').replace('username', 'UsErNaMe').replace('groups', 'GrOuPs')),
    VALID,
  ],
  ['roleARN instead of rolearn', docs(NODE.replace('rolearn', 'roleARN')), VALID],
  [
    'mapusers instead of mapUsers: top-level keys are case-sensitive',
    { maproles: NODE, mapusers: docs('').mapUsers, mapaccounts: '- "555555555555"\n' },
    { roles: [], users: [], accounts: [] },
  ],
  ['MaPuSeRs instead of mapUsers', { MaPrOlEs: NODE, MaPuSeRs: docs('').mapUsers }, { roles: [], users: [] }],
  [
    'an extra space before - system:nodes folds into one group',
    docs(NODE.replace('  - system:nodes', '   - system:nodes')),
    { roles: [[NODE_ROLE, 'system:node:{{EC2PrivateDNSName}}', ['system:bootstrappers - system:nodes']]] },
  ],
  [
    'a missing | after mapRoles: the ConfigMap is invalid and maps nobody',
    { mapRoles: [{ rolearn: NODE_ROLE }], mapUsers: docs('').mapUsers },
    { roles: [], users: [], invalid: true },
  ],
  ['empty values: "", \'\', backticks, blank', { mapAccounts: '', mapRoles: '""', mapUsers: '``' }, { roles: [], users: [], accounts: [], problems: 0 }],
  [
    'an SSO matcher is valid, kept, and matches no one (feature gate off)',
    { mapRoles: `${NODE}- sso:\n    permissionSetName: ViewOnlyAccess\n    accountID: "012345678912"\n    partition: aws-cn\n  username: user1\n` },
    { roles: VALID.roles, problems: 1 },
  ],
  [
    'rolearn and sso together: the entry is invalid',
    { mapRoles: `- rolearn: arn:aws:iam::1:role/a\n  sso: {permissionSetName: A, accountID: "012345678912"}\n` },
    { roles: [], problems: 1 },
  ],
  ['an sso accountID that is not 12 digits', { mapRoles: `- sso: {permissionSetName: A, accountID: "123"}\n` }, { roles: [], problems: 1 }],
  ['an entry without rolearn is dropped, the others kept', { mapRoles: `- username: nobody\n${NODE}` }, { roles: VALID.roles, problems: 1 }],
  [
    'an entry without userarn is dropped',
    { mapUsers: `- username: nobody\n- userarn: arn:aws:iam::1:user/a\n` },
    { users: [['arn:aws:iam::1:user/a', null, []]], problems: 1 },
  ],
  [
    'unquoted {{SessionName}} is a flow mapping used as a key: go-yaml rejects the whole section, nodes included',
    { mapRoles: `${NODE}- rolearn: arn:aws:iam::1:role/dev\n  username: {{SessionName}}\n`, mapUsers: docs('').mapUsers },
    { roles: [], users: VALID.users, problems: 1 },
  ],
  [
    'groups: ops is skipped; the entry is kept without groups',
    { mapRoles: '- rolearn: arn:aws:iam::1:role/ops\n  username: ops\n  groups: ops\n' },
    { roles: [['arn:aws:iam::1:role/ops', 'ops', []]], problems: 1 },
  ],
  [
    'a number as username is skipped (the username is then empty)',
    { mapUsers: '- userarn: arn:aws:iam::1:user/a\n  username: 12\n' },
    { users: [['arn:aws:iam::1:user/a', null, []]] },
  ],
  [
    'YAML 1.1 booleans are not strings: yes, on, y; a timestamp is its text',
    { mapUsers: '- userarn: arn:aws:iam::1:user/a\n  username: yes\n  groups: [on, "off", y, 2001-12-14]\n' },
    { users: [['arn:aws:iam::1:user/a', null, ['', 'off', '', '2001-12-14']]] },
  ],
  [
    'aliases are resolved',
    { mapRoles: '- &n\n  rolearn: arn:aws:iam::1:role/a\n  username: a\n  groups: &g [x, z]\n- rolearn: arn:aws:iam::1:role/b\n  groups: *g\n' },
    {
      roles: [
        ['arn:aws:iam::1:role/a', 'a', ['x', 'z']],
        ['arn:aws:iam::1:role/b', null, ['x', 'z']],
      ],
    },
  ],
  [
    'merge keys apply where they stand: a key after << wins, one before it loses',
    { mapUsers: '- &a {userarn: arn:aws:iam::1:user/a, username: first}\n- username: before\n  <<: *a\n- <<: *a\n  username: after\n' },
    {
      users: [
        ['arn:aws:iam::1:user/a', 'first', []],
        ['arn:aws:iam::1:user/a', 'first', []],
        ['arn:aws:iam::1:user/a', 'after', []],
      ],
    },
  ],
  ['a merge of a scalar fails the section', { mapUsers: '- &a x\n- <<: *a\n  userarn: arn:aws:iam::1:user/a\n' }, { users: [], problems: 1 }],
  [
    'keys differing in case: the one sorting last wins (json.Marshal sorts keys)',
    { mapRoles: '- rolearn: arn:aws:iam::1:role/lower\n  RoleArn: arn:aws:iam::1:role/Upper\n' },
    { roles: [['arn:aws:iam::1:role/lower', null, []]] },
  ],
  [
    'libyaml does not check indentation inside a flow list',
    { mapRoles: '- rolearn: arn:aws:iam::1:role/a\n  groups: [a,\n  b]\n' },
    { roles: [['arn:aws:iam::1:role/a', null, ['a', 'b']]], problems: 0 },
  ],
  [
    "nor of a quoted scalar's continuation lines",
    { mapRoles: '- rolearn: arn:aws:iam::1:role/a\n  username: "dev:\n  x"\n' },
    { roles: [['arn:aws:iam::1:role/a', 'dev: x', []]], problems: 0 },
  ],
  ['an unclosed flow list is still an error', { mapRoles: '- rolearn: arn:aws:iam::1:role/a\n  groups: [a\n' }, { roles: [], problems: 1 }],
  ['.inf cannot be JSON: the section fails', { mapUsers: '- userarn: arn:aws:iam::1:user/a\n  username: .inf\n' }, { users: [], problems: 1 }],
  ['a text starting with { is JSON, never a list', { mapUsers: '{"userarn": "arn:aws:iam::1:user/a"}' }, { users: [], problems: 1 }],
  ['a JSON list is read', { mapUsers: '[{"userarn": "arn:aws:iam::1:user/j", "username": "j"}]' }, { users: [['arn:aws:iam::1:user/j', 'j', []]] }],
  [
    'mapAccounts keep their text: leading zeros, hex, unquoted',
    { mapAccounts: '- 012345678901\n- "111122223333"\n- 0x10\n' },
    { accounts: ['012345678901', '111122223333', '0x10'] },
  ],
  [
    'mapAccounts: an entry that is not a scalar is skipped, the others kept',
    { mapAccounts: '- 111122223333\n- {a: 1}\n- 222233334444\n' },
    { accounts: ['111122223333', '222233334444'], problems: 1 },
  ],
  ['mapAccounts as a mapping maps no account', { mapAccounts: 'a: b\n' }, { accounts: [], problems: 1 }],
  ['a data value that is not a string anywhere invalidates the ConfigMap', { mapUsers: docs('').mapUsers, other: 5 }, { users: [], invalid: true }],
  ['data that is not a mapping', 'mapRoles', { roles: [], invalid: true }],
];
for (const [name, data, expected] of parseCases) {
  test(`ParseMap: ${name}`, () => {
    const got = summary(data);
    for (const [k, v] of Object.entries(expected)) assert.equal(got[k as keyof typeof got], v, k);
  });
}

test('a ConfigMap value kubectl reads as a boolean (YAML 1.1 yes) invalidates the ConfigMap, though YAML 1.2 reads a string', async () => {
  const { parseYamlText } = await import('../../src/load/load.js');
  const { dataAsKubectlReadsIt } = await import('../../src/rbac/manifest-bundle.js');
  const text = (v: string) =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: aws-auth, namespace: kube-system}\ndata:\n  mapUsers: |\n    - userarn: arn:aws:iam::1:user/a\n  enabled: ${v}\n`;
  for (const [v, invalid] of [
    ['yes', true],
    ['on', true],
    ['1_000', true],
    ['"yes"', false],
    ['hello', false],
    ['2001-12-14', false],
  ] as const) {
    const [d] = parseYamlText(text(v), 'cm.yaml').value;
    const data = (d!.data as { data: unknown }).data;
    assert.is(readAwsAuth(dataAsKubectlReadsIt(d!, [], data)).invalid !== undefined, invalid, v);
  }
});

test('ParseMap: a section error points into the string (at the mapping used as a key)', () => {
  const r = yamlToJson('- rolearn: arn:aws:iam::1:role/dev\n  username: {{SessionName}}\n');
  assert.not.ok(r.ok);
  assert.equal((r as { pos?: unknown }).pos, { line: 2, column: 14 });
});

/* ---------- Map and doMapping (mapper.go, server.go; server_test.go) ---------- */

const mappings = (data: Record<string, string>): IdentityMappings => {
  const r = readAwsAuth(data);
  return {
    entries: r.entries.map((e) => ({
      section: e.section,
      arn: e.arn,
      ...(e.username !== undefined && { username: e.username }),
      groups: e.groups.map((g) => g.name),
    })),
    accounts: r.accounts.map((a) => a.id),
  };
};
const cm = mappings({
  mapRoles: [
    '- rolearn: arn:aws:iam::0123456789012:role/TestNodeRole',
    '  username: system:node:{{EC2PrivateDNSName}}',
    '  groups: [system:nodes, system:bootstrappers]',
    '- rolearn: arn:aws:iam::111122223333:role/Dev',
    '  username: "dev:{{SessionName}}"',
    '  groups: ["team-{{AccountID}}"]',
    '- rolearn: arn:aws:iam::111122223333:role/dev',
    '  username: second',
    '  groups: ops',
    '- rolearn: arn:aws:iam::111122223333:role/Both',
    '  username: from-roles',
    '- rolearn: arn:aws:iam::111122223333:role/NoName',
    '- rolearn: arn:aws:iam::111122223333:role/BadGroup',
    '  username: x',
    '  groups: ["n-{{EC2PrivateDNSName}}"]',
  ].join('\n'),
  mapUsers: [
    '- userarn: arn:aws:iam::111122223333:role/InUsers',
    '  username: in-users',
    '- userarn: arn:aws:iam::111122223333:role/Both',
    '  username: from-users',
    '- userarn: arn:aws:iam::111122223333:user/Alice',
    '  username: alice',
    '  groups: [readers]',
    '- userarn: arn:aws:sts::111122223333:federated-user/Bob',
    '  username: fed-bob',
    '- userarn: arn:aws:iam::111122223333:root',
    '  username: root',
  ].join('\n'),
  mapAccounts: '- "0123456789012"\n- 444455556666\n',
});
const mapCases: [string, string, { user: string; groups: string[] } | undefined][] = [
  [
    'a node role with an instance-id session',
    'arn:aws:sts::0123456789012:assumed-role/TestNodeRole/i-0c6f21bf1f24f9708',
    { user: 'system:node:<private DNS name of i-0c6f21bf1f24f9708>', groups: ['system:nodes', 'system:bootstrappers'] },
  ],
  ['a node role with another session name is not authenticated', 'arn:aws:sts::0123456789012:assumed-role/TestNodeRole/jdoe', undefined],
  [
    'the last of two case-variant role entries wins (a skipped groups field still shadows)',
    'arn:aws:sts::111122223333:assumed-role/Dev/jdoe@example.com',
    { user: 'second', groups: [] },
  ],
  ['a role ARN written under mapUsers works', 'arn:aws:sts::111122223333:assumed-role/InUsers/s', { user: 'in-users', groups: [] }],
  ['mapRoles wins over mapUsers', 'arn:aws:sts::111122223333:assumed-role/Both/s', { user: 'from-roles', groups: [] }],
  ['a missing username maps to ""', 'arn:aws:sts::111122223333:assumed-role/NoName/s', { user: '', groups: [] }],
  ['a group that cannot render: not authenticated', 'arn:aws:sts::111122223333:assumed-role/BadGroup/s', undefined],
  ['IAM users compared with EqualFold', 'arn:aws:iam::111122223333:user/alice', { user: 'alice', groups: ['readers'] }],
  ['a federated user as its own ARN', 'arn:aws:sts::111122223333:federated-user/Bob', { user: 'fed-bob', groups: [] }],
  ['the account root', 'arn:aws:iam::111122223333:root', { user: 'root', groups: [] }],
  [
    'mapAccounts: the canonical ARN as username, no groups (server_test AccountMappingForRole)',
    'arn:aws:sts::0123456789012:assumed-role/Test/extra',
    { user: 'arn:aws:iam::0123456789012:role/Test', groups: [] },
  ],
  ['mapAccounts for a user', 'arn:aws:iam::444455556666:user/bob', { user: 'arn:aws:iam::444455556666:user/bob', groups: [] }],
  ['not mapped', 'arn:aws:sts::999999999999:assumed-role/Nobody/x', undefined],
  ['an unknown partition', 'arn:aws-xx:sts::111122223333:assumed-role/Dev/x', undefined],
  ['an IAM role ARN with a path does not match the path-less mapping', 'arn:aws:iam::111122223333:role/team/Dev', undefined],
];
for (const [name, arn, want] of mapCases) {
  test(`Map: ${name}`, () => {
    const r = mapIdentity(cm, arn);
    if (want === undefined) assert.not.ok(r.ok, JSON.stringify(r));
    else {
      assert.ok(r.ok, JSON.stringify(r));
      if (r.ok) assert.equal({ user: r.user, groups: r.groups }, want);
    }
  });
}

test('Map: templates are rendered in every group', () => {
  const r = mapIdentity(
    mappings({
      mapRoles: '- rolearn: arn:aws:iam::111122223333:role/T\n  username: "u:{{SessionNameRaw}}"\n  groups: ["team-{{AccountID}}", "s-{{SessionName}}"]\n',
    }),
    'arn:aws:sts::111122223333:assumed-role/T/a@b',
  );
  assert.equal(r, { ok: true, user: 'u:a@b', groups: ['team-111122223333', 's-a-b'], via: 'mapRoles entry arn:aws:iam::111122223333:role/T' });
});

test.run();
