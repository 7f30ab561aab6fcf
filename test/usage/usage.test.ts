import { gzipSync } from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseWindow } from '../../src/usage/window.js';
import { readAuditText } from '../../src/usage/audit-log.js';
import { sameCaller, type GrantUsage, type UsageReport } from '../../src/usage/usage.js';
import { markdownText } from '../../src/text.js';
import { BASE_FILES, HEADER, run, scratch } from '../helpers/run.js';

const TODAY = '2026-12-02';
const SSO_ROLE = 'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Dev_0a1b2c3d4e5f6a7b';
const SSO_CANONICAL = 'arn:aws:iam::111122223333:role/AWSReservedSSO_Dev_0a1b2c3d4e5f6a7b';

/**
 * Cluster prod (aws-auth) and api (access entries). alice: IAM user, inline rules in payments;
 * bob: SSO role, profile edit in payments and checkout; carol: system:masters on prod; dave: SSO
 * role, read-only cluster-wide on prod; erin: access policy on api; frank: profile developer
 * cluster-wide.
 */
const FILES: Record<string, string> = {
  'access/clusters/prod.yaml': BASE_FILES['access/clusters/prod.yaml']!.replace('my-namespace', 'checkout'),
  'access/clusters/api.yaml': `${HEADER}kind: Cluster
name: api
accountId: "111122223333"
region: eu-west-1
authentication: access-entries
namespaces: [data]
`,
  'access/profiles/developer.yaml': `${HEADER}kind: Profile
name: developer
description: read pods and their logs
rules:
  - apiGroups: [""]
    resources: [pods, pods/log]
    verbs: [get, list, watch]
`,
  'access/employees/alice.yaml': `${HEADER}kind: Employee
name: alice
email: alice@example.com
team: checkout
identity:
  iamUser: alice
access:
  - cluster: prod
    namespaces: [payments]
    rules:
      - apiGroups: [""]
        resources: [pods, services]
        verbs: [get, list]
`,
  'access/employees/bob.yaml': `${HEADER}kind: Employee
name: bob
email: bob@example.com
team: payments
identity:
  role:
    arn: ${SSO_ROLE}
    sessionName: bob@example.com
access:
  - cluster: prod
    profile: edit
    namespaces: [payments, checkout]
    expires: 2027-01-31
`,
  'access/employees/carol.yaml': `${HEADER}kind: Employee
name: carol
email: carol@example.com
team: platform
identity:
  iamUser: carol
access:
  - cluster: prod
    groups: [system:masters]
    expires: 2027-01-31
`,
  'access/employees/dave.yaml': `${HEADER}kind: Employee
name: dave
email: dave@example.com
team: payments
identity:
  role:
    arn: ${SSO_ROLE}
    sessionName: dave@example.com
access:
  - cluster: prod
    level: read-only
`,
  'access/employees/erin.yaml': `${HEADER}kind: Employee
name: erin
email: erin@example.com
team: data
identity:
  iamUser: erin
access:
  - cluster: api
    accessPolicy: AmazonEKSViewPolicy
    namespaces: [data]
`,
  'access/employees/frank.yaml': `${HEADER}kind: Employee
name: frank
email: frank@example.com
team: checkout
identity:
  iamUser: frank
access:
  - cluster: prod
    profile: developer
    scope: cluster
`,
};

interface EventSpec {
  user: string;
  verb: string;
  resource?: string;
  subresource?: string;
  group?: string;
  namespace?: string;
  name?: string;
  uri?: string;
  at?: string;
  stage?: string;
  decision?: 'allow' | 'forbid';
  code?: number;
  arn?: string;
  impersonate?: string;
}

let auditId = 0;
function event(s: EventSpec): Record<string, unknown> {
  const objectRef =
    s.resource === undefined
      ? undefined
      : {
          resource: s.resource,
          ...(s.subresource && { subresource: s.subresource }),
          ...(s.namespace && { namespace: s.namespace }),
          ...(s.name && { name: s.name }),
          ...(s.group && { apiGroup: s.group }),
          apiVersion: 'v1',
        };
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: `id-${++auditId}`,
    stage: s.stage ?? 'ResponseComplete',
    requestURI: s.uri ?? `/api/v1/${s.namespace ? `namespaces/${s.namespace}/` : ''}${s.resource ?? ''}`,
    verb: s.verb,
    user: {
      username: s.user,
      groups: ['system:authenticated'],
      ...(s.arn && { extra: { arn: [s.arn], canonicalArn: [s.arn.replace(/:sts::(\d+):assumed-role\/([^/]+)\/.*/, ':iam::$1:role/$2')] } }),
    },
    ...(s.impersonate && { impersonatedUser: { username: s.impersonate } }),
    sourceIPs: ['10.0.0.1'],
    ...(objectRef && { objectRef }),
    responseStatus: { metadata: {}, code: s.code ?? (s.decision === 'forbid' ? 403 : 200) },
    requestReceivedTimestamp: s.at ?? '2026-11-20T10:00:00.000000Z',
    stageTimestamp: s.at ?? '2026-11-20T10:00:00.100000Z',
    annotations: { 'authorization.k8s.io/decision': s.decision ?? 'allow', 'authorization.k8s.io/reason': '' },
  };
}

