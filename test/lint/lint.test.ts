import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RULES } from '../../src/lint/rules/index.js';
import { BASE_FILES, FIXTURES, HEADER, ROOT, run, scratch } from '../helpers/run.js';

const DOCS = join(ROOT, 'docs', 'rules');
const RULE_TESTS = join(ROOT, 'test', 'lint', 'rules');

test('catalogue: ids and codes are unique and well formed, descriptions say Disallow/Require/Enforce', () => {
  assert.ok(RULES.length >= 40, `${RULES.length} rules`);
  const ids = RULES.map((r) => r.meta.id);
  const codes = RULES.map((r) => r.meta.code);
  assert.equal(ids, [...ids].sort(), 'registry is alphabetical');
  assert.is(new Set(ids).size, ids.length, 'duplicate id');
  assert.is(new Set(codes).size, codes.length, `duplicate code: ${codes.filter((c, i) => codes.indexOf(c) !== i).join(', ')}`);
  for (const r of RULES) {
    assert.match(r.meta.id, /^[a-z0-9]+(-[a-z0-9]+)*$/, r.meta.id);
    assert.match(r.meta.code, /^(AUTH|BIND|RBAC|EKS|IAM|META)\d{3}$/, r.meta.id);
    assert.match(r.meta.description, /^(Disallow|Require|Enforce) /, r.meta.id);
  }
});

test('catalogue: every rule has a docs page that agrees with its metadata, and every page has a rule', () => {
  const pages = readdirSync(DOCS)
    .filter((f) => f.endsWith('.md') && f !== 'README.md')
    .map((f) => f.slice(0, -3))
    .sort();
  const missing = RULES.filter((r) => !pages.includes(r.meta.id)).map((r) => r.meta.id);
  assert.equal(missing, [], 'rules without a page');
  const orphans = pages.filter((p) => !RULES.some((r) => r.meta.id === p));
  assert.equal(orphans, [], 'pages without a rule');
  for (const r of RULES) {
    const text = readFileSync(join(DOCS, `${r.meta.id}.md`), 'utf8');
    assert.is(text.split('\n')[0], `# ${r.meta.id}`, r.meta.id);
    assert.ok(text.includes(`**${r.meta.code}**`), `${r.meta.id}: page lacks its code`);
    assert.ok(text.includes(`default severity **${r.meta.severity}**`), `${r.meta.id}: page disagrees on severity`);
    assert.ok(text.includes(`risk **${r.meta.risk}**`), `${r.meta.id}: page disagrees on risk`);
    for (const h of ['## What it flags', '## Why it is dangerous', '## Bad', '## Good']) assert.ok(text.includes(h), `${r.meta.id}: page lacks "${h}"`);
  }
});

test('catalogue: every rule has a table of passing and failing cases', () => {
  const tests = readdirSync(RULE_TESTS)
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => readFileSync(join(RULE_TESTS, f), 'utf8'))
    .join('\n');
  const untested = RULES.filter((r) => !tests.includes(`ruleTests('${r.meta.id}'`)).map((r) => r.meta.id);
  assert.equal(untested, [], 'rules without ruleTests');
});

test('eks-access rules prints the catalogue', async () => {
  const r = await run(['rules'], ROOT);
  assert.is(r.code, 0);
  for (const rule of RULES) assert.match(r.stdout, rule.meta.id);
  const json = JSON.parse((await run(['rules', '--format', 'json'], ROOT)).stdout) as { rules: { id: string; docs: string }[] };
  assert.is(json.rules.length, RULES.length);
});

test('lint passes on the example access folder; time-boxed admin is visible as info, permanent admin waived', async () => {
  const r = await run(['lint', '--today', '2026-11-28'], ROOT);
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /0 error\(s\)/);
  const json = JSON.parse((await run(['lint', '--today', '2026-11-28', '--format', 'json'], ROOT)).stdout) as {
    findings: { ruleId: string; severity: string; employee?: string; cluster?: string; waived?: unknown }[];
  };
  const admin = json.findings.filter((f) => f.employee === 'carol' && (f.ruleId === 'cluster-admin-binding' || f.ruleId === 'require-expiry-for-admin'));
  assert.equal(
    admin.map((f) => [f.ruleId, f.cluster, f.severity, Boolean(f.waived)]),
    [
      ['require-expiry-for-admin', 'prod-eu', 'error', true],
      ['cluster-admin-binding', 'sandbox-ap', 'info', false],
      ['cluster-admin-binding', 'staging-us', 'info', false],
    ],
  );
});

