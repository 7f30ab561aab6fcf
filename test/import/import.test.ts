import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { dnsLabel, normalizeRules, planImport, type ImportPlan } from '../../src/import/plan.js';
import { REPORT_FILE, schemaReference } from '../../src/import/import.js';
import { expandPaths, loadFiles } from '../../src/load/load.js';
import type { AccessModel, Cluster, Employee } from '../../src/model/types.js';
import { loadAccess } from '../../src/pipeline.js';
import { bundleForCluster, userInfoFor } from '../../src/rbac/access-bundle.js';
import { authorize, type Bundle, type Request, type UserInfo } from '../../src/rbac/engine.js';
import { bundleFromDocuments, resolveArn } from '../../src/rbac/manifest-bundle.js';
import { compareGolden } from '../helpers/golden.js';
import { BASE_FILES, FIXTURES, ROOT, run, scratch, snapshotTree } from '../helpers/run.js';

const CASE = join(FIXTURES, 'import', 'cluster');
const AWS_AUTH = join(CASE, 'aws-auth.yaml');
const RBAC = join(CASE, 'rbac.yaml');
const ARGS = ['import', '--aws-auth', AWS_AUTH, '--manifests', RBAC, '--region', 'eu-west-1'];

async function importFixture(extra: string[] = []): Promise<{ out: string; code: number; stdout: string; stderr: string; cleanup: () => void }> {
  const s = scratch();
  const out = join(s.dir, 'access');
  const r = await run([...ARGS, ...extra, '--out-dir', out]);
  return { out, ...r, cleanup: s.cleanup };
}

async function planFixture(authentication: 'aws-auth' | 'both' | 'access-entries' = 'aws-auth'): Promise<ImportPlan> {
  const awsAuth = (await loadFiles([AWS_AUTH])).value;
  const rbac = (await loadFiles([RBAC])).value;
  const result = planImport(awsAuth, rbac, { region: 'eu-west-1', authentication, emailDomain: 'unknown.invalid', today: '2026-01-01' });
  if (!result.ok) throw new Error(result.problems.map((p) => p.message).join('\n'));
  return result.plan;
}

/* ---------- the round trip: same effective permissions for every imported person ---------- */

const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection', 'escalate', 'bind', 'impersonate'];
const RESOURCES: [string, string, string?][] = [
  ['', 'pods'],
  ['', 'pods', 'exec'],
  ['', 'pods', 'log'],
  ['', 'secrets'],
  ['', 'configmaps'],
  ['', 'services'],
  ['', 'endpoints'],
  ['', 'serviceaccounts'],
  ['', 'namespaces'],
  ['', 'nodes'],
  ['', 'persistentvolumes'],
  ['apps', 'deployments'],
  ['apps', 'deployments', 'scale'],
  ['apps', 'replicasets'],
  ['apps', 'statefulsets'],
  ['apps', 'daemonsets'],
  ['batch', 'jobs'],
  ['monitoring.coreos.com', 'servicemonitors'],
  ['rbac.authorization.k8s.io', 'roles'],
  ['rbac.authorization.k8s.io', 'rolebindings'],
  ['rbac.authorization.k8s.io', 'clusterroles'],
  ['rbac.authorization.k8s.io', 'clusterrolebindings'],
];
const NAMESPACES = ['checkout', 'monitoring', 'payments', 'kube-system', 'default'];

function vocabulary(): Request[] {
  const out: Request[] = [];
  for (const namespace of [...NAMESPACES, undefined]) {
    for (const [group, resource, subresource] of RESOURCES) {
      for (const verb of VERBS) {
        for (const name of [undefined, 'payments-db', 'other']) {
          out.push({ verb, group, resource, ...(subresource && { subresource }), ...(name && { name }), ...(namespace && { namespace }) });
        }
      }
    }
  }
  for (const path of ['/healthz', '/metrics', '/api']) out.push({ verb: 'get', path });
  return out;
}

/** The IAM principal an employee signs in with: an IAM user ARN, or an sts session of their role. */
function principalOf(e: Employee): string {
  const id = e.identity;
  if (id.kind === 'iamUserArn') return id.arn;
  if (id.kind === 'role') {
    const m = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(id.arn)!;
    return `arn:${m[1]}:sts::${m[2]}:assumed-role/${m[3]}/${id.sessionName}`;
  }
  throw new Error(`unexpected identity ${id.kind}`);
}

function decisions(bundle: Bundle, who: UserInfo, requests: readonly Request[]): boolean[] {
  return requests.map((r) => authorize(bundle, who, r).allowed);
}