const jsonLines = (events: EventSpec[]) => events.map((e) => JSON.stringify(event(e))).join('\n') + '\n';

/** `aws logs filter-log-events` output: pretty-printed, each audit event's JSON in `message`. */
const cloudWatch = (events: EventSpec[]) =>
  JSON.stringify(
    {
      events: events.map((e, i) => ({
        logStreamName: 'kube-apiserver-audit-0123456789abcdef',
        timestamp: 1764583200000 + i,
        message: JSON.stringify(event(e)),
        ingestionTime: 1764583201000 + i,
        eventId: `3796${i}`,
      })),
      searchedLogStreams: [{ logStreamName: 'kube-apiserver-audit-0123456789abcdef', searchedCompletely: true }],
    },
    null,
    4,
  ) + '\n';

async function usage(logs: Record<string, string | Uint8Array>, args: string[] = [], files = FILES) {
  const s = scratch({ ...files, ...logs });
  try {
    const r = await run(['usage', '--dir', 'access', '--today', TODAY, ...args, '--audit-log', ...Object.keys(logs)], s.dir);
    return { ...r, report: r.code === 0 && args.includes('json') ? (JSON.parse(r.stdout) as UsageReport) : undefined };
  } finally {
    s.cleanup();
  }
}

const grantOf = (r: UsageReport, employee: string, line?: number): GrantUsage => {
  const g = r.grants.find((x) => x.employee === employee && (line === undefined || x.line === line));
  if (!g) throw new Error(`no grant of ${employee} in ${JSON.stringify(r.grants.map((x) => x.employee))}`);
  return g;
};

const JSON_PROD = ['--cluster', 'prod', '--format', 'json'];

test('an allowed request uses the grant that allows it; the JSON names its file, line and permissions', async () => {
  const { code, report } = await usage(
    {
      'audit.log': jsonLines([
        { user: 'alice', verb: 'list', resource: 'pods', namespace: 'payments' },
        { user: 'alice', verb: 'list', resource: 'pods', namespace: 'payments' },
      ]),
    },
    JSON_PROD,
  );
  assert.is(code, 0);
  const r = report!;
  assert.equal(Object.keys(r), ['cluster', 'since', 'until', 'events', 'grants', 'denied', 'unattributed']);
  assert.is(r.cluster, 'prod');
  assert.is(r.since, '2026-09-03');
  assert.is(r.until, TODAY);
  assert.is(r.events, 2);
  const g = grantOf(r, 'alice');
  assert.equal(Object.keys(g), ['employee', 'cluster', 'file', 'line', 'status', 'used', 'unused', 'suggestion']);
  assert.is(g.file, 'access/employees/alice.yaml');
  assert.is(g.line, 9);
  assert.is(g.status, 'partly-used');
  assert.equal(g.used, [{ verb: 'list', resource: 'pods', group: '', namespace: 'payments' }]);
  assert.equal(
    g.unused.map((p) => `${p.verb} ${p.resource}`),
    ['get pods', 'get services', 'list services'],
  );
  // Grants on other clusters are not listed; everyone else on prod is, unused.
  assert.equal(
    r.grants.map((x) => `${x.employee}:${x.status}`),
    ['alice:partly-used', 'bob:unused', 'carol:unused', 'dave:unused', 'frank:unused'],
  );
  assert.match(grantOf(r, 'bob').suggestion, /^remove this grant/);
});

test('a grant whose every permission was used is used', async () => {
  const events: EventSpec[] = [];
  for (const verb of ['get', 'list'])
    for (const resource of ['pods', 'services']) events.push({ user: 'alice', verb, resource, namespace: 'payments', ...(verb === 'get' && { name: 'x' }) });
  const { report } = await usage({ 'audit.log': jsonLines(events) }, JSON_PROD);
  const g = grantOf(report!, 'alice');
  assert.is(g.status, 'used');
  assert.equal(g.unused, []);
  assert.match(g.suggestion, /^keep/);
});

