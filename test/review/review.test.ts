import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseWithin, type Review, type ReviewItem } from '../../src/review/review.js';
import { BASE_FILES, HEADER, ROOT, run, scratch } from '../helpers/run.js';

const TODAY = '2026-02-01';
const ROLE = 'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Team_0a1b2c3d4e5f6a7b';

function employee(name: string, body: string, identity = `  role:\n    arn: ${ROLE}\n    sessionName: ${name}@example.com\n`): string {
  return `${HEADER}kind: Employee\nname: ${name}\nemail: ${name}@example.com\nteam: t\nidentity:\n${identity}${body}`;
}

/**
 * As of 2026-02-01: bob has an expired grant and one expiring in 19 days, carol four kinds of
 * cluster-admin without expiry (and an expired waiver for one), dave expired as a whole, erin no
 * grants, frank an existing IAM user, alice (BASE_FILES) an IAM user this repo creates.
 */
const FILES: Record<string, string> = {
  ...BASE_FILES,
  'access/employees/bob.yaml': employee(
    'bob',
    `access:
  - cluster: prod
    profile: developer
    namespaces: [payments]
    expires: 2026-01-10
  - cluster: prod
    level: read-only
    expires: 2026-02-20
`,
  ),
  'access/employees/carol.yaml': employee(
    'carol',
    `access:
  - cluster: prod
    level: admin
  - cluster: prod
    groups: [system:masters]
  - cluster: prod
    profile: cluster-admin
    scope: cluster
  - cluster: api
    accessPolicy: AmazonEKSClusterAdminPolicy
  - cluster: prod
    profile: view
    scope: cluster
`,
  ),
  'access/employees/dave.yaml': employee(
    'dave',
    `expires: 2026-01-15
access:
  - clusters: [prod, api]
    level: read-only
`,
  ),
  'access/employees/erin.yaml': employee('erin', 'access: []\n'),
  'access/employees/frank.yaml': employee(
    'frank',
    'access:\n  - cluster: api\n    level: read-only\n    expires: 2026-12-31\n',
    '  iamUserArn: arn:aws:iam::444455556666:user/contractors/frank\n',
  ),
  'access/policy.yaml': `${HEADER}kind: LintPolicy
rules:
  require-expiry-for-admin: warning
  expired-access: "off"
waivers:
  - rule: require-expiry-for-admin
    employee: carol
    reason: SEC-1 break-glass owner during the migration
    expires: 2026-01-20
  - rule: iam-user-mapping
    employee: frank
    reason: SEC-2 contractor without SSO until onboarding
    expires: 2026-02-10
`,
};

async function reviewJson(args: string[], files = FILES): Promise<{ code: number; review: Review; stderr: string }> {
  const s = scratch(files);
  try {
    const r = await run(['review', '--today', TODAY, '--format', 'json', ...args], s.dir);
    assert.is(r.stderr, '');
    return { code: r.code, review: JSON.parse(r.stdout) as Review, stderr: r.stderr };
  } finally {
    s.cleanup();
  }
}

const of = (r: Review, kind: ReviewItem['kind']) => r.items.filter((i) => i.kind === kind);
const brief = (i: ReviewItem) => [i.employee ?? '-', i.clusters.join(','), `${i.file}:${i.line}`, i.date ?? '', i.what].filter((p) => p !== '').join(' ');

