/**
 * The severity model (risk, scope, environment, time box), grouped text output, --quiet and
 * --max-warnings, JSON's summary, policy typos, what --manifests read, and SARIF for GitHub.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RULES } from '../../src/lint/rules/index.js';
import type { Finding } from '../../src/lint/types.js';
import { formatSarif, MAX_RESULTS } from '../../src/report/sarif.js';
import { BASE_FILES, HEADER, ROOT, run, scratch } from '../helpers/run.js';

const TODAY = '2026-11-28';
const execGrant = (expires = '') =>
  `${HEADER}kind: Employee\nname: bob\nemail: bob@example.com\nteam: t\nidentity:\n  iamUser: bob\naccess:\n  - cluster: prod\n    namespaces: [payments]\n${expires}    rules:\n      - apiGroups: [""]\n        resources: [pods/exec]\n        verbs: [create]\n`;
const withEnv = (env: string) =>
  BASE_FILES['access/clusters/prod.yaml']!.replace('authentication: aws-auth\n', `authentication: aws-auth\nenvironment: ${env}\n`);

interface Json {
  findings: Finding[];
  summary: { errors: number; warnings: number; info: number; waived: number; total: number };
}

async function lintJson(files: Record<string, string>, extra: string[] = []): Promise<{ code: number; json: Json }> {
  const s = scratch({ ...BASE_FILES, ...files });
  try {
    const r = await run(['lint', '--today', TODAY, '--format', 'json', ...extra], s.dir);
    return { code: r.code, json: JSON.parse(r.stdout) as Json };
  } finally {
    s.cleanup();
  }
}

const severityOf = (json: Json, rule: string) => json.findings.filter((f) => f.ruleId === rule).map((f) => f.severity);

test('high risk: an error on production (the default), a warning on staging and development', async () => {
  for (const [cluster, expected, code] of [
    [BASE_FILES['access/clusters/prod.yaml']!, 'error', 1],
    [withEnv('production'), 'error', 1],
    [withEnv('staging'), 'warning', 0],
    [withEnv('development'), 'warning', 0],
  ] as const) {
    const { code: c, json } = await lintJson({ 'access/clusters/prod.yaml': cluster, 'access/employees/bob.yaml': execGrant() });
    assert.equal(severityOf(json, 'pods-exec'), [expected], cluster);
    assert.is(c, code);
  }
});

test('high risk time-boxed: a warning when the grant ends within the window (30 days, or LintPolicy.timeBoxDays)', async () => {
  const soon = await lintJson({ 'access/employees/bob.yaml': execGrant('    expires: 2026-12-20\n') });
  assert.equal(severityOf(soon.json, 'pods-exec'), ['warning']);
  const later = await lintJson({ 'access/employees/bob.yaml': execGrant('    expires: 2027-06-01\n') });
  assert.equal(severityOf(later.json, 'pods-exec'), ['error']);
  const policy = `${HEADER}kind: LintPolicy\ntimeBoxDays: 7\n`;
  const narrow = await lintJson({ 'access/employees/bob.yaml': execGrant('    expires: 2026-12-20\n'), 'access/policy.yaml': policy });
  assert.equal(severityOf(narrow.json, 'pods-exec'), ['error']);
});

test('a binding finding is time-boxed by the grant behind it (cluster-admin in one namespace)', async () => {
  const admin = (expires: string) =>
    `${HEADER}kind: Employee\nname: bob\nemail: bob@example.com\nteam: t\nidentity:\n  iamUser: bob\naccess:\n  - cluster: prod\n    profile: cluster-admin\n    namespaces: [payments]\n${expires}`;
  const soon = await lintJson({ 'access/employees/bob.yaml': admin('    expires: 2026-12-10\n') });
  assert.equal(severityOf(soon.json, 'cluster-admin-binding'), ['warning']);
  const open = await lintJson({ 'access/employees/bob.yaml': admin('') });
  assert.equal(severityOf(open.json, 'cluster-admin-binding'), ['error']);
});

test('critical is an error even on development; a LintPolicy override still wins', async () => {
  const secrets = `${HEADER}kind: Employee\nname: bob\nemail: bob@example.com\nteam: t\nidentity:\n  iamUser: bob\naccess:\n  - cluster: prod\n    profile: secret-reader\n    scope: cluster\n`;
  const profile = `${HEADER}kind: Profile\nname: secret-reader\ndescription: reads secrets\nrules:\n  - apiGroups: [""]\n    resources: [secrets]\n    verbs: [get]\n`;
  const dev = await lintJson({
    'access/clusters/prod.yaml': withEnv('development'),
    'access/profiles/secret-reader.yaml': profile,
    'access/employees/bob.yaml': secrets,
  });
  assert.equal(severityOf(dev.json, 'read-secrets'), ['error']);
  const off = await lintJson({ 'access/employees/bob.yaml': execGrant(), 'access/policy.yaml': `${HEADER}kind: LintPolicy\nrules:\n  pods-exec: warning\n` });
  assert.equal(severityOf(off.json, 'pods-exec'), ['warning']);
  assert.is(off.code, 0);
});

test('--manifests: a User bound to read every Secret cluster-wide, or to exec into pods, exits 1', async () => {
  const role = (name: string, resource: string, verb: string) =>
    `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: ${name}\nrules:\n  - apiGroups: [""]\n    resources: [${resource}]\n    verbs: [${verb}]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: ${name}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ${name}}\nsubjects:\n  - {kind: User, name: dev, apiGroup: rbac.authorization.k8s.io}\n`;
  for (const [file, rule] of [
    [role('secrets', 'secrets', 'get'), 'read-secrets'],
    [role('exec', 'pods/exec', 'create'), 'pods-exec'],
  ] as const) {
    const s = scratch({ 'm/rbac.yaml': file });
    try {
      const r = await run(['lint', '--manifests', 'm', '--format', 'json'], s.dir);
      assert.is(r.code, 1, r.stdout);
      assert.ok((JSON.parse(r.stdout) as Json).findings.some((f) => f.ruleId === rule && f.severity === 'error'));
      assert.match(r.stderr, /read 2 objects \(1 ClusterRole, 1 ClusterRoleBinding\) from 1 file/);
    } finally {
      s.cleanup();
    }
  }
});

test('a mapping the cluster reads differently (role ARN with a path) is an error whatever its risk', async () => {
  const s = scratch({
    'm/aws-auth.yaml':
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n  mapRoles: |\n    - rolearn: arn:aws:iam::111122223333:role/nodes\n      username: system:node:{{EC2PrivateDNSName}}\n      groups: [system:bootstrappers, system:nodes]\n    - rolearn: arn:aws:iam::111122223333:role/team/dev\n      username: dev\n      groups: [viewers]\n',
  });
  try {
    const r = await run(['lint', '--manifests', 'm', '--format', 'json'], s.dir);
    const path = (JSON.parse(r.stdout) as Json).findings.filter((f) => f.ruleId === 'rolearn-has-path');
    assert.equal(
      path.map((f) => [f.severity, f.risk]),
      [['error', 'medium']],
    );
    assert.is(r.code, 1);
  } finally {
    s.cleanup();
  }
});

test('--manifests on an EKS dump: platform roles eks-access has no defaults for are left alone while only platform identities hold them', async () => {
  const dump = (subject: string) =>
    `apiVersion: v1\nkind: List\nitems:\n- apiVersion: rbac.authorization.k8s.io/v1\n  kind: ClusterRole\n  metadata: {name: "eks:addon-manager"}\n  rules:\n  - apiGroups: [""]\n    resources: [secrets]\n    verbs: [get, list, watch, create, update, patch, delete]\n- apiVersion: rbac.authorization.k8s.io/v1\n  kind: ClusterRoleBinding\n  metadata: {name: "eks:addon-manager"}\n  roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "eks:addon-manager"}\n  subjects: [${subject}]\n`;
  const s = scratch({
    'eks/dump.yaml': dump('{apiGroup: rbac.authorization.k8s.io, kind: User, name: "eks:addon-manager"}'),
    'mine/dump.yaml': dump('{apiGroup: rbac.authorization.k8s.io, kind: User, name: mallory}'),
  });
  try {
    const eks = await run(['lint', '--manifests', 'eks', '--format', 'json'], s.dir);
    assert.is(eks.code, 0, eks.stdout);
    assert.equal((JSON.parse(eks.stdout) as Json).findings, []);
    const mine = await run(['lint', '--manifests', 'mine', '--format', 'json'], s.dir);
    assert.is(mine.code, 1);
    assert.ok((JSON.parse(mine.stdout) as Json).findings.some((f) => f.ruleId === 'read-secrets' && f.severity === 'error'));
  } finally {
    s.cleanup();
  }
});

test('a full wildcard someone wrote: every rule reports what it includes (JSON), the text names them on one line under full-wildcard', async () => {
  const everything =
    'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: everything}\nrules:\n- apiGroups: ["*"]\n  resources: ["*"]\n  verbs: ["*"]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: everything}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: everything}\nsubjects: [{kind: User, name: dave, apiGroup: rbac.authorization.k8s.io}]\n';
  const s = scratch({
    'm/everything.yaml': everything,
    'm/admin.yaml':
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: admins}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}\nsubjects: [{kind: User, name: erin, apiGroup: rbac.authorization.k8s.io}]\n',
  });
  try {
    const json = JSON.parse((await run(['lint', '--manifests', 'm', '--format', 'json'], s.dir)).stdout) as Json;
    const ids = (file: string) => new Set(json.findings.filter((f) => f.file.endsWith(file)).map((f) => f.ruleId));
    for (const id of ['full-wildcard', 'pods-exec', 'read-secrets', 'escalate-verb', 'impersonate', 'nodes-proxy'])
      assert.ok(ids('everything.yaml').has(id), id);
    // The platform's own cluster-admin stays with the admin rules.
    assert.equal([...ids('admin.yaml')], ['cluster-admin-binding']);
    const text = (await run(['lint', '--manifests', 'm'], s.dir)).stdout;
    const block = text.slice(text.indexOf('m/everything.yaml')).split('\n\n')[0]!.split('\n').slice(1);
    assert.match(block[0]!, /^ {2}error {2}\[critical\] can do anything .*\(full-wildcard\)$/);
    assert.ok(
      block.slice(1).every((l) => / also \(\d+\): /.test(l)),
      block.join('\n'),
    );
    assert.ok(
      block.some((l) => /^ {2}error {2}\[high\] also \(\d+\): .*\bpods-exec\b/.test(l)),
      block.join('\n'),
    );
  } finally {
    s.cleanup();
  }
});

test('text output: one heading per grant with its findings under it, most risky first; JSON has summary counts', async () => {
  const edit = `${HEADER}kind: Employee\nname: bob\nemail: bob@example.com\nteam: t\nidentity:\n  iamUser: bob\naccess:\n  - cluster: prod\n    profile: edit\n    namespaces: [payments]\n`;
  const s = scratch({ ...BASE_FILES, 'access/employees/bob.yaml': edit });
  try {
    const text = (await run(['lint', '--today', TODAY], s.dir)).stdout;
    const headings = text.split('\n').filter((l) => l.startsWith('access/employees/bob.yaml:') && l.includes('through'));
    assert.equal(headings, ['access/employees/bob.yaml:9:5  employee bob in payments on prod through ClusterRole edit']);
    const start = text.indexOf(headings[0]!);
    const block = text.slice(start).split('\n\n')[0]!.split('\n').slice(1);
    assert.ok(block.length > 5, text);
    const risks = block.map((l) => /\[(critical|high|medium|low)\]/.exec(l)![1]!);
    // More than three findings: those below the highest risk are named on one line.
    assert.ok(
      block.some((l) => /^ {2}warning {2}\[medium\] also \(\d+\): .*\bbroad-delete\b.*\bpods-portforward\b/.test(l)),
      text,
    );
    assert.ok(!block.some((l) => /\[medium\].*\(broad-delete\)$/.test(l)), text);
    const order = ['critical', 'high', 'medium', 'low'];
    assert.equal(
      [...risks].sort((a, b) => order.indexOf(a) - order.indexOf(b)),
      risks,
      'ordered by risk',
    );
    const json = JSON.parse((await run(['lint', '--today', TODAY, '--format', 'json'], s.dir)).stdout) as Json;
    assert.is(json.summary.total, json.findings.length);
    assert.is(json.summary.errors, json.findings.filter((f) => f.severity === 'error' && !f.waived).length);
    assert.is(json.summary.warnings, json.findings.filter((f) => f.severity === 'warning' && !f.waived).length);
  } finally {
    s.cleanup();
  }
});

test('--quiet prints errors only; --max-warnings N fails past N warnings, as ESLint does', async () => {
  const quiet = await run(['lint', '--today', TODAY, '--quiet', '--format', 'json'], ROOT);
  assert.ok((JSON.parse(quiet.stdout) as Json).findings.every((f) => f.severity === 'error'));
  const all = JSON.parse((await run(['lint', '--today', TODAY, '--format', 'json'], ROOT)).stdout) as Json;
  const warnings = all.summary.warnings;
  assert.ok(warnings > 0);
  const within = await run(['lint', '--today', TODAY, '--max-warnings', String(warnings)], ROOT);
  assert.is(within.code, 0, within.stderr);
  const over = await run(['lint', '--today', TODAY, '--max-warnings', String(warnings - 1)], ROOT);
  assert.is(over.code, 1);
  assert.match(over.stderr, `eks-access found too many warnings (maximum: ${warnings - 1}).`);
  const bad = await run(['lint', '--max-warnings', 'lots'], ROOT);
  assert.is(bad.code, 2);
});

test('a LintPolicy naming an unknown rule id or code is a validate error at its key, with did you mean', async () => {
  const s = scratch({ ...BASE_FILES, 'access/policy.yaml': `${HEADER}kind: LintPolicy\nrules:\n  pods-exce: off\n  RBAC008: error\n  RBAC999: warning\n` });
  try {
    const r = await run(['validate'], s.dir);
    assert.is(r.code, 1);
    assert.match(r.stdout + r.stderr, 'access/policy.yaml:4:3  error  LintPolicy names unknown rule "pods-exce" (did you mean "pods-exec"?)');
    assert.match(r.stdout + r.stderr, 'access/policy.yaml:6:3  error  LintPolicy names unknown rule "RBAC999"');
    assert.not.match(r.stdout + r.stderr, '"RBAC008"');
  } finally {
    s.cleanup();
  }
});

test('--manifests: a folder with nothing to lint is exit 2; HCL and Markdown named are skipped with a note', async () => {
  const role =
    'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: r\n  namespace: a\nrules:\n  - apiGroups: [""]\n    resources: [pods]\n    verbs: [get]\n';
  const s = scratch({
    'empty/deploy.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n',
    'm/role.yaml': role,
    'm/main.tf': 'resource "aws_iam_user" "x" {\n  name = "x"\n}\n',
    'm/README.md': '# RBAC\n\n- a: b\n  c\n',
  });
  try {
    const empty = await run(['lint', '--manifests', 'empty'], s.dir);
    assert.is(empty.code, 2, empty.stdout + empty.stderr);
    assert.match(empty.stderr, 'read 1 object (1 other) from 1 file');
    assert.match(empty.stderr + empty.stdout, /empty:1:1 {2}error {2}no RBAC object/);
    const mixed = await run(['lint', '--manifests', 'm/role.yaml', 'm/main.tf', 'm/README.md'], s.dir);
    assert.is(mixed.code, 0, mixed.stdout + mixed.stderr);
    assert.match(mixed.stderr, 'm/main.tf:1:1  note  not YAML or JSON: skipped');
    assert.match(mixed.stderr, 'm/README.md:1:1  note  not YAML or JSON: skipped');
    assert.not.match(mixed.stdout, 'yaml-syntax');
    // Named without a YAML extension and not YAML: skipped too, never a syntax error.
    writeFileSync(join(s.dir, 'm', 'Makefile'), 'all:\n\tgo build ./...\n  - x: [\n');
    const make = await run(['lint', '--manifests', 'm/role.yaml', 'm/Makefile'], s.dir);
    assert.is(make.code, 0, make.stdout + make.stderr);
    assert.match(make.stderr, 'read 1 object (1 Role) from 1 file\nm/Makefile:1:1  note  not YAML or JSON: skipped');
  } finally {
    s.cleanup();
  }
});

test('--manifests: Terraform JSON access-policy associations are judged like access-entry grants', async () => {
  const assoc = (policy: string, scope: string) =>
    JSON.stringify(
      {
        resource: {
          aws_eks_access_policy_association: {
            alice: {
              cluster_name: 'prod',
              principal_arn: 'arn:aws:iam::111122223333:role/alice',
              policy_arn: `arn:aws:eks::aws:cluster-access-policy/${policy}`,
              access_scope: scope === 'cluster' ? { type: 'cluster' } : { type: 'namespace', namespaces: [scope] },
            },
          },
        },
      },
      null,
      2,
    );
  const s = scratch({ 'admin/main.tf.json': assoc('AmazonEKSClusterAdminPolicy', 'cluster'), 'view/main.tf.json': assoc('AmazonEKSViewPolicy', 'payments') });
  try {
    const admin = await run(['lint', '--manifests', 'admin', '--format', 'json'], s.dir);
    assert.is(admin.code, 1);
    const found = (JSON.parse(admin.stdout) as Json).findings.filter((f) => f.ruleId === 'cluster-admin-access-policy');
    assert.equal(
      found.map((f) => [f.severity, f.file, f.line]),
      [['error', 'admin/main.tf.json', 4]],
    );
    assert.match(found[0]!.message, 'principal arn:aws:iam::111122223333:role/alice gets AmazonEKSClusterAdminPolicy at cluster scope');
    const view = await run(['lint', '--manifests', 'view', '--format', 'json'], s.dir);
    assert.is(view.code, 0, view.stdout);
    // Access entries themselves: Kubernetes groups as EKS would map them.
    writeFileSync(
      join(s.dir, 'admin', 'entry.tf.json'),
      JSON.stringify({
        resource: {
          aws_eks_access_entry: { dev: { cluster_name: 'prod', principal_arn: 'arn:aws:iam::111122223333:role/dev', kubernetes_groups: ['system:masters'] } },
        },
      }),
    );
    const entry = await run(['lint', '--manifests', 'admin/entry.tf.json', '--format', 'json'], s.dir);
    assert.equal(
      (JSON.parse(entry.stdout) as Json).findings.filter((f) => f.ruleId === 'map-to-system-masters').map((f) => f.severity),
      ['error'],
    );
  } finally {
    s.cleanup();
  }
});

const MULTITOOL = join(ROOT, 'node_modules', '@microsoft', 'sarif-multitool-linux', 'Sarif.Multitool');

function sarifErrors(dir: string, text: string, name: string): string[] {
  const file = join(dir, `${name}.sarif`);
  writeFileSync(file, text);
  const report = join(dir, `${name}.report.sarif`);
  execFileSync(MULTITOOL, ['validate', file, '--rule-kind', 'Gh;Sarif', '-o', report], { stdio: 'pipe', timeout: 120_000 });
  const results =
    (
      JSON.parse(readFileSync(report, 'utf8')) as {
        runs: { results?: { level?: string; ruleId: string; message: { text?: string; arguments?: string[] } }[] }[];
      }
    ).runs[0]!.results ?? [];
  return results
    .filter((x) => x.level === 'error' || x.level === undefined)
    .map((e) => `${e.ruleId} ${e.message.text ?? (e.message.arguments ?? []).join(' ')}`);
}

interface Sarif {
  runs: {
    originalUriBaseIds?: Record<string, { uri?: string }>;
    results: { level: string; locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string } } }[] }[];
    invocations?: { toolExecutionNotifications: { message: { text: string } }[] }[];
    tool: { driver: { rules: { id: string; name: string }[] } };
  }[];
}

(existsSync(MULTITOOL) ? test : test.skip)(
  'SARIF: relative to the git top level wherever the folder is, absolute file URIs outside a repository; GitHub rules pass',
  async () => {
    const risky =
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: r\nrules:\n  - apiGroups: [""]\n    resources: [pods/exec]\n    verbs: [create]\n';
    const repo = scratch({ 'k8s/rbac/role.yaml': risky });
    const bare = scratch({ 'rbac/role.yaml': risky });
    const work = scratch();
    try {
      mkdirSync(join(repo.dir, '.git'));
      // Run from an unrelated folder: the URIs follow the repository of the files, not the working directory.
      const inRepo = await run(['lint', '--format', 'sarif', '--manifests', join(repo.dir, 'k8s')], work.dir);
      const a = JSON.parse(inRepo.stdout) as Sarif;
      assert.equal(a.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation, { uri: 'k8s/rbac/role.yaml', uriBaseId: '%SRCROOT%' });
      assert.match(a.runs[0]!.originalUriBaseIds!['%SRCROOT%']!.uri!, /^file:\/\/\/.*\/$/);
      assert.equal(sarifErrors(work.dir, inRepo.stdout, 'repo'), []);
      const outside = await run(['lint', '--format', 'sarif', '--manifests', join(bare.dir, 'rbac')], work.dir);
      const b = JSON.parse(outside.stdout) as Sarif;
      const loc = b.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation;
      assert.is(loc.uriBaseId, undefined);
      assert.match(loc.uri, /^file:\/\/\/.*\/rbac\/role\.yaml$/);
      assert.equal(sarifErrors(work.dir, outside.stdout, 'bare'), []);
      for (const r of [...a.runs[0]!.tool.driver.rules, ...b.runs[0]!.tool.driver.rules]) assert.is.not(r.name.toLowerCase(), r.id.toLowerCase());
    } finally {
      repo.cleanup();
      bare.cleanup();
      work.cleanup();
    }
  },
);

(existsSync(MULTITOOL) ? test : test.skip)('SARIF of a 3,000-person access folder in a repository passes the GitHub rules', async () => {
  const s = scratch();
  try {
    execFileSync(process.execPath, [join(ROOT, 'bench', 'kit', 'make-access.mjs'), '--out', join(s.dir, 'repo', 'access'), '--employees', '3000'], {
      stdio: 'pipe',
    });
    mkdirSync(join(s.dir, 'repo', '.git'));
    const r = await run(['lint', '--format', 'sarif', '--dir', 'access'], join(s.dir, 'repo'));
    const log = JSON.parse(r.stdout) as Sarif;
    assert.ok(log.runs[0]!.results.length > 1000, String(log.runs[0]!.results.length));
    assert.match(log.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri, /^access\//);
    assert.equal(sarifErrors(s.dir, r.stdout, 'big'), []);
  } finally {
    s.cleanup();
  }
});

test('SARIF: at most 25,000 results, errors first, and a notification of what was left out', () => {
  const f = (i: number, severity: Finding['severity']): Finding => ({
    ruleId: 'pods-exec',
    code: 'RBAC008',
    severity,
    risk: 'high',
    message: `m${i}`,
    file: `f${i}.yaml`,
    line: 1,
    column: 1,
  });
  const findings = [...Array.from({ length: MAX_RESULTS }, (_, i) => f(i, 'warning')), ...Array.from({ length: 10 }, (_, i) => f(MAX_RESULTS + i, 'error'))];
  const log = JSON.parse(formatSarif(findings, RULES, '0.0.0')) as Sarif;
  const results = log.runs[0]!.results;
  assert.is(results.length, MAX_RESULTS);
  assert.is(results.filter((r) => r.level === 'error').length, 10);
  assert.match(log.runs[0]!.invocations![0]!.toolExecutionNotifications[0]!.message.text, '10 of 25010 results left out (0 error, 10 warning, 0 note)');
});

test('every rule id of the catalogue documents the severity model on its page header', () => {
  const readme = readFileSync(join(ROOT, 'docs', 'rules', 'README.md'), 'utf8');
  assert.match(readme, '## Severity');
  for (const r of RULES)
    assert.ok(readFileSync(join(ROOT, 'docs', 'rules', `${r.meta.id}.md`), 'utf8').includes(`default severity **${r.meta.severity}**`), r.meta.id);
});

test.run();