test('adding groups: [system:masters] to an employee fails lint with the employee file and line', async () => {
  const s = scratch();
  try {
    execFileSync('cp', ['-r', join(ROOT, 'access'), s.dir]);
    const file = join(s.dir, 'access', 'employees', 'alice.yaml');
    writeFileSync(file, readFileSync(file, 'utf8') + '  - cluster: prod-eu\n    groups: [system:masters]\n');
    const lines = readFileSync(file, 'utf8').split('\n');
    const grantLine = lines.lastIndexOf('  - cluster: prod-eu') + 1;
    assert.ok(lines[grantLine]!.includes('system:masters'));
    const r = await run(['lint', '--today', '2026-11-28'], s.dir);
    assert.is(r.code, 1);
    assert.match(
      r.stdout,
      `access/employees/alice.yaml:${grantLine}:5  employee alice on prod-eu\n  error  [critical] employee alice is mapped into system:masters on prod-eu`,
    );
    const g = await run(['generate', '--today', '2026-11-28'], s.dir);
    assert.is(g.code, 1);
    assert.match(g.stderr, 'nothing written to generated (lint errors');
  } finally {
    s.cleanup();
  }
});

test('--manifests on a default cluster dump reports nothing; one risky binding added is reported, alone', async () => {
  const fixture = join(FIXTURES, 'manifests', 'default-cluster');
  const clean = await run(['lint', '--manifests', fixture, '--format', 'json'], ROOT);
  assert.is(clean.code, 0, clean.stdout);
  assert.equal((JSON.parse(clean.stdout) as { findings: unknown[] }).findings, []);
  const s = scratch({
    'risky.yaml': `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: contractors-admin
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: cluster-admin
subjects:
  - kind: Group
    name: contractors
    apiGroup: rbac.authorization.k8s.io
`,
  });
  try {
    const r = await run(['lint', '--manifests', fixture, join(s.dir, 'risky.yaml'), '--format', 'json'], ROOT);
    const findings = (JSON.parse(r.stdout) as { findings: { file: string; line: number; ruleId: string }[] }).findings;
    assert.ok(findings.length > 0, 'the risky binding is reported');
    for (const f of findings) {
      assert.ok(f.file.endsWith('risky.yaml'), `a default object was reported: ${JSON.stringify(f)}`);
      assert.is(f.line, 1);
    }
    assert.ok(
      findings.some((f) => f.ruleId === 'cluster-admin-binding' || f.ruleId === 'full-wildcard'),
      JSON.stringify(findings),
    );
    assert.is(r.code, 1);
  } finally {
    s.cleanup();
  }
});

test('an option after --manifests is read as a path, and the error says to put it first', async () => {
  const r = await run(['lint', '--manifests', '--format', 'json', 'test/fixtures'], ROOT);
  assert.is(r.code, 2);
  assert.match(r.stderr, /file or folder not found: --format \(--manifests takes every word after it as a path: put other options before --manifests\)/);
});

test('--format json, github and text carry the same findings, waived ones marked', async () => {
  const json = JSON.parse((await run(['lint', '--format', 'json', '--today', '2026-11-28'], ROOT)).stdout) as {
    findings: { ruleId: string; severity: string; risk: string; file: string; line: number; column: number; waived?: { reason: string } }[];
  };
  assert.ok(json.findings.length > 0);
  for (const f of json.findings) {
    assert.ok(f.ruleId && f.severity && f.risk && f.file && f.line > 0 && f.column > 0, JSON.stringify(f));
  }
  const github = (await run(['lint', '--format', 'github', '--today', '2026-11-28'], ROOT)).stdout.trim().split('\n');
  assert.is(github.length, json.findings.length);
  assert.match(github[0]!, /^::(error|warning|notice) file=access\/[^,]+,line=\d+,col=\d+,title=/);
  const text = (await run(['lint', '--today', '2026-11-28'], ROOT)).stdout;
  // A busy heading names its less risky findings on one line: `  warning  [medium] also (5): a, b, ...`.
  const shown = text
    .split('\n')
    .reduce((n, l) => n + (/^ {2}(error|warning|info)\b/.test(l) ? Number(/^ {2}\S+ {2}\[\w+\] also \((\d+)\): /.exec(l)?.[1] ?? 1) : 0), 0);
  assert.is(shown, json.findings.length);
});

