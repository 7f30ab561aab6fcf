import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lintAccess } from '../../../src/lint/index.js';
import { BASE_FILES, HEADER, ROOT, scratch } from '../../helpers/run.js';
import { ruleTests } from '../../helpers/rule-tester.js';

/** bob, an IAM user with a team; `top` goes before `access:` (expires, reason...). */
const employee = (body: string, top = 'team: payments\n') =>
  `${HEADER}kind: Employee\nname: bob\nemail: bob@example.com\n${top}identity:\n  iamUser: bob\naccess:\n${body}`;
const BOB = 'access/employees/bob.yaml';
/** The base alice has no team; give her one where orphan-employee findings would get in the way. */
const ALICE_WITH_TEAM = {
  'access/employees/alice.yaml': BASE_FILES['access/employees/alice.yaml']!.replace('email: alice@example.com\n', 'email: alice@example.com\nteam: checkout\n'),
};
const policy = (waivers: string) => `${HEADER}kind: LintPolicy\nname: acme\nwaivers:\n${waivers}`;
const waiver = (rule: string, reason: string, expires = '2027-06-30', who = 'employee: alice') =>
  `  - rule: ${rule}\n    ${who}\n    reason: ${JSON.stringify(reason)}\n    expires: ${expires}\n`;

ruleTests('require-expiry-for-admin', {
  valid: [
    { name: 'level: admin with expires on the grant', access: { [BOB]: employee('  - cluster: prod\n    level: admin\n    expires: 2027-01-31\n') } },
    {
      name: 'level: admin with expires on the person',
      access: { [BOB]: employee('  - cluster: prod\n    level: admin\n', 'team: payments\nexpires: 2027-01-31\n') },
    },
    {
      name: 'the cluster-admin profile bound in namespaces is namespace admin, not cluster admin',
      access: { [BOB]: employee('  - cluster: prod\n    profile: cluster-admin\n    namespaces: [payments]\n') },
    },
    {
      name: 'AmazonEKSClusterAdminPolicy scoped to namespaces',
      access: { [BOB]: employee('  - cluster: api\n    accessPolicy: AmazonEKSClusterAdminPolicy\n    namespaces: [data]\n') },
    },
    {
      name: 'read-only and edit need no expiry',
      access: { [BOB]: employee('  - cluster: prod\n    level: read-only\n  - cluster: prod\n    profile: edit\n    namespaces: [payments]\n') },
    },
    {
      name: 'apiGroups [""] with * resources and verbs is not everything',
      access: {
        'access/profiles/core-admin.yaml': `${HEADER}kind: Profile\nname: core-admin\ndescription: core group only\nrules:\n  - apiGroups: [""]\n    resources: ["*"]\n    verbs: ["*"]\n`,
        [BOB]: employee('  - cluster: prod\n    profile: core-admin\n    scope: cluster\n'),
      },
    },
  ],
  invalid: [
    {
      name: 'level: admin without expires',
      access: { [BOB]: employee('  - cluster: prod\n    level: admin\n') },
      errors: [`${BOB}:9:5`],
      messages: ['employee bob has cluster-admin on prod through level: admin with no expires'],
    },
    {
      name: 'groups: [system:masters] without expires',
      access: { [BOB]: employee('  - cluster: prod\n    groups: [system:masters]\n') },
      errors: [`${BOB}:9:5`],
      messages: ['through groups [system:masters]'],
    },
    {
      name: 'the cluster-admin profile at cluster scope',
      access: { [BOB]: employee('  - cluster: prod\n    profile: cluster-admin\n    scope: cluster\n') },
      errors: [`${BOB}:9:5`],
      messages: ['through profile cluster-admin (scope: cluster)'],
    },
    {
      name: 'AmazonEKSClusterAdminPolicy at cluster scope',
      access: { [BOB]: employee('  - cluster: api\n    accessPolicy: AmazonEKSClusterAdminPolicy\n') },
      errors: [`${BOB}:9:5`],
      messages: ['cluster-admin on api through access policy AmazonEKSClusterAdminPolicy (cluster scope)'],
    },
    {
      name: 'a custom profile of * at cluster scope is cluster-admin by another name',
      access: {
        'access/profiles/root.yaml': `${HEADER}kind: Profile\nname: root\ndescription: everything\nrules:\n  - apiGroups: ["*"]\n    resources: ["*"]\n    verbs: ["*"]\n`,
        [BOB]: employee('  - cluster: prod\n    profile: root\n    scope: cluster\n'),
      },
      errors: [`${BOB}:9:5`],
    },
    {
      name: 'one finding per grant line, listing its clusters; a grant with expires is fine',
      access: { [BOB]: employee('  - clusters: [prod, api]\n    level: admin\n  - cluster: prod\n    level: admin\n    expires: 2027-01-31\n') },
      errors: [`${BOB}:9:5`],
      messages: ['cluster-admin on api, prod'],
    },
  ],
});

