/**
 * `eks-access drift`: the pure comparison on plain objects, and the command against a fake Kubernetes
 * API server on loopback (node:http on 127.0.0.1, port 0) speaking the paths @kubernetes/client-node
 * uses: list by label selector (with pages), get ConfigMap (404 when absent), 401, 403 and a hang.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAllDocuments } from 'yaml';
import { compareAwsAuth, compareObjects, describeMapping, hasDrift, normalize, parseAwsAuth, type KubeObject } from '../../src/drift/compare.js';
import { makeRedactor, safeUrl } from '../../src/drift/fetch.js';
import { parseTimeout, pickCluster } from '../../src/drift/generated.js';
import { UsageError } from '../../src/diagnostics.js';
import { BASE_FILES, HEADER, run, scratch, type RunResult } from '../helpers/run.js';

/* ---------- the comparison on its own ---------- */

const MANAGED = { 'app.kubernetes.io/managed-by': 'eks-access' };

function clusterRole(name: string, rules: unknown[], extra: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name, labels: { ...MANAGED } }, rules, ...extra };
}

function roleBinding(name: string, namespace: string, user: string): KubeObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name, namespace, labels: { ...MANAGED }, annotations: { 'eks-access/source': 'access/employees/x.yaml' } },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }],
  };
}

function awsAuth(mapRoles: string, mapUsers?: string, labels: Record<string, string> = { ...MANAGED }): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'aws-auth', namespace: 'kube-system', labels },
    data: { mapRoles, ...(mapUsers !== undefined && { mapUsers }) },
  };
}

/** What an API server adds to an object it stores. */
function withServerFields(o: KubeObject, i = 0): KubeObject {
  const copy = JSON.parse(JSON.stringify(o)) as KubeObject;
  const m = copy.metadata as Record<string, unknown>;
  m.uid = `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`;
  m.resourceVersion = String(1000 + i);
  m.creationTimestamp = '2026-01-02T03:04:05Z';
  m.generation = 1;
  m.managedFields = [
    {
      manager: 'kubectl-client-side-apply',
      operation: 'Update',
      apiVersion: 'v1',
      time: '2026-01-02T03:04:05Z',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:metadata': {} },
    },
  ];
  m.annotations = { ...((m.annotations as Record<string, string>) ?? {}), 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(o) };
  m.labels = {
    ...((m.labels as Record<string, string>) ?? {}),
    'kustomize.toolkit.fluxcd.io/name': 'eks-access',
    'kustomize.toolkit.fluxcd.io/namespace': 'flux-system',
  };
  return copy;
}

const DEV_RULES = [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }];
const NODE_ROLE = `- rolearn: arn:aws:iam::111122223333:role/prod-nodes
  username: system:node:{{EC2PrivateDNSName}}
  groups:
    - system:bootstrappers
    - system:nodes
`;

test('compare: objects equal up to server-set fields, tool labels and empty lists are in sync', () => {
  const generated = [
    { object: clusterRole('eks-access:profile:dev', DEV_RULES), file: 'generated/clusters/prod/profiles/dev.yaml' },
    { object: { ...roleBinding('eks-access:alice', 'payments', 'alice') }, file: 'generated/clusters/prod/employees/alice.yaml' },
    { object: awsAuth(NODE_ROLE), file: 'generated/clusters/prod/aws-auth.yaml' },
  ];
  const liveBinding = withServerFields(roleBinding('eks-access:alice', 'payments', 'alice'), 2);
  delete liveBinding.apiVersion;
  (liveBinding.metadata as Record<string, unknown>).annotations = {
    ...((liveBinding.metadata as Record<string, unknown>).annotations as object),
    'argocd.argoproj.io/tracking-id': 'eks-access:rbac.authorization.k8s.io/RoleBinding:payments/eks-access:alice',
  };
  const live = [
    { ...withServerFields(clusterRole('eks-access:profile:dev', DEV_RULES), 1), status: {} },
    { ...liveBinding, apiVersion: 'rbac.authorization.k8s.io/v1' },
    withServerFields(awsAuth(NODE_ROLE), 3),
  ];
  const report = compareObjects(generated, live);
  assert.is(hasDrift(report), false, JSON.stringify(report, null, 2));
  assert.is(report.same, 3);
  assert.equal(report.awsAuth, { onlyOnCluster: [], onlyGenerated: [], different: [], problems: [] });
});