test('--today must be a real date and --format a known one (exit 2, one line)', async () => {
  for (const argv of [
    ['lint', '--today', '2026-02-30'],
    ['lint', '--today', 'tomorrow'],
    ['lint', '--format', 'xml'],
  ]) {
    const r = await run(argv, ROOT);
    assert.is(r.code, 2, argv.join(' '));
    assert.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});

test('a LintPolicy can turn a rule off or into an error, by id or by code', async () => {
  const employee = `${HEADER}kind: Employee\nname: bob\nemail: bob@example.com\nteam: t\nidentity:\n  iamUser: bob\naccess:\n  - cluster: prod\n    namespaces: [payments]\n    rules:\n      - apiGroups: [""]\n        resources: [pods/exec]\n        verbs: [create]\n`;
  const policy = (rules: string) => `${HEADER}kind: LintPolicy\nrules:\n${rules}`;
  for (const [rules, expect] of [
    ['  pods-exec: off\n', 'none'],
    ['  RBAC008: error\n', 'error'],
    ['  pods-exec: warning\n', 'warning'],
  ] as const) {
    const s = scratch({ ...BASE_FILES, 'access/employees/bob.yaml': employee, 'access/policy.yaml': policy(rules) });
    try {
      const r = await run(['lint', '--format', 'json'], s.dir);
      const mine = (JSON.parse(r.stdout) as { findings: { ruleId: string; severity: string }[] }).findings.filter((f) => f.ruleId === 'pods-exec');
      if (expect === 'none') assert.is(mine.length, 0);
      else
        assert.equal(
          mine.map((f) => f.severity),
          [expect],
        );
      assert.is(r.code, expect === 'error' ? 1 : 0);
    } finally {
      s.cleanup();
    }
  }
});

test('--manifests --policy applies severities and file waivers from a LintPolicy file', async () => {
  const bundle = join(FIXTURES, 'manifests', 'risky');
  const s = scratch({
    'policy.yaml': `${HEADER}kind: LintPolicy\nrules:\n  pods-exec: off\nwaivers:\n  - rule: map-to-system-masters\n    file: risky/bundle.yaml\n    reason: INC-42 break-glass role until the migration\n    expires: 2030-01-01\n`,
  });
  try {
    const plain = (
      JSON.parse((await run(['lint', '--manifests', bundle, '--format', 'json'], ROOT)).stdout) as { findings: { ruleId: string; waived?: unknown }[] }
    ).findings;
    assert.ok(plain.some((f) => f.ruleId === 'pods-exec'));
    assert.ok(plain.some((f) => f.ruleId === 'map-to-system-masters' && !f.waived));
    const r = await run(['lint', '--manifests', bundle, '--policy', join(s.dir, 'policy.yaml'), '--format', 'json'], ROOT);
    const findings = (JSON.parse(r.stdout) as { findings: { ruleId: string; waived?: { reason: string } }[] }).findings;
    assert.not.ok(findings.some((f) => f.ruleId === 'pods-exec'));
    assert.match(findings.find((f) => f.ruleId === 'map-to-system-masters')!.waived!.reason, 'INC-42');
    const misuse = await run(['lint', '--policy', join(s.dir, 'policy.yaml')], ROOT);
    assert.is(misuse.code, 2);
  } finally {
    s.cleanup();
  }
});

const MULTITOOL = join(ROOT, 'node_modules', '@microsoft', 'sarif-multitool-linux', 'Sarif.Multitool');

(existsSync(MULTITOOL) ? test : test.skip)('SARIF output passes the SARIF Multitool validator with GitHub ingestion rules (schema included)', async () => {
  const s = scratch();
  try {
    const inputs = [
      ['lint', '--format', 'sarif', '--today', '2026-11-28'],
      ['lint', '--format', 'sarif', '--manifests', join(FIXTURES, 'manifests')],
    ];
    for (const [i, argv] of inputs.entries()) {
      const r = await run(argv!, ROOT);
      const log = JSON.parse(r.stdout) as {
        version: string;
        runs: { results: { suppressions?: unknown[] }[]; tool: { driver: { rules: { properties: Record<string, string> }[] } } }[];
      };
      assert.is(log.version, '2.1.0');
      for (const rule of log.runs[0]!.tool.driver.rules) assert.match(rule.properties['security-severity']!, /^\d+\.\d$/);
      if (i === 0)
        assert.ok(
          log.runs[0]!.results.some((x) => x.suppressions),
          'waived findings are suppressions',
        );
      const file = join(s.dir, `out${i}.sarif`);
      writeFileSync(file, r.stdout);
      const report = join(s.dir, `report${i}.sarif`);
      execFileSync(MULTITOOL, ['validate', file, '--rule-kind', 'Gh;Sarif', '-o', report], { stdio: 'pipe', timeout: 120_000 });
      const results =
        (
          JSON.parse(readFileSync(report, 'utf8')) as {
            runs: { results?: { level?: string; ruleId: string; message: { text?: string; arguments?: string[] } }[] }[];
          }
        ).runs[0]!.results ?? [];
      const errors = results.filter((x) => x.level === 'error' || x.level === undefined);
      assert.equal(
        errors.map((e) => `${e.ruleId} ${e.message.text ?? (e.message.arguments ?? []).join(' ')}`),
        [],
      );
    }
  } finally {
    s.cleanup();
  }
});

test.run();