async function roundTrip(
  authentication: 'aws-auth' | 'both' | 'access-entries',
): Promise<{ model: AccessModel; cluster: Cluster; plan: ImportPlan; outputUsers: Map<string, string> }> {
  const imported = await importFixture(['--authentication', authentication]);
  try {
    assert.is(imported.code, 0, imported.stderr);
    const loaded = await loadAccess(imported.out);
    assert.ok(loaded.model, loaded.diagnostics.map((d) => d.message).join('\n'));
    const model = loaded.model!;
    const cluster = model.clusters.get('prod-eu')!;
    const plan = await planFixture(authentication);

    // Before: the dump and the aws-auth ConfigMap, the principal resolved as the authenticator does.
    const input = bundleFromDocuments((await loadFiles(await expandPaths([AWS_AUTH, RBAC]))).value);
    // After: the generated RBAC of the imported folder, plus what the import leaves to the cluster.
    const generated = bundleForCluster(model, cluster);
    const after: Bundle = {
      clusterRoles: new Map([...input.bundle.clusterRoles, ...generated.clusterRoles]),
      roles: new Map([...input.bundle.roles, ...generated.roles]),
      bindings: [...generated.bindings, ...plan.retained],
      policies: generated.policies,
    };
    const requests = vocabulary();
    const outputUsers = new Map<string, string>();
    assert.is(model.employees.size, 6);
    for (const e of model.employees.values()) {
      const principal = principalOf(e);
      const before = resolveArn(input.awsAuth, input.accounts, principal);
      assert.ok(before, `${principal} is mapped in the input`);
      const now = userInfoFor(model, cluster, e);
      outputUsers.set(e.name, now.user);
      // What stays on the cluster must not be what grants the imported people their access.
      for (const b of plan.retained) {
        const roleExists =
          b.roleRef.kind === 'ClusterRole' ? input.bundle.clusterRoles.has(b.roleRef.name) : input.bundle.roles.has(`${b.namespace}/${b.roleRef.name}`);
        if (!roleExists) continue; // grants nothing, before or after
        for (const s of b.subjects) {
          assert.ok(!(s.kind === 'User' && (s.name === before!.user || s.name === now.user)), `${b.kind} ${b.name} still names ${s.name}`);
        }
      }
      const a = decisions(input.bundle, before!, requests);
      const b = decisions(after, now, requests);
      const diff = requests.flatMap((r, i) => (a[i] === b[i] ? [] : [`${JSON.stringify(r)}: before ${a[i]}, after ${b[i]}`]));
      assert.equal(diff, [], `${e.name}: permissions differ:\n${diff.slice(0, 10).join('\n')}`);
      assert.ok(a.some(Boolean), `${e.name} can do something`);
    }
    return { model, cluster, plan, outputUsers };
  } finally {
    imported.cleanup();
  }
}