test('compare: missing, extra (labelled only) and changed objects, with a unified diff', () => {
  const generated = [
    { object: clusterRole('eks-access:profile:dev', DEV_RULES), file: 'gen/profiles/dev.yaml' },
    { object: roleBinding('eks-access:alice', 'payments', 'alice'), file: 'gen/employees/alice.yaml' },
  ];
  const widened = clusterRole('eks-access:profile:dev', [{ apiGroups: [''], resources: ['pods', 'secrets'], verbs: ['get', 'list', 'watch'] }]);
  const leftBehind = roleBinding('eks-access:mallory', 'payments', 'mallory');
  const notOurs = { ...roleBinding('someone-elses', 'payments', 'x'), metadata: { name: 'someone-elses', namespace: 'payments' } };
  const report = compareObjects(generated, [withServerFields(widened), withServerFields(leftBehind), notOurs], { clusterLabel: 'cluster prod' });
  assert.equal(report.missing, [{ kind: 'RoleBinding', name: 'eks-access:alice', namespace: 'payments', file: 'gen/employees/alice.yaml' }]);
  assert.equal(report.extra, [{ kind: 'RoleBinding', name: 'eks-access:mallory', namespace: 'payments' }]);
  assert.is(report.changed.length, 1);
  const diff = report.changed[0]!.diff;
  assert.match(diff, '--- cluster prod: ClusterRole eks-access:profile:dev');
  assert.match(diff, '+++ gen/profiles/dev.yaml: ClusterRole eks-access:profile:dev');
  assert.match(diff, /^-\s+- secrets$/m);
  assert.not.match(diff, 'resourceVersion');
  assert.ok(hasDrift(report));
});

test('compare: a same-named object in another namespace or API group is a different object', () => {
  const generated = [{ object: roleBinding('eks-access:alice', 'payments', 'alice'), file: 'a.yaml' }];
  const report = compareObjects(generated, [roleBinding('eks-access:alice', 'checkout', 'alice')]);
  assert.is(report.missing.length, 1);
  assert.equal(report.extra, [{ kind: 'RoleBinding', name: 'eks-access:alice', namespace: 'checkout' }]);
});

test('compare: aggregated ClusterRoles ignore the rules the controller fills in; a hand-added label is drift', () => {
  const aggregated = clusterRole('eks-access:profile:agg', [], { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { team: 'a' } }] } });
  delete aggregated.rules;
  const live = withServerFields({ ...aggregated, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['*'] }] });
  assert.is(hasDrift(compareObjects([{ object: aggregated, file: 'a.yaml' }], [live])), false);

  const role = clusterRole('eks-access:profile:dev', DEV_RULES);
  const escalated = withServerFields(role);
  (escalated.metadata as { labels: Record<string, string> }).labels['rbac.authorization.k8s.io/aggregate-to-admin'] = 'true';
  const report = compareObjects([{ object: role, file: 'a.yaml' }], [escalated]);
  assert.is(report.changed.length, 1);
  assert.match(report.changed[0]!.diff, /^-\s+rbac.authorization.k8s.io\/aggregate-to-admin: "true"$/m);
});

test('compare: null, empty and absent lists and maps are the same; an empty rule is not dropped', () => {
  const a = normalize({
    kind: 'ClusterRoleBinding',
    metadata: { name: 'x', annotations: {} },
    subjects: [],
    roleRef: { kind: 'ClusterRole', name: 'view', apiGroup: 'rbac.authorization.k8s.io' },
  });
  const b = normalize({
    kind: 'ClusterRoleBinding',
    metadata: { name: 'x' },
    subjects: null,
    roleRef: { kind: 'ClusterRole', name: 'view', apiGroup: 'rbac.authorization.k8s.io' },
  });
  assert.equal(a, b);
  assert.equal(normalize({ kind: 'Role', metadata: { name: 'r' }, rules: [{ verbs: [] }] }).rules, [{}]);
});