test('a namespaced grant is not used by requests elsewhere: cluster-wide and other namespaces are not its', async () => {
  const { report } = await usage(
    {
      'audit.log': jsonLines([
        { user: 'alice', verb: 'list', resource: 'pods' },
        { user: 'alice', verb: 'list', resource: 'pods', namespace: 'checkout' },
      ]),
    },
    JSON_PROD,
  );
  assert.is(grantOf(report!, 'alice').status, 'unused');
  assert.equal(
    report!.unexplained?.map((d) => [d.employee, d.namespace ?? '-']),
    [
      ['alice', '-'],
      ['alice', 'checkout'],
    ],
  );
});

test('denied requests are listed per employee and request with their count, and use no grant', async () => {
  const { report } = await usage(
    {
      'audit.log': jsonLines([
        { user: 'alice', verb: 'get', resource: 'secrets', namespace: 'payments', name: 'db', decision: 'forbid' },
        { user: 'alice', verb: 'get', resource: 'secrets', namespace: 'payments', name: 'db', decision: 'forbid' },
        { user: 'alice', verb: 'list', resource: 'pods', namespace: 'payments', code: 403, decision: 'forbid' },
        // A 403 without the annotation is a denial too.
        { user: 'alice', verb: 'delete', resource: 'pods', namespace: 'payments', code: 403 },
      ]).replace(/"authorization.k8s.io\/decision":"allow",/g, ''),
    },
    JSON_PROD,
  );
  const r = report!;
  assert.equal(r.denied, [
    { employee: 'alice', verb: 'get', resource: 'secrets', group: '', namespace: 'payments', count: 2 },
    { employee: 'alice', verb: 'list', resource: 'pods', group: '', namespace: 'payments', count: 1 },
    { employee: 'alice', verb: 'delete', resource: 'pods', group: '', namespace: 'payments', count: 1 },
  ]);
  assert.is(grantOf(r, 'alice').status, 'unused');
});

test('unknown users are unattributed, with their event counts, most events first', async () => {
  const { report } = await usage(
    {
      'audit.log': jsonLines([
        { user: 'kubernetes-admin', verb: 'list', resource: 'nodes' },
        { user: 'system:node:ip-10-0-0-1.eu-west-1.compute.internal', verb: 'get', resource: 'nodes', name: 'ip-10-0-0-1' },
        { user: 'system:node:ip-10-0-0-1.eu-west-1.compute.internal', verb: 'list', resource: 'pods' },
        { user: 'session:mallory-example.com', verb: 'list', resource: 'pods', namespace: 'payments' },
      ]),
    },
    JSON_PROD,
  );
  assert.equal(report!.unattributed, [
    { username: 'system:node:ip-10-0-0-1.eu-west-1.compute.internal', events: 2 },
    { username: 'kubernetes-admin', events: 1 },
    { username: 'session:mallory-example.com', events: 1 },
  ]);
  assert.ok(report!.grants.every((g) => g.status === 'unused'));
});

test('SSO session users are attributed by the username the role mapping gives them, cross-checked with the caller ARN', async () => {
  const assumed = 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Dev_0a1b2c3d4e5f6a7b/bob@example.com';
  const other = 'arn:aws:sts::111122223333:assumed-role/SomeOtherRole/bob@example.com';
  const { report } = await usage(
    {
      'audit.log': jsonLines([
        { user: 'session:bob-example.com', verb: 'get', resource: 'pods', namespace: 'payments', name: 'web-1', arn: assumed },
        { user: 'session:bob-example.com', verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'payments', name: 'web-1', arn: assumed },
        // The same username from another principal is not bob.
        { user: 'session:bob-example.com', verb: 'delete', resource: 'deployments', group: 'apps', namespace: 'checkout', name: 'api', arn: other },
      ]),
    },
    JSON_PROD,
  );
  const g = grantOf(report!, 'bob');
  assert.is(g.status, 'partly-used');
  assert.equal(g.used, [
    { verb: 'get', resource: 'pods', group: '', namespace: 'payments' },
    { verb: 'create', resource: 'pods', subresource: 'exec', group: '', namespace: 'payments' },
  ]);
  assert.ok(!g.used.some((p) => p.namespace === 'checkout'));
  assert.equal(report!.unattributed, [{ username: 'session:bob-example.com', events: 1 }]);
  // Used in payments only, and for nothing view does not allow... except pods/exec, which only edit has.
  assert.match(g.suggestion, /namespaces \[payments\]/);
  assert.ok(sameCaller(assumed, SSO_ROLE));
  assert.ok(sameCaller(SSO_CANONICAL.toUpperCase(), SSO_ROLE));
  assert.not.ok(sameCaller(other, SSO_ROLE));
});