ruleTests('expired-access', {
  valid: [
    {
      name: 'expires today is still valid',
      today: '2027-01-31',
      access: { [BOB]: employee('  - cluster: prod\n    level: read-only\n    expires: 2027-01-31\n', 'team: payments\nexpires: 2027-01-31\n') },
    },
    { name: 'no expiry at all', access: { [BOB]: employee('  - cluster: prod\n    level: read-only\n') } },
    { name: 'an expired person with no grants left grants nothing', access: { [BOB]: employee('  []\n', 'team: payments\nexpires: 2026-01-01\n') } },
  ],
  invalid: [
    {
      name: 'an expired grant, at the grant',
      today: '2027-02-01',
      access: {
        [BOB]: employee(
          '  - cluster: prod\n    level: read-only\n  - cluster: prod\n    profile: developer\n    namespaces: [payments]\n    expires: 2027-01-31\n',
        ),
      },
      errors: [`${BOB}:11:5`],
      messages: ["employee bob's grant profile developer in payments on prod expired on 2027-01-31"],
    },
    {
      name: 'an expired person: one finding at the employee, not one per grant',
      today: '2027-02-01',
      access: {
        [BOB]: employee(
          '  - cluster: prod\n    level: read-only\n  - cluster: api\n    level: read-only\n    expires: 2026-12-01\n',
          'team: payments\nexpires: 2027-01-31\n',
        ),
      },
      errors: [`${BOB}:6`],
      messages: ['employee bob expired on 2027-01-31 and is left out of the generated output, but the file still grants access on api, prod (2 grant(s))'],
    },
    {
      name: 'the default test day: an admin grant from last year',
      access: { [BOB]: employee('  - cluster: prod\n    level: admin\n    expires: 2025-12-31\n') },
      errors: [`${BOB}:9:5`],
    },
  ],
});

ruleTests('expiring-access', {
  valid: [
    { name: 'more than 30 days ahead', today: '2027-01-01', access: { [BOB]: employee('  - cluster: prod\n    level: read-only\n    expires: 2027-02-01\n') } },
    {
      name: 'already expired is expired-access, not this',
      today: '2027-01-01',
      access: { [BOB]: employee('  - cluster: prod\n    level: read-only\n    expires: 2026-12-31\n') },
    },
  ],
  invalid: [
    {
      name: 'a grant ending in 30 days, counted inclusively',
      today: '2027-01-01',
      access: { [BOB]: employee('  - cluster: prod\n    level: read-only\n    expires: 2027-01-31\n') },
      errors: [`${BOB}:9:5`],
      messages: ["employee bob's grant level: read-only on prod expires on 2027-01-31, within 30 days"],
    },
    {
      name: 'a person ending today; a grant ending with them is not reported again',
      today: '2027-01-31',
      access: { [BOB]: employee('  - cluster: prod\n    level: read-only\n    expires: 2027-02-15\n', 'team: payments\nexpires: 2027-01-31\n') },
      errors: [`${BOB}:6`],
      messages: ['employee bob expires on 2027-01-31'],
    },
    {
      name: 'a grant that ends before the person does is reported too',
      today: '2027-01-01',
      access: { [BOB]: employee('  - cluster: prod\n    level: read-only\n    expires: 2027-01-10\n', 'team: payments\nexpires: 2027-01-20\n') },
      errors: [`${BOB}:6`, `${BOB}:10:5`],
    },
  ],
});

ruleTests('waiver-missing-justification', {
  valid: [
    {
      name: 'a reason with a ticket',
      access: { ...ALICE_WITH_TEAM, 'access/policy.yaml': policy(waiver('pods-exec', 'SEC-88 debugging the checkout outage, approved by carol')) },
    },
    { name: 'no policy at all', access: { ...ALICE_WITH_TEAM } },
  ],
  invalid: [
    {
      name: 'placeholders: todo, n/a, temp, TBD: later, too short, punctuation',
      access: {
        'access/policy.yaml': policy(
          waiver('pods-exec', 'todo') +
            waiver('pods-exec', 'N/A', '2027-06-30', 'file: employees/alice.yaml') +
            waiver('pods-exec', 'temporary') +
            waiver('pods-exec', 'TBD: fill in once the ticket exists') +
            waiver('pods-exec', 'needed it') +
            waiver('pods-exec', '--------------'),
        ),
      },
      errors: [
        'access/policy.yaml:5:5',
        'access/policy.yaml:9:5',
        'access/policy.yaml:13:5',
        'access/policy.yaml:17:5',
        'access/policy.yaml:21:5',
        'access/policy.yaml:25:5',
      ],
      messages: [
        'reason "todo", which is a placeholder',
        '(file employees/alice.yaml) has reason "N/A"',
        'temporary',
        'starts with "TBD"',
        '8 character(s) long',
        'not words',
      ],
    },
  ],
});