test('compare: a generated object of another kind is not compared, and said so', () => {
  const report = compareObjects([{ object: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'x', namespace: 'a' } }, file: 'x.yaml' }], []);
  assert.equal(report.skipped, [{ kind: 'ServiceAccount', name: 'x', namespace: 'a', file: 'x.yaml' }]);
  assert.is(hasDrift(report), false);
});

test('aws-auth: read like the authenticator (case-insensitive entry keys and role ARNs, last duplicate wins, exact user ARNs)', () => {
  const parsed = parseAwsAuth(
    awsAuth(
      `- RoleArn: arn:aws:iam::111122223333:role/Admins
  UserName: first
- rolearn: ARN:AWS:IAM::111122223333:ROLE/ADMINS
  username: admin
  groups: [system:masters]
`,
      `- userarn: arn:aws:iam::111122223333:user/Bob
  username: bob
- userarn: arn:aws:iam::111122223333:user/bob
  username: bob2
`,
    ),
  );
  assert.equal(parsed.problems, []);
  assert.equal(parsed.mappings.map(describeMapping), [
    'ARN:AWS:IAM::111122223333:ROLE/ADMINS -> admin [system:masters]',
    'arn:aws:iam::111122223333:user/Bob -> bob []',
    'arn:aws:iam::111122223333:user/bob -> bob2 []',
  ]);
});

test('aws-auth: hand-added, lacking and differently mapped entries; groups compared as a set', () => {
  const generated = awsAuth(`${NODE_ROLE}- rolearn: arn:aws:iam::111122223333:role/Developers
  username: session:{{SessionName}}
  groups: [a, b]
`);
  const live = awsAuth(`${NODE_ROLE}- rolearn: arn:aws:iam::111122223333:role/developers
  username: session:{{SessionName}}
  groups: [b, a]
- rolearn: arn:aws:iam::111122223333:role/BreakGlass
  username: admin
  groups: [system:masters]
`);
  const drift = compareAwsAuth(generated, live);
  assert.equal(drift.onlyOnCluster.map(describeMapping), ['arn:aws:iam::111122223333:role/BreakGlass -> admin [system:masters]']);
  assert.equal(drift.onlyGenerated, []);
  assert.equal(drift.different, []);

  const changed = compareAwsAuth(generated, awsAuth(NODE_ROLE.replace('system:nodes', 'system:masters')));
  assert.equal(changed.onlyGenerated.map(describeMapping), ['arn:aws:iam::111122223333:role/Developers -> session:{{SessionName}} [a, b]']);
  assert.is(changed.different.length, 1);
  assert.equal(changed.different[0]!.cluster.groups, ['system:bootstrappers', 'system:masters']);
});

test('aws-auth: a YAML error on the cluster drops the whole section, so every generated role mapping is lacking', () => {
  const drift = compareAwsAuth(awsAuth(NODE_ROLE), awsAuth(`${NODE_ROLE}- rolearn: [unclosed\n`));
  assert.is(drift.onlyGenerated.length, 1);
  assert.match(drift.problems[0]!, 'data.mapRoles is not valid YAML');
  const ignored = parseAwsAuth({ kind: 'ConfigMap', data: { maproles: NODE_ROLE } });
  assert.equal(ignored.mappings, []);
  assert.match(ignored.problems[0]!, 'data.maproles is ignored');
});