test('the suggestion names the narrowest existing profile that allows everything used', async () => {
  const { report } = await usage(
    {
      'audit.log': jsonLines([
        { user: 'session:bob-example.com', verb: 'get', resource: 'pods', subresource: 'log', namespace: 'payments', name: 'web-1' },
        { user: 'session:bob-example.com', verb: 'list', resource: 'pods', namespace: 'checkout' },
        { user: 'session:dave-example.com', verb: 'list', resource: 'pods', namespace: 'checkout' },
      ]),
    },
    JSON_PROD,
  );
  const bob = grantOf(report!, 'bob');
  assert.is(bob.status, 'partly-used');
  assert.match(bob.suggestion, /^narrow it to profile developer:/);
  const dave = grantOf(report!, 'dave');
  assert.match(dave.suggestion, /^narrow it to profile developer in namespaces \[checkout\]/);
});

test('requests every authenticated user may make (discovery, self reviews) use no grant', async () => {
  const { report } = await usage(
    {
      'audit.log': jsonLines([
        { user: 'carol', verb: 'get', uri: '/api' },
        { user: 'carol', verb: 'get', uri: '/version?timeout=32s' },
        { user: 'carol', verb: 'create', resource: 'selfsubjectaccessreviews', group: 'authorization.k8s.io' },
      ]),
    },
    JSON_PROD,
  );
  assert.is(grantOf(report!, 'carol').status, 'unused');
  assert.is(report!.unexplained, undefined);
});

test('system:masters is used by any request; non-resource URLs are permissions too', async () => {
  const { report } = await usage(
    {
      'audit.log': jsonLines([
        { user: 'carol', verb: 'get', uri: '/metrics' },
        { user: 'carol', verb: 'delete', resource: 'nodes', name: 'ip-1' },
        { user: 'frank', verb: 'get', uri: '/metrics' },
      ]),
    },
    JSON_PROD,
  );
  const carol = grantOf(report!, 'carol');
  assert.is(carol.status, 'partly-used');
  assert.equal(carol.used, [
    { verb: 'get', resource: '/metrics', group: '' },
    { verb: 'delete', resource: 'nodes', group: '' },
  ]);
  assert.equal(report!.unexplained, [{ employee: 'frank', verb: 'get', resource: '/metrics', group: '', count: 1 }]);
});

test("an impersonating request uses the real user's impersonate permission, never the impersonated person's grants", async () => {
  const sa = {
    ...event({ user: 'carol', verb: 'list', resource: 'pods', namespace: 'payments' }),
    impersonatedUser: { username: 'system:serviceaccount:payments:deployer', groups: ['ops'] },
  };
  const { report } = await usage(
    { 'audit.log': jsonLines([{ user: 'carol', impersonate: 'alice', verb: 'list', resource: 'pods', namespace: 'payments' }]) + JSON.stringify(sa) + '\n' },
    JSON_PROD,
  );
  assert.is(grantOf(report!, 'alice').status, 'unused');
  assert.equal(grantOf(report!, 'carol').used, [
    { verb: 'impersonate', resource: 'groups', group: '' },
    { verb: 'impersonate', resource: 'users', group: '' },
    { verb: 'impersonate', resource: 'serviceaccounts', group: '', namespace: 'payments' },
  ]);
});

test("a request under an employee's username from another session of their shared role is not theirs", async () => {
  const assumed = 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Dev_0a1b2c3d4e5f6a7b/erin@example.com';
  const spoofed = { ...event({ user: 'session:bob-example.com', verb: 'get', resource: 'pods', namespace: 'payments', arn: assumed }) };
  (spoofed.user as { extra: Record<string, string[]> }).extra['sessionName'] = ['erin@example.com'];
  const genuine = event({ user: 'session:bob-example.com', verb: 'list', resource: 'pods', namespace: 'payments', arn: assumed.replace('erin@', 'bob@') });
  (genuine.user as { extra: Record<string, string[]> }).extra['sessionName'] = ['bob@example.com'];
  const { report } = await usage({ 'audit.log': [spoofed, genuine].map((e) => JSON.stringify(e)).join('\n') + '\n' }, JSON_PROD);
  assert.equal(grantOf(report!, 'bob').used, [{ verb: 'list', resource: 'pods', group: '', namespace: 'payments' }]);
  assert.equal(report!.unattributed, [{ username: 'session:bob-example.com', events: 1 }]);
});

test('a grant on a shared role used by someone else says who', async () => {
  const files = {
    ...FILES,
    'access/employees/dave.yaml': FILES['access/employees/dave.yaml']!.replace(
      '    level: read-only\n',
      '    level: read-only\n  - cluster: prod\n    groups: [system:masters]\n    expires: 2026-12-31\n',
    ),
  };
  const { report } = await usage(
    { 'audit.log': jsonLines([{ user: 'session:bob-example.com', verb: 'delete', resource: 'nodes', name: 'ip-1' }]) },
    JSON_PROD,
    files,
  );
  const masters = report!.grants.filter((g) => g.employee === 'dave')[1]!;
  assert.ok(masters, JSON.stringify(report!.grants.map((g) => [g.employee, g.line])));
  assert.is(masters.status, 'partly-used');
  assert.match(masters.suggestion, /1 request by bob, who signs in through the same role, used it too/);
});