test('round trip: every imported person keeps exactly their permissions (aws-auth)', async () => {
  const { model, cluster, plan, outputUsers } = await roundTrip('aws-auth');
  assert.equal([...model.employees.keys()].sort(), ['alice', 'bob', 'carol', 'dana', 'dave', 'oliver']);
  // Usernames follow eks-access's own template; the report names the change.
  assert.is(outputUsers.get('alice'), 'session:alice-example.com');
  assert.is(outputUsers.get('carol'), 'session:carol-example.com');
  assert.is(outputUsers.get('dana'), 'dana');
  assert.is(outputUsers.get('oliver'), 'oliver');
  // The comparison is not vacuous: spot checks of what the people can and cannot do.
  const input = bundleFromDocuments((await loadFiles([AWS_AUTH, RBAC])).value);
  const can = (principal: string, req: Request) => authorize(input.bundle, resolveArn(input.awsAuth, input.accounts, principal)!, req).allowed;
  const dev = (who: string) => `arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Developer_0123456789abcdef/${who}`;
  assert.ok(can(dev('alice@example.com'), { verb: 'delete', group: '', resource: 'nodes' }));
  assert.not.ok(can(dev('bob@example.com'), { verb: 'delete', group: '', resource: 'nodes' }));
  assert.ok(can(dev('bob@example.com'), { verb: 'update', group: 'apps', resource: 'deployments', namespace: 'checkout' }));
  assert.ok(
    can('arn:aws:iam::111122223333:user/contractors/dana', { verb: 'get', group: '', resource: 'secrets', name: 'payments-db', namespace: 'payments' }),
  );
  assert.not.ok(can('arn:aws:iam::111122223333:user/contractors/dana', { verb: 'get', group: '', resource: 'secrets', name: 'other', namespace: 'payments' }));
  // Preserved entries: two node groups, Fargate, and the shared ci-deployer role.
  const roles = cluster.awsAuth.mapRoles.map((m) => m.rolearn.replace(/^.*:role\//, ''));
  assert.equal(roles, [
    'eksctl-prod-eu-nodegroup-ng-gen-NodeInstanceRole-1A2B3C4D5E6F',
    'eksctl-prod-eu-nodegroup-ng-spot-NodeInstanceRole-6F5E4D3C2B1',
    'eksctl-prod-eu-cluster-FargatePodExecutionRole-9Z8Y7X6W5V4U',
    'ci-deployer',
  ]);
  assert.equal(cluster.namespaces, ['checkout', 'monitoring', 'payments']);
  assert.is(cluster.accountId, '111122223333');
  // The group only the Developer role gives became per-person grants; the shared one stays a group.
  const alice = model.employees.get('alice')!;
  assert.ok(!alice.grants.some((g) => g.kind === 'groups'));
  assert.ok(alice.grants.some((g) => g.kind === 'profile' && g.profile === 'edit' && g.scope === 'namespaces' && g.namespaces.includes('payments')));
  assert.ok(model.employees.get('carol')!.grants.some((g) => g.kind === 'groups' && g.groups.includes('readers')));
  assert.ok(model.employees.get('oliver')!.grants.some((g) => g.kind === 'groups' && g.groups.includes('system:masters')));
  assert.ok(plan.retained.some((b) => b.name === 'readers'));
  assert.not.ok(plan.retained.some((b) => b.name === 'payments-devs-edit'));
});

test('round trip: authentication both (system:masters becomes level: admin)', async () => {
  const { model } = await roundTrip('both');
  const oliver = model.employees.get('oliver')!;
  assert.ok(oliver.grants.some((g) => g.kind === 'level' && g.level === 'admin'));
  assert.not.ok(oliver.grants.some((g) => g.kind === 'groups' && g.groups.some((x) => x.startsWith('system:'))));
});

test('round trip: authentication access-entries', async () => {
  const { cluster } = await roundTrip('access-entries');
  assert.equal(cluster.awsAuth.mapRoles, []);
});

test('the command verifies the import itself and says so', async () => {
  const r = await importFixture();
  try {
    assert.match(r.stdout, /Verified with the can-i engine: each of the 7 imported principals has the same permissions/);
  } finally {
    r.cleanup();
  }
});

/* ---------- the files ---------- */

test('imported files: the expected access folder, which eks-access validate accepts', async () => {
  const r = await importFixture();
  try {
    assert.is(r.code, 0, r.stderr);
    const report = join(r.out, REPORT_FILE);
    assert.ok(existsSync(report));
    rmSync(report);
    const diff = compareGolden(r.out, join(CASE, 'expected'));
    assert.ok(diff === '', diff);
    const v = await run(['validate', '--dir', r.out]);
    assert.is(v.code, 0, v.stderr);
    assert.match(v.stdout, /11 document\(s\) valid/);
    // The escape hatch is there on purpose: the linter flags it.
    const lint = await run(['lint', '--dir', r.out, '--format', 'json']);
    const findings = (JSON.parse(lint.stdout) as { findings: { ruleId: string; employee?: string }[] }).findings;
    assert.ok(
      findings.some((f) => f.ruleId === 'map-to-system-masters' && f.employee === 'oliver'),
      lint.stdout,
    );
  } finally {
    r.cleanup();
  }
});

test('employee files: role identity with session name, IAM users, placeholder email', async () => {
  const r = await importFixture();
  try {
    const alice = parse(readFileSync(join(r.out, 'employees/alice.yaml'), 'utf8')) as Record<string, unknown>;
    assert.equal(alice.identity, { role: { arn: 'arn:aws:iam::111122223333:role/AWSReservedSSO_Developer_0123456789abcdef' } });
    assert.is(alice.email, 'alice@example.com');
    const dana = parse(readFileSync(join(r.out, 'employees/dana.yaml'), 'utf8')) as Record<string, unknown>;
    assert.equal(dana.identity, { iamUserArn: 'arn:aws:iam::111122223333:user/contractors/dana' });
    assert.is(dana.email, 'dana@contractor.example');
    const oliver = parse(readFileSync(join(r.out, 'employees/oliver.yaml'), 'utf8')) as Record<string, unknown>;
    assert.is(oliver.email, 'oliver@unknown.invalid');
    const bob = parse(readFileSync(join(r.out, 'employees/bob.yaml'), 'utf8')) as { access: Record<string, unknown>[] };
    // RoleBindings of the same role in two namespaces: one grant.
    assert.ok(bob.access.some((g) => g.profile === 'payments-deployer' && JSON.stringify(g.namespaces) === '["checkout","payments"]'));
    // Outside a repository that has the schemas, the modeline points where init puts them beside the folder.
    assert.ok(readFileSync(join(r.out, 'employees/bob.yaml'), 'utf8').startsWith('# yaml-language-server: $schema=../../schemas/access.schema.json\n'));
  } finally {
    r.cleanup();
  }
});

test('the $schema line points at the repository schemas by a relative path', async () => {
  assert.is(schemaReference(join(ROOT, 'access'), join(ROOT, 'access', 'employees')), '../../schemas/access.schema.json');
  const s = scratch({ 'schemas/access.schema.json': '{}\n' });
  try {
    const r = await run([...ARGS, '--out-dir', join(s.dir, 'teams', 'access')]);
    assert.is(r.code, 0, r.stderr);
    const text = readFileSync(join(s.dir, 'teams', 'access', 'employees', 'alice.yaml'), 'utf8');
    assert.ok(text.startsWith('# yaml-language-server: $schema=../../../schemas/access.schema.json\n'), text);
  } finally {
    s.cleanup();
  }
});

/* ---------- the report ---------- */

test('the report lists what the access files cannot express', async () => {
  const r = await importFixture();
  try {
    const report = readFileSync(join(r.out, REPORT_FILE), 'utf8');
    assert.is(r.stdout, report);
    const expectations: [string, RegExp][] = [
      ['mapAccounts', /## mapAccounts[^]*account 444455556666/],
      [
        'ServiceAccount bindings',
        /## Bindings to ServiceAccounts[^]*ServiceAccount payments\/migrations -> Role db-migrator[^]*ServiceAccount checkout\/checkout-app/,
      ],
      ['system: groups', /## Bindings to system: groups[^]*Group system:authenticated -> ClusterRole monitoring-pods/],
      ['unmapped group', /## Users and groups bound in RBAC but not mapped[^]*group oidc:platform/],
      ['unmapped user', /User erin -> ClusterRole edit; no aws-auth mapping gives this username/],
      [
        'shared static username',
        /## Roles mapped with a shared static username[^]*role\/ci-deployer signs everyone who assumes it in as "ci-deployer"[^]*RoleBinding checkout\/ci-edit: User ci-deployer/,
      ],
      ['entry without rolearn', /aws-auth\.yaml:43:7 {2}an entry of mapRoles has no rolearn; the authenticator drops it/],
      ['role with a path', /role\/platform\/legacy-admin includes a path[^\n]*never matches/],
      ['missing role', /RoleBinding checkout\/stale grants nothing: Role checkout\/deleted-role does not exist/],
      [
        'username change',
        /alice \(AWSReservedSSO_Developer_0123456789abcdef\): dev:alice-example\.com -> session:alice-example\.com \(template dev:\{\{SessionName\}\}/,
      ],
      ['raw template change', /carol [^\n]*ro:carol@example\.com -> session:carol-example\.com/],
      ['IAM user rename', /dana [^\n]*dana@contractor\.example -> dana/],
      ['system:masters', /oliver gets group system:masters/],
      ['aggregated role', /ClusterRole monitoring-view aggregates other ClusterRoles/],
      ['shared group kept', /group readers is given by 2 aws-auth mappings/],
      ['others of a shared role', /only the 2 people RBAC names were imported \(alice, bob\)/],
      ['platform objects counted', /51 Kubernetes and EKS default objects \(system:\*, eks:\*\) skipped/],
      [
        'bindings to remove',
        /remove User dev:bob-example\.com, User oliver from RoleBinding payments\/db-migrators; keep its other subjects\n- [^\n]*delete RoleBinding payments\/payments-devs-edit \(Group payments-devs\)/,
      ],
    ];
    for (const [what, re] of expectations) assert.match(report, re, what);
    // Platform objects are only counted, never listed.
    assert.not.match(report, /system:controller:bootstrap-signer|eks:addon-manager/);
  } finally {
    r.cleanup();
  }
});

/* ---------- refusing to overwrite ---------- */

test('existing files without --force: exit 2, the file named, nothing written', async () => {
  const s = scratch({ 'access/employees/alice.yaml': 'mine\n', 'access/notes.txt': 'keep\n' });
  try {
    const before = snapshotTree(s.dir);
    const r = await run([...ARGS, '--out-dir', join(s.dir, 'access')]);
    assert.is(r.code, 2);
    assert.match(r.stderr, /access\/employees\/alice\.yaml already exists; nothing written \(use --force to overwrite\)/);
    assert.equal(snapshotTree(s.dir), before);
    const forced = await run([...ARGS, '--out-dir', join(s.dir, 'access'), '--force']);
    assert.is(forced.code, 0, forced.stderr);
    assert.match(readFileSync(join(s.dir, 'access/employees/alice.yaml'), 'utf8'), /kind: Employee/);
    assert.is(readFileSync(join(s.dir, 'access/notes.txt'), 'utf8'), 'keep\n');
  } finally {
    s.cleanup();
  }
});

test('a write that fails part way leaves the access folder as it was: no file, no folder, no staging copy', async () => {
  // employees/ cannot be made (a file has its name): clusters/ and profiles/ were written before it.
  const s = scratch({ 'access/employees': 'not a folder\n', 'access/notes.txt': 'keep\n' });
  try {
    const before = snapshotTree(s.dir);
    const r = await run([...ARGS, '--out-dir', join(s.dir, 'access')]);
    assert.is(r.code, 2);
    assert.match(r.stderr, /cannot write .*access: .*; .*access is as it was/);
    assert.is(r.stdout, '');
    assert.equal(snapshotTree(s.dir), before);
    assert.equal(readdirSync(join(s.dir, 'access')).sort(), ['employees', 'notes.txt']);
    assert.equal(readdirSync(s.dir), ['access']);
  } finally {
    s.cleanup();
  }
});

test('importing into an existing access folder: the whole folder must validate', async () => {
  const { 'access/employees/alice.yaml': _alice, ...rest } = BASE_FILES;
  void _alice;
  const s = scratch(rest);
  try {
    const r = await run([...ARGS, '--out-dir', join(s.dir, 'access')]);
    assert.is(r.code, 0, r.stderr);
    const v = await run(['validate', '--dir', join(s.dir, 'access')]);
    assert.is(v.code, 0, v.stderr);
    assert.match(v.stdout, /14 document\(s\) valid/);
  } finally {
    s.cleanup();
  }
  const clash = scratch({ 'access/clusters/legacy.yaml': BASE_FILES['access/clusters/prod.yaml']!.replace('name: prod', 'name: prod-eu') });
  try {
    const before = snapshotTree(clash.dir);
    const r = await run([...ARGS, '--out-dir', join(clash.dir, 'access')]);
    assert.is(r.code, 1);
    assert.match(r.stderr, /duplicate cluster name "prod-eu"/);
    assert.match(r.stderr, /nothing written: with the access files already in/);
    assert.equal(snapshotTree(clash.dir), before);
  } finally {
    clash.cleanup();
  }
});

/* ---------- bad input ---------- */

const CM = (data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n${data}`;
const NODE = `    - rolearn: arn:aws:iam::111122223333:role/nodes\n      username: system:node:{{EC2PrivateDNSName}}\n      groups: [system:bootstrappers, system:nodes]\n`;
const RBAC_SMALL = `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: devs, namespace: web}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects:
  - {apiGroup: rbac.authorization.k8s.io, kind: User, name: "dev:ann-example.com"}
  - {apiGroup: rbac.authorization.k8s.io, kind: User, name: "ro:ann-example.com"}
`;

async function importText(
  awsAuth: string,
  rbac = RBAC_SMALL,
  extra: string[] = ['--region', 'eu-west-1', '--cluster', 'web'],
): Promise<{ code: number; stdout: string; stderr: string; out: string; written: Record<string, string>; cleanup: () => void }> {
  const s = scratch({ 'in/aws-auth.yaml': awsAuth, 'in/rbac.yaml': rbac });
  const out = join(s.dir, 'out');
  const r = await run(['import', '--aws-auth', 'in/aws-auth.yaml', '--manifests', 'in/rbac.yaml', ...extra, '--out-dir', 'out'], s.dir);
  return { ...r, out, written: snapshotTree(out), cleanup: s.cleanup };
}

function noStackTrace(text: string): void {
  assert.not.match(text, /\n\s+at .+:\d+:\d+\)?\n|internal error/);
}

test('malformed aws-auth: a mapRoles section that is not YAML is refused (exit 1, file:line:column, nothing written)', async () => {
  const r = await importText(CM(`  mapRoles: |\n${NODE}    - rolearn: [unclosed\n`));
  try {
    assert.is(r.code, 1);
    assert.match(r.stderr, /^in\/aws-auth\.yaml:\d+:\d+ {2}error {2}malformed aws-auth: data\.mapRoles is not valid YAML/m);
    assert.match(r.stderr, /nothing imported/);
    assert.equal(r.written, {});
    noStackTrace(r.stderr);
  } finally {
    r.cleanup();
  }
});

test('malformed aws-auth: mapRoles without | (not a string) is refused with exit 1', async () => {
  const r = await importText(CM(`  mapRoles:\n    - rolearn: arn:aws:iam::111122223333:role/nodes\n`));
  try {
    assert.is(r.code, 1);
    assert.match(r.stderr, /in\/aws-auth\.yaml:8:\d+ {2}error {2}malformed aws-auth: data\.mapRoles must be a string/);
    assert.equal(r.written, {});
  } finally {
    r.cleanup();
  }
});

test('bad input: YAML syntax error (exit 1), no aws-auth ConfigMap (exit 2), missing file (exit 2)', async () => {
  const syntax = await importText('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: aws-auth\n');
  try {
    assert.is(syntax.code, 1);
    assert.match(syntax.stderr, /^in\/aws-auth\.yaml:\d+:\d+ {2}error/m);
    noStackTrace(syntax.stderr);
  } finally {
    syntax.cleanup();
  }
  const none = await importText('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: coredns, namespace: kube-system}\n');
  try {
    assert.is(none.code, 2);
    assert.match(none.stderr, /no aws-auth ConfigMap .* in in\/aws-auth\.yaml/);
  } finally {
    none.cleanup();
  }
  const missing = await run(['import', '--aws-auth', '/nonexistent/aws-auth.yaml', '--manifests', RBAC, '--out-dir', '/tmp/never']);
  assert.is(missing.code, 2);
  assert.match(missing.stderr, /file or folder not found: \/nonexistent\/aws-auth\.yaml/);
  assert.not.ok(existsSync('/tmp/never'));
});

test('every missing flag at once; the report says which findings need a waiver before generate', async () => {
  const aws = CM(`  mapRoles: |\n${NODE}`);
  const none = await importText(aws, RBAC_SMALL, []);
  try {
    assert.is(none.code, 2);
    assert.match(none.stderr, /--region is required/);
    assert.match(none.stderr, /--cluster is required/);
    assert.match(none.stderr, '2 flags are missing or invalid');
  } finally {
    none.cleanup();
  }
  const admin = await importText(
    CM(
      `  mapRoles: |\n${NODE}  mapUsers: |\n    - userarn: arn:aws:iam::111122223333:user/root-ish\n      username: root-ish\n      groups: [system:masters]\n`,
    ),
  );
  try {
    assert.is(admin.code, 0, admin.stderr);
    assert.match(admin.stdout, '## Before generate: findings that need a fix or a waiver');
    assert.match(admin.stdout, /map-to-system-masters|subject-system-masters|system:masters/);
    assert.match(admin.stdout, '  - rule: ');
    assert.match(admin.stderr, /lint error\(s\) need a fix or a waiver/);
  } finally {
    admin.cleanup();
  }
});

test('usage: --region required when not derivable, bad --authentication, bad --account', async () => {
  const aws = CM(`  mapRoles: |\n${NODE}`);
  const noRegion = await importText(aws, RBAC_SMALL, ['--cluster', 'web']);
  try {
    assert.is(noRegion.code, 2);
    assert.match(noRegion.stderr, /--region is required/);
  } finally {
    noRegion.cleanup();
  }
  const noCluster = await importText(aws, RBAC_SMALL, ['--region', 'eu-west-1']);
  try {
    assert.is(noCluster.code, 2);
    assert.match(noCluster.stderr, /--cluster is required/);
  } finally {
    noCluster.cleanup();
  }
  const badMode = await importText(aws, RBAC_SMALL, ['--region', 'eu-west-1', '--cluster', 'web', '--authentication', 'API']);
  try {
    assert.is(badMode.code, 2);
    assert.match(badMode.stderr, /unknown --authentication "API"/);
  } finally {
    badMode.cleanup();
  }
  const badAccount = await importText(aws, RBAC_SMALL, ['--region', 'eu-west-1', '--cluster', 'web', '--account', '1234']);
  try {
    assert.is(badAccount.code, 2);
    assert.match(badAccount.stderr, /--account must be a 12-digit AWS account id/);
  } finally {
    badAccount.cleanup();
  }
});

test('one session name through two roles: one employee, the other reported', async () => {
  const aws = CM(`  mapRoles: |
${NODE}    - rolearn: arn:aws:iam::111122223333:role/Dev
      username: "dev:{{SessionName}}"
    - rolearn: arn:aws:iam::111122223333:role/ReadOnly
      username: "ro:{{SessionName}}"
    - rolearn: arn:aws:iam::111122223333:role/Dev
      username: "dev:{{SessionName}}"
      groups: [web-devs]
    - rolearn: arn:aws:iam::111122223333:role/Admin
      username: "admin:{{SessionName}}"
      groups: [system:masters]
`);
  const r = await importText(aws);
  try {
    assert.is(r.code, 0, r.stderr);
    assert.equal(
      Object.keys(r.written).filter((f) => f.startsWith('employees/')),
      ['employees/ann.yaml'],
    );
    assert.match(
      r.stdout,
      /ro:ann-example\.com \(through arn:aws:iam::111122223333:role\/ReadOnly\) and dev:ann-example\.com \(through arn:aws:iam::111122223333:role\/Dev\) would both become Kubernetes user session:ann-example\.com[^\n]*role\/ReadOnly is kept verbatim, so ro:ann-example\.com keeps its access/,
    );
    assert.match(r.stdout, /each of the 3 imported principals has the same permissions/);
    assert.match(r.stdout, /role\/Dev is mapped again at in\/aws-auth\.yaml:\d+:\d+; the authenticator keeps only the last entry/);
    // No one is named through Admin: kept verbatim, with its system:masters, for whoever assumes it.
    assert.match(r.stdout, /role\/Admin \(username "admin:\{\{SessionName\}\}", groups system:masters\): no RoleBinding or ClusterRoleBinding names a person/);
    const cluster = parse(r.written['clusters/web.yaml']!) as { awsAuth: { mapRoles: { rolearn: string }[] } };
    assert.equal(
      cluster.awsAuth.mapRoles.map((m) => m.rolearn.replace(/^.*\//, '')),
      ['nodes', 'ReadOnly', 'Admin'],
    );
    const ann = parse(r.written['employees/ann.yaml']!) as { identity: unknown; access: Record<string, unknown>[] };
    assert.equal(ann.identity, { role: { arn: 'arn:aws:iam::111122223333:role/Dev' } });
    assert.equal(
      ann.access.find((g) => g.groups),
      { cluster: 'web', groups: ['web-devs'], reason: 'imported from the aws-auth mapping of arn:aws:iam::111122223333:role/Dev' },
    );
    const v = await run(['validate', '--dir', r.out]);
    assert.is(v.code, 0, v.stderr);
  } finally {
    r.cleanup();
  }
});

test('aws-auth given inside --manifests, account and region derived, session names that are no email', async () => {
  const dump = `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: aws-auth, namespace: kube-system}
    data:
      mapRoles: |
        - rolearn: arn:aws:iam::111122223333:role/nodes
          username: system:node:{{EC2PrivateDNSName}}
          groups: [system:bootstrappers, system:nodes]
        - rolearn: arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-central-1/AWSReservedSSO_Ops_1
          username: "ops:{{SessionName}}"
        - rolearn: arn:aws:iam::111122223333:role/Ops
          username: "ops:{{SessionName}}"
  - apiVersion: rbac.authorization.k8s.io/v1
    kind: ClusterRoleBinding
    metadata: {name: ops}
    roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
    subjects: [{kind: User, name: "ops:jdoe"}]
`;
  const s = scratch({ 'dump.yaml': dump });
  try {
    const r = await run(['import', '--manifests', 'dump.yaml', '--cluster', 'ops', '--out-dir', 'out'], s.dir);
    assert.is(r.code, 0, r.stderr);
    // The region comes from the IAM Identity Center path of the (never matching) mapping.
    const cluster = parse(readFileSync(join(s.dir, 'out/clusters/ops.yaml'), 'utf8')) as Record<string, unknown>;
    assert.is(cluster.region, 'eu-central-1');
    assert.is(cluster.accountId, '111122223333');
    assert.equal(cluster.namespaces, ['default']);
    const jdoe = parse(readFileSync(join(s.dir, 'out/employees/jdoe.yaml'), 'utf8')) as Record<string, unknown>;
    assert.is(jdoe.email, 'jdoe@unknown.invalid');
    assert.equal(jdoe.identity, { role: { arn: 'arn:aws:iam::111122223333:role/Ops', sessionName: 'jdoe' } });
    assert.match(r.stdout, /AWSReservedSSO_Ops_1 includes a path/);
    assert.match(r.stdout, /no email could be derived for jdoe/);
  } finally {
    s.cleanup();
  }
});

test('a bare {{SessionName}} role does not claim the usernames of IAM users or shared roles; an IAM user without grants', async () => {
  const aws = CM(`  mapRoles: |
${NODE}    - rolearn: arn:aws:iam::111122223333:role/Any
      username: "{{SessionName}}"
    - rolearn: arn:aws:iam::111122223333:role/Shared
      username: shared
    - rolearn: arn:aws:iam::111122223333:role/Odd
      username: shared
      groups: system:masters
  mapUsers: |
    - userarn: arn:aws:iam::111122223333:user/ann
      username: ann
    - userarn: arn:aws:iam::111122223333:user/idle
      username: idle
`);
  const rbac = `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: devs, namespace: web}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects: [{kind: User, name: ann}, {kind: User, name: shared}, {kind: User, name: bert.k}]
`;
  const r = await importText(aws, rbac);
  try {
    assert.is(r.code, 0, r.stderr);
    assert.equal(
      Object.keys(r.written)
        .filter((f) => f.startsWith('employees/'))
        .sort(),
      ['employees/ann.yaml', 'employees/bert-k.yaml', 'employees/idle.yaml'],
    );
    const bert = parse(r.written['employees/bert-k.yaml']!) as Record<string, unknown>;
    assert.equal(bert.identity, { role: { arn: 'arn:aws:iam::111122223333:role/Any', sessionName: 'bert.k' } });
    assert.equal((parse(r.written['employees/idle.yaml']!) as Record<string, unknown>).access, []);
    assert.match(r.stdout, /idle \(arn:aws:iam::111122223333:user\/idle\) has no grants/);
    // An entry whose groups are not a list keeps its username (json.Unmarshal skips only the field), so
    // role/Odd signs in as "shared" too, without groups.
    assert.match(
      r.stdout,
      /User shared -> ClusterRole edit is the shared username of arn:aws:iam::111122223333:role\/Shared, arn:aws:iam::111122223333:role\/Odd; left to the cluster/,
    );
    assert.match(
      r.stdout,
      /groups of arn:aws:iam::111122223333:role\/Odd is the string "system:masters", not a list of strings; the authenticator skips it and keeps the entry/,
    );
    assert.match(r.stdout, /each of the 5 imported principals has the same permissions/);
    const v = await run(['validate', '--dir', r.out]);
    assert.is(v.code, 0, v.stderr);
  } finally {
    r.cleanup();
  }
});

test('malformed aws-auth: data that is not a mapping (exit 1)', async () => {
  const r = await importText('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: aws-auth, namespace: kube-system}\ndata: [mapRoles]\n');
  try {
    assert.is(r.code, 1);
    assert.match(r.stderr, /^in\/aws-auth\.yaml:4:7 {2}error {2}malformed aws-auth: data must be a mapping/m);
    assert.equal(r.written, {});
  } finally {
    r.cleanup();
  }
});

/* ---------- pieces ---------- */

test('normalizeRules: split mixed rules, drop what grants nothing, keep named objects', () => {
  const { rules, notes } = normalizeRules(
    [
      { apiGroups: [''], resources: ['pods'], nonResourceURLs: ['/healthz'], verbs: ['get', 'get'] },
      { apiGroups: [''], resources: ['secrets'], resourceNames: [], verbs: ['get'] },
      { resources: ['pods'], verbs: ['get'] },
      { apiGroups: ['example.com'], resources: ['widgets'], verbs: ['frobnicate'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get'] },
    ],
    false,
  );
  assert.equal(rules, [
    { apiGroups: [''], resources: ['pods'], verbs: ['get'] },
    { nonResourceURLs: ['/healthz'], verbs: ['get'] },
    { apiGroups: [''], resources: ['secrets'], verbs: ['get'] },
  ]);
  assert.equal(notes, ['verb(s) frobnicate dropped: the access-file schema knows only the Kubernetes API verbs']);
  assert.equal(normalizeRules([{ nonResourceURLs: ['/metrics'], verbs: ['get'] }], true).rules, []);
});

test('dnsLabel: names from role and user names', () => {
  assert.is(dnsLabel('payments:deployer', 'x'), 'payments-deployer');
  assert.is(dnsLabel('Alice.Smith@Example.com', 'x'), 'alice-smith-example-com');
  assert.is(dnsLabel('::', 'fallback'), 'fallback');
  assert.is(dnsLabel('a'.repeat(80), 'x').length, 63);
});

test.run();