test('helpers: --timeout values, cluster from the context, redaction, safe URLs', () => {
  assert.is(parseTimeout('10s'), 10_000);
  assert.is(parseTimeout('500ms'), 500);
  assert.is(parseTimeout('2m'), 120_000);
  assert.is(parseTimeout('3'), 3000);
  assert.throws(
    () => parseTimeout('soon'),
    (e: unknown) => e instanceof UsageError,
  );
  assert.throws(
    () => parseTimeout('0s'),
    (e: unknown) => e instanceof UsageError,
  );

  const folders = ['prod', 'staging'];
  assert.equal(pickCluster(folders, { clusterEntry: 'arn:aws:eks:eu-west-1:111122223333:cluster/prod', context: 'admin@prod' }, 'generated'), {
    cluster: 'prod',
  });
  assert.equal(pickCluster(folders, { clusterEntry: 'kind-x', context: 'staging' }, 'generated'), { cluster: 'staging' });
  assert.throws(() => pickCluster(folders, { clusterEntry: 'kind-x', context: 'kind-x' }, 'generated'), /--cluster is required/);
  assert.throws(() => pickCluster(folders, { clusterEntry: 'x', context: 'x' }, 'generated', 'prdo'), /did you mean "prod"/);
  assert.match(pickCluster(folders, { clusterEntry: 'prod', context: 'p' }, 'generated', 'staging').warning ?? '', 'but --cluster is "staging"');

  const redact = makeRedactor(['s3cr3t-value']);
  assert.is(
    redact('token s3cr3t-value and Authorization: Bearer abc.def and k8s-aws-v1.aHR0cHM6'),
    'token [redacted] and Authorization: Bearer [redacted] and [redacted]',
  );
  assert.is(safeUrl('https://user:pw@example.com:6443/?token=x#y'), 'https://example.com:6443');
});

/* ---------- the command against a fake API server ---------- */

const TOKEN = 'eks-access-test-token-4f9a1c77d2';
const PLUGIN_SECRET = 'plugin-secret-value-9b3e55';
const CLUSTER_ARN = 'arn:aws:eks:eu-west-1:111122223333:cluster/prod';

interface Served {
  clusterroles: KubeObject[];
  clusterrolebindings: KubeObject[];
  roles: KubeObject[];
  rolebindings: KubeObject[];
  awsAuth?: KubeObject;
}

interface FakeApi {
  url: string;
  requests: { method: string; url: string; authorization?: string }[];
  close: () => Promise<void>;
}

type Mode = 'ok' | 'forbidden' | 'hang' | 'html';

const PLURAL: Record<string, keyof Omit<Served, 'awsAuth'>> = {
  clusterroles: 'clusterroles',
  clusterrolebindings: 'clusterrolebindings',
  roles: 'roles',
  rolebindings: 'rolebindings',
};
const LIST_KIND: Record<string, string> = {
  clusterroles: 'ClusterRoleList',
  clusterrolebindings: 'ClusterRoleBindingList',
  roles: 'RoleList',
  rolebindings: 'RoleBindingList',
};

function status(res: ServerResponse, code: number, reason: string, message: string): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code }));
}

function matchesSelector(o: KubeObject, selector: string | null): boolean {
  if (!selector) return true;
  const labels = ((o.metadata as Record<string, unknown>).labels ?? {}) as Record<string, string>;
  return selector.split(',').every((term) => {
    const [k, v] = term.split('=');
    return labels[k!] === v;
  });
}

/**
 * A fake Kubernetes API server on 127.0.0.1. Lists honour labelSelector and are served `pageSize`
 * objects at a time with `continue`; items come without apiVersion and kind, as from a real server.
 * It stops by itself after 20 seconds, whatever the test does.
 */