test('lists every kind of item with employee, clusters, file:line and date; exit 1 when something expired', async () => {
  const { code, review } = await reviewJson([]);
  assert.is(code, 1);
  assert.is(review.today, TODAY);
  assert.is(review.within, 30);
  assert.is(review.until, '2026-03-03');
  assert.equal(of(review, 'expired-access').map(brief), [
    'bob prod access/employees/bob.yaml:11 2026-01-10 profile developer in payments',
    'dave api,prod access/employees/dave.yaml:10 2026-01-15 all access (the employee expires)',
  ]);
  assert.equal(of(review, 'expired-waiver').map(brief), [
    'carol api,prod access/policy.yaml:7 2026-01-20 waiver of require-expiry-for-admin for employee carol',
  ]);
  assert.equal(of(review, 'expiring-access').map(brief), ['bob prod access/employees/bob.yaml:15 2026-02-20 level: read-only']);
  assert.is(of(review, 'expiring-access')[0]!.days, 19);
  assert.equal(of(review, 'expiring-waiver').map(brief), ['frank api access/policy.yaml:11 2026-02-10 waiver of iam-user-mapping for employee frank']);
  assert.equal(of(review, 'admin-without-expiry').map(brief), [
    'carol prod access/employees/carol.yaml:11 level: admin',
    'carol prod access/employees/carol.yaml:13 groups [system:masters]',
    'carol prod access/employees/carol.yaml:15 profile cluster-admin (scope: cluster)',
    'carol api access/employees/carol.yaml:18 access policy AmazonEKSClusterAdminPolicy (cluster scope)',
  ]);
  assert.equal(of(review, 'iam-user').map(brief), [
    'alice prod access/employees/alice.yaml:6 iamUser: alice',
    'frank api access/employees/frank.yaml:7 iamUserArn: arn:aws:iam::444455556666:user/contractors/frank',
  ]);
  assert.equal(of(review, 'no-grants-left').map(brief), [
    'dave api,prod access/employees/dave.yaml:3 2026-01-15 all 1 grant(s) expired',
    'erin access/employees/erin.yaml:3 no grants',
  ]);
  assert.equal(review.summary, {
    'expired-access': 2,
    'expired-waiver': 1,
    'expiring-access': 1,
    'expiring-waiver': 1,
    'admin-without-expiry': 4,
    'iam-user': 2,
    'no-grants-left': 2,
    expired: 3,
    expiring: 2,
  });
  for (const i of review.items) {
    assert.ok(i.line > 0 && i.column > 0, brief(i));
    assert.type(i.message, 'string');
  }
});

test('expired access is what lint reports as expired (the same rules, severity overrides aside)', async () => {
  const files = { ...FILES, 'access/policy.yaml': `${HEADER}kind: LintPolicy\nrules: {}\n` };
  const s = scratch(files);
  try {
    const lint = await run(['lint', '--today', TODAY, '--format', 'json'], s.dir);
    const findings = (JSON.parse(lint.stdout) as { findings: { ruleId: string; file: string; line: number }[] }).findings;
    const r = await run(['review', '--today', TODAY, '--format', 'json'], s.dir);
    const review = JSON.parse(r.stdout) as Review;
    const where = (list: { file: string; line: number }[]) => list.map((f) => `${f.file}:${f.line}`).sort();
    assert.equal(where(of(review, 'expired-access')), where(findings.filter((f) => f.ruleId === 'expired-access')));
    assert.equal(where(of(review, 'admin-without-expiry')), where(findings.filter((f) => f.ruleId === 'require-expiry-for-admin')));
    assert.is(lint.code, 1);
    assert.is(r.code, 1);
  } finally {
    s.cleanup();
  }
});

test('--within accepts days and weeks and moves the window', async () => {
  assert.is(parseWithin('30d'), 30);
  assert.is(parseWithin('2w'), 14);
  assert.is(parseWithin('7'), 7);
  const week = await reviewJson(['--within', '1w']);
  assert.is(week.review.within, 7);
  assert.is(week.review.until, '2026-02-08');
  assert.equal(of(week.review, 'expiring-access'), []);
  assert.equal(of(week.review, 'expiring-waiver'), []);
  const three = await reviewJson(['--within', '3w']);
  assert.equal(
    of(three.review, 'expiring-access').map((i) => i.date),
    ['2026-02-20'],
  );
  assert.equal(
    of(three.review, 'expiring-waiver').map((i) => i.date),
    ['2026-02-10'],
  );
  const year = await reviewJson(['--within', '365d']);
  assert.equal(
    of(year.review, 'expiring-access').map((i) => i.date),
    ['2026-02-20', '2026-12-31'],
  );
});

test('exit 0 when nothing has expired, even with admin grants and expiring access listed', async () => {
  const s = scratch(FILES);
  try {
    const r = await run(['review', '--today', '2026-01-05', '--within', '30d'], s.dir);
    assert.is(r.code, 0, r.stdout);
    assert.match(r.stdout, /^Access review as of 2026-01-05, window 30 day\(s\) \(until 2026-02-04\): 0 expired, 3 expiring/);
    assert.match(r.stdout, 'Access expiring soon: 2');
    assert.match(r.stdout, /access\/employees\/bob\.yaml:11:5 +bob +prod +2026-01-10 \(in 5 day\(s\)\) +profile developer in payments/);
    assert.match(r.stdout, 'Cluster-admin without expires: 4');
  } finally {
    s.cleanup();
  }
});