test('EKS access policies of access entries are grants like any other', async () => {
  const { report } = await usage({ 'audit.log': jsonLines([{ user: 'erin', verb: 'list', resource: 'deployments', group: 'apps', namespace: 'data' }]) }, [
    '--cluster',
    'api',
    '--format',
    'json',
  ]);
  assert.equal(
    report!.grants.map((g) => [g.employee, g.status]),
    [['erin', 'partly-used']],
  );
});

test('only ResponseComplete events inside the window count', async () => {
  const { report } = await usage(
    {
      'audit.log': jsonLines([
        { user: 'alice', verb: 'list', resource: 'pods', namespace: 'payments', stage: 'RequestReceived' },
        { user: 'alice', verb: 'list', resource: 'pods', namespace: 'payments', stage: 'ResponseStarted' },
        { user: 'alice', verb: 'list', resource: 'pods', namespace: 'payments', at: '2026-09-02T23:59:59.999999Z' },
        { user: 'alice', verb: 'list', resource: 'pods', namespace: 'payments', at: '2026-12-03T00:00:00.000000Z' },
        { user: 'alice', verb: 'get', resource: 'pods', namespace: 'payments', name: 'a', at: '2026-09-03T00:00:00.000000Z' },
        { user: 'alice', verb: 'get', resource: 'services', namespace: 'payments', name: 'b', at: '2026-12-02T23:59:59.999999Z' },
        // An offset other than Z is read as the time it names: 2026-12-03T00:30Z, outside.
        { user: 'alice', verb: 'list', resource: 'services', namespace: 'payments', at: '2026-12-03T01:30:00+01:00' },
      ]),
    },
    JSON_PROD,
  );
  assert.is(report!.events, 2);
  assert.equal(
    grantOf(report!, 'alice').used.map((p) => `${p.verb} ${p.resource}`),
    ['get pods', 'get services'],
  );
  const { report: narrow } = await usage(
    { 'audit.log': jsonLines([{ user: 'alice', verb: 'get', resource: 'pods', namespace: 'payments', at: '2026-11-01T10:00:00Z' }]) },
    [...JSON_PROD, '--since', '2026-11-15'],
  );
  assert.is(narrow!.events, 0);
  assert.is(narrow!.since, '2026-11-15');
});

const SOME: EventSpec[] = [
  { user: 'alice', verb: 'list', resource: 'pods', namespace: 'payments' },
  { user: 'alice', verb: 'get', resource: 'secrets', namespace: 'payments', decision: 'forbid' },
  { user: 'kubernetes-admin', verb: 'list', resource: 'nodes' },
];

test('both file shapes, each also gzipped, give the same report', async () => {
  const plain = await usage({ 'audit.log': jsonLines(SOME) }, JSON_PROD);
  const shapes: Record<string, string | Uint8Array>[] = [
    { 'events.json': cloudWatch(SOME) },
    { 'audit.log.gz': gzipSync(jsonLines(SOME)) },
    { 'events.json.gz': gzipSync(cloudWatch(SOME)) },
    // One compact page per line, as `jq -c` leaves them; and CRLF line ends.
    { 'pages.jsonl': JSON.stringify(JSON.parse(cloudWatch(SOME.slice(0, 2)))) + '\n' + JSON.stringify(JSON.parse(cloudWatch(SOME.slice(2)))) + '\n' },
    { 'crlf.log': jsonLines(SOME).replace(/\n/g, '\r\n') },
    // Two files of one log.
    { 'a.log': jsonLines(SOME.slice(0, 1)), 'b.log': jsonLines(SOME.slice(1)) },
  ];
  assert.is(plain.report!.events, 3);
  for (const logs of shapes) {
    const r = await usage(logs, JSON_PROD);
    assert.is(r.code, 0, `${Object.keys(logs).join(',')}: ${r.stderr}`);
    assert.equal(r.report, plain.report, Object.keys(logs).join(','));
  }
});