async function fakeApi(served: Served, mode: Mode = 'ok', pageSize = 2): Promise<FakeApi> {
  const requests: FakeApi['requests'] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    requests.push({
      method: req.method ?? '',
      url: req.url ?? '',
      ...(req.headers.authorization !== undefined && { authorization: req.headers.authorization }),
    });
    if (mode === 'hang') return; // never answers; closed by close()
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return status(res, 401, 'Unauthorized', 'Unauthorized');
    if (mode === 'html') {
      res.writeHead(200, { 'content-type': 'text/html' });
      return res.end('<html><body>Welcome to nginx!</body></html>');
    }
    if (req.method !== 'GET') return status(res, 405, 'MethodNotAllowed', 'drift must only read');
    const url = new URL(req.url ?? '/', 'http://x');
    const list = /^\/apis\/rbac\.authorization\.k8s\.io\/v1\/(clusterroles|clusterrolebindings|roles|rolebindings)$/.exec(url.pathname);
    if (mode === 'forbidden') {
      const resource = list?.[1] ?? 'configmaps';
      return status(
        res,
        403,
        'Forbidden',
        `${resource}.rbac.authorization.k8s.io is forbidden: User "tester" cannot list resource "${resource}" in API group "rbac.authorization.k8s.io" at the cluster scope`,
      );
    }
    if (list) {
      const all = served[PLURAL[list[1]!]!].filter((o) => matchesSelector(o, url.searchParams.get('labelSelector')));
      const start = Number(url.searchParams.get('continue') ?? '0');
      const limit = Math.min(Number(url.searchParams.get('limit') ?? all.length) || all.length, pageSize);
      const page = all.slice(start, start + limit).map((o) => {
        const { apiVersion: _a, kind: _k, ...rest } = o;
        return rest;
      });
      const next = start + limit < all.length ? String(start + limit) : undefined;
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(
        JSON.stringify({
          kind: LIST_KIND[list[1]!],
          apiVersion: 'rbac.authorization.k8s.io/v1',
          metadata: { resourceVersion: '4242', ...(next && { continue: next }) },
          items: page,
        }),
      );
    }
    if (url.pathname === '/api/v1/namespaces/kube-system/configmaps/aws-auth') {
      if (!served.awsAuth) return status(res, 404, 'NotFound', 'configmaps "aws-auth" not found');
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify(served.awsAuth));
    }
    return status(res, 404, 'NotFound', 'the server could not find the requested resource');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }));
  setTimeout(() => void close(), 20_000).unref();
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, close };
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function kubeconfig(server: string, user: Record<string, unknown> = { token: TOKEN }): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: CLUSTER_ARN, cluster: { server, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'tester', user }],
    contexts: [{ name: 'prod-admin', context: { cluster: CLUSTER_ARN, user: 'tester' } }],
    'current-context': 'prod-admin',
  });
}

const EXTRA_FILES: Record<string, string> = {
  'access/employees/bob.yaml': `${HEADER}kind: Employee
name: bob
email: bob@example.com
identity:
  role:
    arn: arn:aws:iam::111122223333:role/Developers
access:
  - cluster: prod
    profile: developer
    namespaces: [payments]
  - cluster: prod
    level: read-only
`,
};

/** A scratch access folder generated into generated/, and what a cluster that applied generated/clusters/prod holds. */
async function generatedScratch(): Promise<{ dir: string; cleanup: () => void; served: () => Served }> {
  const s = scratch({ ...BASE_FILES, ...EXTRA_FILES });
  const r = await run(['generate', '--today', '2026-01-01'], s.dir);
  assert.is(r.code, 0, r.stdout + r.stderr);
  const root = join(s.dir, 'generated', 'clusters', 'prod');
  const served = (): Served => {
    const out: Served = { clusterroles: [], clusterrolebindings: [], roles: [], rolebindings: [] };
    let i = 0;
    const walk = (d: string): string[] => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
    for (const file of walk(root).filter((f) => !f.endsWith('kustomization.yaml'))) {
      for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
        const o = withServerFields(doc.toJS() as KubeObject, i++);
        const kind = o.kind as string;
        if (kind === 'ConfigMap') out.awsAuth = o;
        else out[`${kind.toLowerCase()}s` as keyof Omit<Served, 'awsAuth'>].push(o);
      }
    }
    // What every cluster has and eks-access does not manage: never reported.
    out.clusterroles.push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'cluster-admin', labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' } },
      rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
    });
    return out;
  };
  return { ...s, served };
}

const outputs: string[] = [];

async function drift(dir: string, api: string, args: string[] = [], user?: Record<string, unknown>): Promise<RunResult> {
  writeFileSync(join(dir, 'kubeconfig.yaml'), kubeconfig(api, user));
  const r = await run(['drift', '--context', 'prod-admin', '--kubeconfig', 'kubeconfig.yaml', '--timeout', '2s', ...args], dir);
  outputs.push(r.stdout, r.stderr);
  assert.not.match(r.stdout + r.stderr, TOKEN, 'the token must never be printed');
  assert.not.match(r.stdout + r.stderr, 'at async', 'no stack trace');
  return r;
}