test("the example access folder has nothing expired today-ish, and lists carol's waived admin grant", async () => {
  const r = await run(['review', '--today', '2026-06-01'], ROOT);
  assert.is(r.code, 0, r.stdout);
  assert.match(r.stdout, /access\/employees\/carol\.yaml:\d+:\d+ +carol +prod-eu +level: admin +\[waived until 2028-11-30/);
});

test('text and markdown formats', async () => {
  const s = scratch(FILES);
  try {
    const text = await run(['review', '--today', TODAY], s.dir);
    assert.is(text.code, 1);
    assert.match(text.stdout, 'Expired access (left out of generate; run eks-access expire --write): 2');
    assert.match(text.stdout, /access\/employees\/dave\.yaml:10:10 +dave +api,prod +2026-01-15 \(17 day\(s\) ago\) +all access/);
    assert.match(text.stdout, 'Employees with no grants left: 2');
    const md = await run(['review', '--today', TODAY, '--format', 'markdown', '--within', '4w'], s.dir);
    assert.is(md.code, 1);
    assert.match(md.stdout, /^## EKS access review, 2026-02-01\n/);
    assert.match(
      md.stdout,
      '### Expired access (left out of generate; run eks-access expire --write): 2\n\n| Employee | Cluster(s) | Date | What | Where | To do |\n|---|---|---|---|---|---|\n| bob | prod | 2026-01-10 (22 day(s) ago) | `profile developer in payments` | `access/employees/bob.yaml:11` |',
    );
    assert.match(md.stdout, '### IAM users that could be roles: 2');
    // Every table row has the same number of cells.
    for (const line of md.stdout.split('\n').filter((l) => l.startsWith('|'))) assert.is(line.replace(/\\\|/g, '').split('|').length, 8, line);
  } finally {
    s.cleanup();
  }
});

test('nothing to review', async () => {
  const files = { ...BASE_FILES, 'access/employees/alice.yaml': employee('alice', 'access:\n  - cluster: prod\n    level: read-only\n') };
  const s = scratch(files);
  try {
    const r = await run(['review', '--today', TODAY], s.dir);
    assert.is(r.code, 0);
    assert.match(r.stdout, 'Nothing to review.');
  } finally {
    s.cleanup();
  }
});

test('bad flags are usage errors (exit 2)', async () => {
  for (const args of [
    ['--within', '30x'],
    ['--within', 'd'],
    ['--format', 'sarif'],
    ['--today', '2026-02-30'],
    ['--today', 'tomorrow'],
  ]) {
    const r = await run(['review', ...args], ROOT);
    assert.is(r.code, 2, args.join(' '));
    assert.is(r.stdout, '');
    assert.match(r.stderr, /^eks-access: /);
  }
});

test('malformed or unreadable access files: exit 1 with file:line:column, nothing on stdout', async () => {
  const cases: { files: Record<string, string | Uint8Array>; location: RegExp }[] = [
    { files: { 'access/employees/bob.yaml': `${HEADER}kind: Employee\nname: bob\n  email: x\n` }, location: /access\/employees\/bob\.yaml:\d+:\d+ +error/ },
    {
      files: { 'access/employees/bob.yaml': new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01]) },
      location: /access\/employees\/bob\.yaml:1:1 +error +file is binary/,
    },
    {
      files: { 'access/employees/bob.yaml': employee('bob', 'access:\n  - cluster: prod\n    level: admin\n    expires: 2026-13-45\n') },
      location: /access\/employees\/bob\.yaml:13:\d+ +error/,
    },
  ];
  for (const c of cases) {
    const s = scratch({ ...BASE_FILES, ...c.files });
    try {
      const r = await run(['review', '--today', TODAY], s.dir);
      assert.is(r.code, 1, r.stderr);
      assert.is(r.stdout, '');
      assert.match(r.stderr, c.location);
      assert.not.match(r.stderr, /\n\s+at /);
    } finally {
      s.cleanup();
    }
  }
});

test.run();