ruleTests('orphan-employee', {
  valid: [{ name: 'a team and a grant', access: { ...ALICE_WITH_TEAM, [BOB]: employee('  - cluster: prod\n    level: read-only\n') } }],
  invalid: [
    {
      name: 'no team (the base alice), and no grant (bob)',
      access: { [BOB]: employee('  []\n') },
      errors: ['access/employees/alice.yaml:3', `${BOB}:3`],
      messages: ['employee alice has no team', 'employee bob has no grant'],
    },
    {
      name: 'both at once is one finding',
      access: { ...ALICE_WITH_TEAM, [BOB]: employee('  []\n', '') },
      errors: [`${BOB}:3`],
      messages: ['employee bob has no team (nobody reviews their access) and no grant'],
    },
  ],
});

ruleTests('waiver-expired', {
  valid: [
    {
      name: 'a waiver until today still waives',
      today: '2027-06-30',
      access: { 'access/policy.yaml': policy(waiver('orphan-employee', 'HR-12 alice joins a team after onboarding')) },
    },
  ],
  invalid: [
    {
      name: 'an expired waiver, reported at the waiver',
      today: '2027-07-01',
      access: { 'access/policy.yaml': policy(waiver('orphan-employee', 'HR-12 alice joins a team after onboarding')) },
      errors: ['access/policy.yaml:5:5'],
      messages: ['waiver for orphan-employee (employee alice) expired on 2027-06-30; it no longer waives 1 finding(s)'],
    },
  ],
});

ruleTests('waiver-unused', {
  valid: [
    {
      name: 'a waiver that matches a finding',
      access: { 'access/policy.yaml': policy(waiver('orphan-employee', 'HR-12 alice joins a team after onboarding')) },
    },
    {
      name: 'a waiver by rule code',
      access: { 'access/policy.yaml': policy(waiver('meta004', 'HR-12 alice joins a team after onboarding').replace('meta004', 'META004')) },
    },
  ],
  invalid: [
    {
      name: 'a waiver that matches nothing, and one naming an unknown rule',
      access: {
        ...ALICE_WITH_TEAM,
        'access/policy.yaml': policy(
          waiver('orphan-employee', 'HR-12 alice joins a team after onboarding') + waiver('no-such-rule', 'SEC-1 accepted by the security team'),
        ),
      },
      errors: ['access/policy.yaml:5:5', 'access/policy.yaml:9:5'],
      messages: ['waiver for orphan-employee (employee alice) matches no finding; remove it', 'waiver names unknown rule "no-such-rule"'],
    },
  ],
});

async function lintFiles(files: Record<string, string>, today: string) {
  const s = scratch(Object.fromEntries(Object.entries({ ...BASE_FILES, ...files })));
  const previous = process.cwd();
  process.chdir(s.dir);
  try {
    return await lintAccess('access', { today });
  } finally {
    process.chdir(previous);
    s.cleanup();
  }
}

test('a waiver until its expiry keeps the finding visible as waived; after it, the finding is back and the waiver reported', async () => {
  const files = {
    ...ALICE_WITH_TEAM,
    [BOB]: employee('  - cluster: prod\n    level: admin\n'),
    'access/policy.yaml': policy(waiver('require-expiry-for-admin', 'SEC-88 bob is the break-glass owner of prod', '2027-06-30', 'employee: bob')),
  };
  const before = await lintFiles(files, '2027-06-30');
  const admin = before.findings.filter((f) => f.ruleId === 'require-expiry-for-admin');
  assert.equal(admin.length, 1);
  assert.equal(admin[0]!.waived?.reason, 'SEC-88 bob is the break-glass owner of prod');
  assert.equal(
    before.findings.filter((f) => f.ruleId === 'waiver-expired' || f.ruleId === 'waiver-unused'),
    [],
  );
  const after = await lintFiles(files, '2027-07-01');
  assert.equal(
    after.findings.filter((f) => f.ruleId === 'require-expiry-for-admin').map((f) => [f.line, f.waived]),
    [[9, undefined]],
  );
  assert.equal(
    after.findings.filter((f) => f.ruleId === 'waiver-expired').map((f) => `${f.file}:${f.line}`),
    ['access/policy.yaml:5'],
  );
});

test("the example access folder: carol's permanent prod-eu admin is reported and waived by access/policy.yaml", async () => {
  const previous = process.cwd();
  process.chdir(ROOT);
  try {
    const r = await lintAccess('access', { today: '2026-11-28' });
    const mine = r.findings.filter((f) => f.ruleId === 'require-expiry-for-admin' || f.ruleId === 'waiver-unused' || f.ruleId === 'waiver-expired');
    assert.equal(
      mine.map((f) => [f.ruleId, f.file, f.line, f.employee, f.waived?.expires]),
      [['require-expiry-for-admin', 'access/employees/carol.yaml', 12, 'carol', '2028-11-30']],
    );
  } finally {
    process.chdir(previous);
  }
});

test.run();