function oneLine(r: RunResult): void {
  assert.is(r.stdout, '');
  assert.is(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
}

test('drift: a cluster that holds exactly generated/clusters/prod (plus server fields) is in sync, read with GETs by label selector', async () => {
  const s = await generatedScratch();
  const api = await fakeApi(s.served(), 'ok', 1);
  try {
    const r = await drift(s.dir, api.url);
    assert.is(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^cluster prod \(context prod-admin\) matches generated\/clusters\/prod: \d+ object\(s\) the same\n$/);
    assert.ok(api.requests.every((q) => q.method === 'GET'));
    assert.ok(api.requests.every((q) => q.authorization === `Bearer ${TOKEN}`));
    for (const plural of ['clusterroles', 'clusterrolebindings', 'roles', 'rolebindings']) {
      const lists = api.requests.filter((q) => new URL(q.url, 'http://x').pathname === `/apis/rbac.authorization.k8s.io/v1/${plural}`);
      assert.ok(lists.length >= 1, plural);
      for (const q of lists) assert.is(new URL(q.url, 'http://x').searchParams.get('labelSelector'), 'app.kubernetes.io/managed-by=eks-access');
    }
    assert.ok(
      api.requests.some((q) => q.url.includes('continue=')),
      'pages were followed',
    );
    assert.ok(api.requests.some((q) => q.url === '/api/v1/namespaces/kube-system/configmaps/aws-auth'));
    const json = await drift(s.dir, api.url, ['--format', 'json']);
    assert.is(json.code, 0);
    assert.is(JSON.parse(json.stdout).inSync, true);
  } finally {
    await api.close();
    s.cleanup();
  }
});

test('drift: a missing object, an extra managed object, a changed rule and a hand-added aws-auth mapping are each reported (exit 1)', async () => {
  const s = await generatedScratch();
  const served = s.served();
  const aliceRole = served.roles.findIndex((o) => (o.metadata as { name: string }).name === 'eks-access:alice');
  assert.ok(aliceRole >= 0);
  served.roles.splice(aliceRole, 1);
  served.clusterrolebindings.push({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: 'eks-access:mallory:view', labels: { ...MANAGED } },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'mallory' }],
  });
  const profile = served.clusterroles.find((o) => (o.metadata as { name: string }).name === 'eks-access:profile:developer')!;
  (profile.rules as { resources: string[] }[])[0]!.resources.push('secrets');
  const data = served.awsAuth!.data as { mapRoles: string };
  data.mapRoles += '- rolearn: arn:aws:iam::111122223333:role/BreakGlass\n  username: break-glass\n  groups:\n    - system:masters\n';
  const api = await fakeApi(served);
  try {
    const r = await drift(s.dir, api.url);
    assert.is(r.code, 1, r.stderr);
    assert.is(r.stderr, '');
    assert.match(r.stdout, 'has drifted from generated/clusters/prod: 1 missing, 1 extra, 2 changed');
    assert.match(
      r.stdout,
      /missing \(in generated\/, not on the cluster\):\n {2}Role my-namespace\/eks-access:alice +generated\/clusters\/prod\/employees\/alice.yaml/,
    );
    assert.match(r.stdout, /left behind\):\n {2}ClusterRoleBinding eks-access:mallory:view\n/);
    assert.match(
      r.stdout,
      'on the cluster, not in generated/ (added by hand): mapRoles arn:aws:iam::111122223333:role/BreakGlass -> break-glass [system:masters]',
    );
    assert.match(
      r.stdout,
      '--- cluster prod: ClusterRole eks-access:profile:developer\n+++ generated/clusters/prod/profiles/developer.yaml: ClusterRole eks-access:profile:developer\n',
    );
    assert.match(r.stdout, /^-\s+- secrets$/m);
    assert.match(r.stdout, '--- cluster prod: ConfigMap kube-system/aws-auth');

    const json = await drift(s.dir, api.url, ['--format', 'json']);
    assert.is(json.code, 1);
    const report = JSON.parse(json.stdout);
    assert.is(report.inSync, false);
    assert.equal(
      report.missing.map((m: { name: string }) => m.name),
      ['eks-access:alice'],
    );
    assert.equal(report.extra, [{ kind: 'ClusterRoleBinding', name: 'eks-access:mallory:view' }]);
    assert.equal(
      report.changed.map((c: { kind: string }) => c.kind),
      ['ClusterRole', 'ConfigMap'],
    );
    assert.equal(report.awsAuth.onlyOnCluster, [
      { section: 'mapRoles', arn: 'arn:aws:iam::111122223333:role/BreakGlass', username: 'break-glass', groups: ['system:masters'] },
    ]);
  } finally {
    await api.close();
    s.cleanup();
  }
});