test('logs larger than a read chunk: events split across chunks read the same in both shapes', async () => {
  const many: EventSpec[] = [];
  for (let i = 0; i < 4000; i++)
    many.push({
      ...SOME[i % SOME.length]!,
      name: `n-${'\\"x'.repeat(i % 7)}-${i}`,
      at: `2026-11-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00.${String(i).padStart(6, '0')}Z`,
    });
  const lines = jsonLines(many);
  assert.ok(lines.length > 2 * 1024 * 1024);
  const plain = await usage({ 'audit.log': lines }, JSON_PROD);
  assert.is(plain.report!.events, 4000);
  const shapes: Record<string, string | Uint8Array>[] = [{ 'events.json': cloudWatch(many) }, { 'events.json.gz': gzipSync(cloudWatch(many)) }];
  for (const logs of shapes) {
    const r = await usage(logs, JSON_PROD);
    assert.is(r.code, 0, r.stderr);
    assert.equal(r.report, plain.report);
  }
});

test('the reader gives the same events however the text is cut into chunks, escapes and keys split included', async () => {
  const events: EventSpec[] = [
    { user: 'a\\"b', verb: 'get', resource: 'pods', namespace: 'payments', name: '\\\\' },
    { user: 'alice', verb: 'list', resource: 'pods', namespace: 'payments' },
  ];
  for (const text of [
    '\ufeff' + jsonLines(events),
    cloudWatch(events),
    JSON.stringify(JSON.parse(cloudWatch(events)).events),
    ` \n${cloudWatch(events)}\n${cloudWatch(events.slice(1))}`,
  ]) {
    const whole: unknown[] = [];
    await readAuditText(
      (async function* () {
        yield text;
      })(),
      'f',
      (e) => whole.push(e),
    );
    assert.ok(whole.length >= 2, text.slice(0, 40));
    for (const size of [1, 2, 3, 5, 7, 13]) {
      const cut: unknown[] = [];
      await readAuditText(
        (async function* () {
          for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
        })(),
        'f',
        (e) => cut.push(e),
      );
      assert.equal(cut, whole, `chunks of ${size}`);
    }
  }
});

test('an array of pages (jq -s) is read; a file named twice or reached through a link is read once', async () => {
  const pages = JSON.stringify([JSON.parse(cloudWatch(SOME.slice(0, 1))), JSON.parse(cloudWatch(SOME.slice(1)))]);
  assert.is((await usage({ 'pages.json': pages }, JSON_PROD)).report!.events, 3);
  const s = scratch({ ...FILES, 'logs/a.log': jsonLines(SOME) });
  try {
    const { symlinkSync } = await import('node:fs');
    symlinkSync('..', `${s.dir}/logs/up`);
    symlinkSync('a.log', `${s.dir}/logs/b.log`);
    const r = await run(['usage', '--today', TODAY, ...JSON_PROD, '--audit-log', 'logs', 'logs/a.log'], s.dir);
    assert.is(r.code, 0, r.stderr);
    assert.is((JSON.parse(r.stdout) as UsageReport).events, 3);
  } finally {
    s.cleanup();
  }
});

test('a username left out (empty) is unattributed; no decision and a server error is neither allowed nor denied', async () => {
  const noName = { ...event(SOME[0]!), user: { groups: ['system:unauthenticated'] } };
  const failed = { ...event(SOME[0]!), annotations: {}, responseStatus: { code: 500 } };
  const { report } = await usage({ 'audit.log': [noName, failed].map((e) => JSON.stringify(e)).join('\n') + '\n' }, JSON_PROD);
  assert.equal(report!.unattributed, [{ username: '', events: 1 }]);
  assert.is(grantOf(report!, 'alice').status, 'unused');
  assert.is(report!.events, 2);
});

test('events that are all outside the window: a report with a warning', async () => {
  const r = await usage({ 'audit.log': jsonLines([{ ...SOME[0]!, at: '2020-01-01T00:00:00Z' }]) }, JSON_PROD);
  assert.is(r.code, 0);
  assert.is(r.report!.events, 0);
  assert.match(r.stderr, /warning: none of the 1 audit event\(s\)/);
});

test('a folder of logs is read file by file', async () => {
  const s = scratch({ ...FILES, 'logs/a.log': jsonLines(SOME.slice(0, 1)), 'logs/b/c.log.gz': gzipSync(jsonLines(SOME.slice(1))) });
  try {
    const r = await run(['usage', '--today', TODAY, ...JSON_PROD, '--audit-log', 'logs'], s.dir);
    assert.is(r.code, 0, r.stderr);
    assert.is((JSON.parse(r.stdout) as UsageReport).events, 3);
  } finally {
    s.cleanup();
  }
});