test('drift: an aws-auth ConfigMap absent from the cluster (404) is missing', async () => {
  const s = await generatedScratch();
  const served = s.served();
  delete served.awsAuth;
  const api = await fakeApi(served);
  try {
    const r = await drift(s.dir, api.url);
    assert.is(r.code, 1, r.stderr);
    assert.match(r.stdout, /ConfigMap kube-system\/aws-auth +generated\/clusters\/prod\/aws-auth.yaml/);
  } finally {
    await api.close();
    s.cleanup();
  }
});

test('drift: 401, 403, connection refused, a timeout and a server that is not Kubernetes each give one line and exit 2', async () => {
  const s = await generatedScratch();
  const ok = await fakeApi(s.served());
  const forbidden = await fakeApi(s.served(), 'forbidden');
  const hang = await fakeApi(s.served(), 'hang');
  const html = await fakeApi(s.served(), 'html');
  try {
    const unauthorized = await drift(s.dir, ok.url, [], { token: `${TOKEN}-expired` });
    assert.is(unauthorized.code, 2);
    oneLine(unauthorized);
    assert.match(
      unauthorized.stderr,
      /^eks-access: the cluster prod \(http:\/\/127\.0\.0\.1:\d+\) answered 401 Unauthorized to (list|get) .*: the credentials of context prod-admin were not accepted/,
    );

    const denied = await drift(s.dir, forbidden.url);
    assert.is(denied.code, 2);
    oneLine(denied);
    assert.match(denied.stderr, 'answered 403 Forbidden to ');
    assert.match(denied.stderr, 'the credentials of context prod-admin may not read RBAC');

    const port = await closedPort();
    const refused = await drift(s.dir, `http://127.0.0.1:${port}`);
    assert.is(refused.code, 2);
    oneLine(refused);
    assert.is(refused.stderr, `eks-access: cannot reach cluster prod (http://127.0.0.1:${port}): connection refused\n`);

    const started = Date.now();
    const slow = await drift(s.dir, hang.url, ['--timeout', '300ms']);
    assert.ok(Date.now() - started < 5000, 'the timeout is honoured');
    assert.is(slow.code, 2);
    oneLine(slow);
    assert.match(slow.stderr, /^eks-access: cannot reach cluster prod \(http:\/\/127\.0\.0\.1:\d+\): no answer within 300ms \(--timeout\)\n$/);
    assert.ok(hang.requests.length >= 1, 'the requests reached the server');

    const web = await drift(s.dir, html.url);
    assert.is(web.code, 2);
    oneLine(web);
    assert.match(web.stderr, `the server at ${html.url} did not answer `);
    assert.match(web.stderr, 'like a Kubernetes API server');
  } finally {
    await Promise.all([ok.close(), forbidden.close(), hang.close(), html.close()]);
    s.cleanup();
  }
});

test('drift: a failing credential plugin gives one line without its environment values', async () => {
  const s = await generatedScratch();
  const api = await fakeApi(s.served());
  try {
    const failing = {
      exec: {
        apiVersion: 'client.authentication.k8s.io/v1beta1',
        command: process.execPath,
        args: ['-e', 'process.stderr.write("token refresh failed for " + process.env.EKS_TEST_SECRET + "\\n"); process.exit(3)'],
        env: [{ name: 'EKS_TEST_SECRET', value: PLUGIN_SECRET }],
      },
    };
    const r = await drift(s.dir, api.url, [], failing);
    assert.is(r.code, 2);
    oneLine(r);
    assert.match(r.stderr, 'failed: token refresh failed for [redacted]');
    assert.not.match(r.stderr, PLUGIN_SECRET);

    const missing = await drift(s.dir, api.url, [], {
      exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'eks-access-no-such-plugin', args: [] },
    });
    assert.is(missing.code, 2);
    oneLine(missing);
    assert.match(missing.stderr, 'the credential plugin "eks-access-no-such-plugin" of context prod-admin was not found');
    assert.is(api.requests.length, 0, 'nothing was sent without credentials');
  } finally {
    await api.close();
    s.cleanup();
  }
});

test('drift: usage errors (unknown context, unknown or ambiguous cluster, bad flags, bad kubeconfig) exit 2 with one line', async () => {
  const s = await generatedScratch();
  const api = await fakeApi(s.served());
  try {
    writeFileSync(join(s.dir, 'kubeconfig.yaml'), kubeconfig(api.url));
    const cases: [string[], string | RegExp][] = [
      [['--context', 'nope'], 'context "nope" is not in the kubeconfig (kubeconfig.yaml); it has: prod-admin'],
      [['--context', 'prod-admin', '--cluster', 'prdo'], 'no generated cluster "prdo" in generated/clusters (did you mean "prod"?)'],
      [['--context', 'prod-admin', '--timeout', 'forever'], '--timeout must be a duration'],
      [['--context', 'prod-admin', '--format', 'xml'], 'unknown --format "xml"'],
      [['--context', 'prod-admin', '--out', 'elsewhere'], 'elsewhere/clusters not found; run eks-access generate first'],
    ];
    for (const [args, expected] of cases) {
      const r = await run(['drift', '--kubeconfig', 'kubeconfig.yaml', ...args], s.dir);
      outputs.push(r.stdout, r.stderr);
      assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      oneLine(r);
      assert.match(r.stderr, expected);
    }
    // A context whose cluster matches no generated folder needs --cluster.
    writeFileSync(join(s.dir, 'other.yaml'), kubeconfig(api.url).split(CLUSTER_ARN).join('kind-local'));
    const ambiguous = await run(['drift', '--kubeconfig', 'other.yaml', '--context', 'prod-admin'], s.dir);
    assert.is(ambiguous.code, 2);
    assert.match(
      ambiguous.stderr,
      '--cluster is required: the cluster of context prod-admin ("kind-local") matches no folder of generated/clusters (api, prod)',
    );
    // A broken kubeconfig: the YAML error is reported by position, never by quoting the file (which holds the token).
    writeFileSync(join(s.dir, 'broken.yaml'), `users:\n- name: tester\n  user:\n    token: ${TOKEN}\n   bad: [indent\n`);
    const broken = await run(['drift', '--kubeconfig', 'broken.yaml', '--context', 'prod-admin'], s.dir);
    outputs.push(broken.stdout, broken.stderr);
    assert.is(broken.code, 2);
    oneLine(broken);
    assert.match(broken.stderr, /^eks-access: broken\.yaml:\d+:\d+: cannot read the kubeconfig: not valid YAML \(.+\)\n$/);
    const absent = await run(['drift', '--kubeconfig', 'absent.yaml', '--context', 'prod-admin'], s.dir);
    assert.is(absent.stderr, 'eks-access: kubeconfig not found: absent.yaml\n');
    assert.is(api.requests.length, 0);
  } finally {
    await api.close();
    s.cleanup();
  }
});

test('drift: the kubeconfig token appears in no output of any case above', () => {
  assert.ok(outputs.length > 10);
  for (const o of outputs) assert.not.match(o, TOKEN);
  for (const o of outputs) assert.not.match(o, PLUGIN_SECRET);
});

test.run();