test('a malformed log is exit 1 with file:line, and nothing of it is reported', async () => {
  const good = jsonLines(SOME);
  const cases: [Record<string, string | Uint8Array>, RegExp][] = [
    [{ 'audit.log': good + '{"kind":"Event","stage":"ResponseComplete"\n' }, /^audit\.log:4: not JSON/],
    [{ 'audit.log': good + '\n\n[1,2]\n' }, /^audit\.log:6: not an audit event/],
    [{ 'audit.log': '{"kind":"Pod","apiVersion":"v1"}\n' }, /^audit\.log:1: not an audit\.k8s\.io\/v1 Event \(kind Pod\)/],
    [{ 'audit.log': JSON.stringify({ ...event(SOME[0]!), verb: undefined }) + '\n' }, /^audit\.log:1: a ResponseComplete event without a "verb"/],
    [
      { 'audit.log': JSON.stringify({ ...event(SOME[0]!), stageTimestamp: 'yesterday' }) + '\n' },
      /^audit\.log:1: a ResponseComplete event whose "stageTimestamp" is not an RFC 3339 time/,
    ],
    [{ 'audit.log': JSON.stringify({ ...event(SOME[0]!), stageTimestamp: '2026-12-02T99:99:99Z' }) + '\n' }, /"stageTimestamp" is not an RFC 3339 time/],
    [{ 'audit.log': JSON.stringify({ ...event(SOME[0]!), stageTimestamp: '2026-12-01' }) + '\n' }, /"stageTimestamp" is not an RFC 3339 time/],
    [{ 'audit.log': JSON.stringify({ ...event(SOME[0]!), user: undefined }) + '\n' }, /^audit\.log:1: a ResponseComplete event without "user"/],
    [{ 'audit.log': JSON.stringify({ ...event(SOME[0]!), objectRef: { resource: 5 } }) + '\n' }, /"objectRef\.resource" is not a string/],
    [{ 'audit.log': JSON.stringify({ ...event(SOME[0]!), responseStatus: { code: '403' } }) + '\n' }, /"responseStatus\.code" is not a number/],
    [{ 'audit.log': JSON.stringify({ ...event(SOME[0]!), annotations: { 'authorization.k8s.io/decision': 'maybe' } }) + '\n' }, /neither allow nor forbid/],
    [{ 'audit.log': JSON.stringify({ ...event(SOME[0]!), impersonatedUser: 'alice' }) + '\n' }, /"impersonatedUser" is not an object/],
    [
      {
        'events.json':
          '{"events":[' +
          JSON.stringify({ message: JSON.stringify(event(SOME[0]!)) }) +
          ' ' +
          JSON.stringify({ message: JSON.stringify(event(SOME[1]!)) }) +
          ']}',
      },
      /^events\.json:1: unexpected "\{" where a "," or "\]" belongs/,
    ],
    [{ 'events.json': '{"events" []}' }, /unexpected "\[" where a ":" belongs/],
    [{ 'events.json': '{"events": {"message": "x"}}' }, /"events" is not a list/],
    [{ 'events.json': '{"events": [1, 2]}' }, /where a log event \(an object\) belongs/],
    [{ 'events.json': '{"events": [], "nextToken": tru}' }, /^events\.json:1: not JSON/],
    [{ 'audit.log': '' }, /no audit event in audit\.log/],
    [{ 'events.json': '{"events": []}\n' }, /no audit event in events\.json/],
    [{ 'events.json': cloudWatch(SOME).replace(/"message": "\{/, '"message": "{{') }, /^events\.json:3: the "message" of a CloudWatch log event is not JSON/],
    [{ 'events.json': cloudWatch(SOME).slice(0, 900) }, /^events\.json:\d+: the file ends inside a JSON value/],
    [{ 'audit.log.gz': gzipSync(good).subarray(0, 40) }, /^audit\.log\.gz:1: cannot decompress/],
    [{ 'ok.log': good, 'bad.log': 'not json\n' }, /^bad\.log:1: not JSON/],
  ];
  for (const [logs, message] of cases) {
    const r = await usage(logs, JSON_PROD);
    assert.is(r.code, 1, `${Object.keys(logs).join(',')}: ${r.stderr}`);
    assert.is(r.stdout, '');
    assert.match(r.stderr, message);
    assert.not.match(r.stderr, /internal error|\n\s+at /);
  }
});

test('usage errors: exit 2 with a clear message', async () => {
  const log = { 'audit.log': jsonLines(SOME) };
  const cases: [string[], RegExp][] = [
    [['--cluster', 'prd'], /unknown cluster "prd" \(did you mean "prod"\?\)/],
    [[], /--cluster is required: one of api, prod/],
    [['--cluster', 'prod', '--format', 'yaml'], /unknown --format "yaml"/],
    [['--cluster', 'prod', '--since', 'a while'], /--since must be/],
    [['--cluster', 'prod', '--since', '2027-01-01'], /after --today/],
  ];
  for (const [args, message] of cases) {
    const r = await usage(log, args);
    assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  const s = scratch(FILES);
  try {
    const missing = await run(['usage', '--cluster', 'prod', '--audit-log', 'nothere.log'], s.dir);
    assert.is(missing.code, 2);
    assert.match(missing.stderr, /--audit-log nothere\.log: no such file or folder/);
    const device = await run(['usage', '--cluster', 'prod', '--audit-log', '/dev/null'], s.dir);
    assert.is(device.code, 2);
    assert.match(device.stderr, /--audit-log \/dev\/null is neither a file nor a folder/);
    const none = await run(['usage', '--cluster', 'prod'], s.dir);
    assert.is(none.code, 2);
    assert.match(none.stderr, /--audit-log/);
  } finally {
    s.cleanup();
  }
});

test('an invalid access folder is exit 1 with its diagnostics, and no report', async () => {
  const r = await usage({ 'audit.log': jsonLines(SOME) }, JSON_PROD, { ...FILES, 'access/employees/zed.yaml': `${HEADER}kind: Employee\nname: zed\n` });
  assert.is(r.code, 1);
  assert.is(r.stdout, '');
  assert.match(r.stderr, /access\/employees\/zed\.yaml:\d+:\d+/);
});

test('Markdown: per team, unused grants first, and text from files cannot inject Markdown, HTML or mentions', async () => {
  const hostile = {
    ...FILES,
    'access/employees/alice.yaml': FILES['access/employees/alice.yaml']!.replace('team: checkout', 'team: "<!-- x --> @octocat [a](http://e.x) `c` | d"'),
  };
  const r = await usage(
    { 'audit.log': jsonLines([...SOME, { user: 'session:<img src=x>@evil', verb: 'get', resource: 'pods', namespace: 'payments' }]) },
    ['--cluster', 'prod', '--format', 'markdown'],
    hostile,
  );
  assert.is(r.code, 0, r.stderr);
  const md = r.stdout;
  // No `<` that is not backslashed: GitHub shows `\<` as text.
  assert.not.ok(/(?<!\\)</.test(md));
  assert.not.ok(/@octocat|@evil/.test(md));
  assert.not.ok(/(?<!\\)\]\(/.test(md));
  assert.not.ok(md.includes('http://'));
  assert.ok(md.includes('### Team \\<!-- x --\\> @&#8203;octocat'));
  // Every table row keeps its seven cells.
  for (const line of md.split('\n').filter((l) => l.startsWith('| partly') || l.startsWith('| unused') || l.startsWith('| used')))
    assert.is(line.split(/(?<!\\)\|/).length, 9, line);
  // Teams in name order; in each, unused before partly used.
  const teams = [...md.matchAll(/^### Team (.*)$/gm)].map((m) => m[1]);
  assert.equal(teams.slice(1), ['checkout', 'payments', 'platform']);
  const text = (await usage({ 'audit.log': jsonLines(SOME) }, ['--cluster', 'prod'])).stdout;
  assert.match(
    text,
    /^usage on prod from 2026-09-03 to 2026-12-02: 3 event\(s\); 5 grant\(s\): 4 unused, 1 partly used, 0 used; 1 denied request\(s\); 1 username\(s\) not in the access folder/,
  );
  assert.match(
    text,
    /team checkout\n {2}unused {7}frank: profile developer \(scope: cluster\) {2}access\/employees\/frank\.yaml:9\n[^\n]*\n[^\n]*\n {2}partly-used {2}alice/,
  );
});

test('markdownText escapes what GitHub would render', () => {
  assert.is(markdownText('a\nb'), 'a\\\\nb');
  assert.is(markdownText('<!--'), '\\<!--');
  assert.is(markdownText('a@b.c'), 'a@b.c');
  assert.is(markdownText('@team'), '@&#8203;team');
  assert.is(markdownText('`x` | [l](u) *e*'), '\\`x\\` \\| \\[l\\](u) \\*e\\*');
  assert.is(markdownText('\u001b[31m'), '\\\\u001b\\[31m');
  assert.is(markdownText('https://evil.example www.evil.example'), 'https&#8203;://evil.example www&#8203;.evil.example');
  assert.is(markdownText('a\u200bb'), 'a\\\\u200bb');
});

test('--since takes days, weeks or a date; the window ends with --today', () => {
  assert.equal(parseWindow('90d', '2026-12-02'), { since: '2026-09-03', until: '2026-12-02' });
  assert.equal(parseWindow('2w', '2026-12-02'), { since: '2026-11-18', until: '2026-12-02' });
  assert.equal(parseWindow('2026-10-01', '2026-12-02'), { since: '2026-10-01', until: '2026-12-02' });
  assert.throws(() => parseWindow('2026-02-30', '2026-12-02'), /--since must be/);
});

test.run();
