import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse, parseAllDocuments } from 'yaml';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { compareGolden } from '../helpers/golden.js';
import { BASE_FILES, FIXTURES, HEADER, ROOT, run, scratch, snapshotTree } from '../helpers/run.js';

const CASES = join(FIXTURES, 'generate');

/** Generates fixture `name` into a scratch folder, running from the fixture folder so sources read `access/...`. */
async function generateCase(name: string): Promise<{ out: string; cleanup: () => void; stderr: string }> {
  const s = scratch();
  const out = join(s.dir, 'generated');
  const r = await run(['generate', '--out', out], join(CASES, name));
  assert.is(r.code, 0, r.stderr);
  return { out, cleanup: s.cleanup, stderr: r.stderr };
}

for (const name of readdirSync(CASES).sort()) {
  test(`golden: ${name}`, async () => {
    const g = await generateCase(name);
    try {
      const diff = compareGolden(g.out, join(CASES, name, 'expected'));
      assert.ok(diff === '', diff);
    } finally {
      g.cleanup();
    }
  });
}

test('the committed generated/ is what the example access/ produces (--check exits 0)', async () => {
  const r = await run(['generate', '--check'], ROOT);
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.is(r.stdout, '');
});

test('same input twice gives byte-identical output', async () => {
  const a = await generateCase('mixed');
  const b = await generateCase('mixed');
  try {
    const ta = snapshotTree(a.out);
    assert.ok(Object.keys(ta).length > 10);
    assert.equal(ta, snapshotTree(b.out));
  } finally {
    a.cleanup();
    b.cleanup();
  }
});

function mixedScratch(): { dir: string; cleanup: () => void } {
  const s = scratch();
  cpSync(join(CASES, 'mixed', 'access'), join(s.dir, 'access'), { recursive: true });
  return s;
}

test('--check after an edit exits 1 with a diff and writes nothing', async () => {
  const s = mixedScratch();
  try {
    assert.is((await run(['generate'], s.dir)).code, 0);
    const before = snapshotTree(join(s.dir, 'generated'));
    const file = join(s.dir, 'access', 'all.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('resourceNames: [db-password]', 'resourceNames: [db-password, api-key]'));
    const r = await run(['generate', '--check'], s.dir);
    assert.is(r.code, 1);
    assert.match(r.stdout, '--- a/generated/clusters/legacy/employees/cleo.yaml');
    assert.match(r.stdout, '+      - api-key');
    assert.match(r.stderr, 'generated is stale: 0 added, 3 changed, 0 removed');
    assert.equal(snapshotTree(join(s.dir, 'generated')), before);
  } finally {
    s.cleanup();
  }
});

test('--check reports added and removed files', async () => {
  const s = mixedScratch();
  try {
    assert.is((await run(['generate'], s.dir)).code, 0);
    writeFileSync(join(s.dir, 'generated', 'clusters', 'legacy', 'stray.yaml'), 'kind: Stray\n');
    rmSync(join(s.dir, 'generated', 'ACCESS.md'));
    const r = await run(['generate', '--check'], s.dir);
    assert.is(r.code, 1);
    assert.match(r.stdout, '+++ b/generated/ACCESS.md');
    assert.match(r.stdout, '--- a/generated/clusters/legacy/stray.yaml');
    assert.match(r.stderr, '1 added, 0 changed, 1 removed');
  } finally {
    s.cleanup();
  }
});

test('invalid input leaves the output folder untouched', async () => {
  const s = mixedScratch();
  try {
    assert.is((await run(['generate'], s.dir)).code, 0);
    const before = snapshotTree(join(s.dir, 'generated'));
    writeFileSync(
      join(s.dir, 'access', 'broken.yaml'),
      `${HEADER}kind: Employee\nname: zed\nemail: zed@example.com\nidentity: {iamUser: zed}\naccess:\n  - cluster: nowhere\n    level: admin\n`,
    );
    const r = await run(['generate'], s.dir);
    assert.is(r.code, 1);
    assert.match(r.stderr, 'access/broken.yaml:7:14  error  unknown cluster "nowhere"');
    assert.match(r.stderr, 'nothing written to generated');
    assert.not.match(r.stderr, /\n\s+at /);
    assert.equal(snapshotTree(join(s.dir, 'generated')), before);
  } finally {
    s.cleanup();
  }
});

test('files that no longer belong are removed', async () => {
  const s = mixedScratch();
  try {
    assert.is((await run(['generate'], s.dir)).code, 0);
    assert.ok(existsSync(join(s.dir, 'generated', 'clusters', 'legacy', 'employees', 'cleo.yaml')));
    const file = join(s.dir, 'access', 'all.yaml');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.slice(0, text.indexOf('---\napiVersion: eks-access/v1\nkind: Employee\nname: cleo')));
    const r = await run(['generate'], s.dir);
    assert.is(r.code, 0, r.stderr);
    assert.not.ok(existsSync(join(s.dir, 'generated', 'clusters', 'legacy', 'employees', 'cleo.yaml')));
    assert.not.ok(existsSync(join(s.dir, 'generated', 'kubeconfigs', 'cleo.yaml')));
    const tf = join(s.dir, 'generated', 'terraform', '111122223333', 'employees.tf.json');
    if (existsSync(tf)) assert.not.match(readFileSync(tf, 'utf8'), 'cleo');
    assert.not.match(readFileSync(join(s.dir, 'generated', 'clusters', 'legacy', 'kustomization.yaml'), 'utf8'), 'cleo');
    // No staging or retired folder is left beside the output.
    assert.equal(readdirSync(s.dir).sort(), ['access', 'generated']);
  } finally {
    s.cleanup();
  }
});

test('refuses to replace a folder it did not write, and leaves it alone', async () => {
  const s = scratch({ ...BASE_FILES, 'generated/notes.txt': 'mine\n' });
  try {
    const r = await run(['generate'], s.dir);
    assert.is(r.code, 2);
    assert.match(r.stderr, 'refusing to replace generated');
    assert.equal(snapshotTree(join(s.dir, 'generated')), { 'notes.txt': 'mine\n' });
  } finally {
    s.cleanup();
  }
});

test('leftovers of an interrupted run are cleaned up', async () => {
  const s = scratch(BASE_FILES);
  try {
    mkdirSync(join(s.dir, '.generated.eks-access-new-99999', 'clusters'), { recursive: true });
    writeFileSync(join(s.dir, '.generated.eks-access-new-99999', 'clusters', 'half.yaml'), 'half');
    assert.is((await run(['generate'], s.dir)).code, 0);
    assert.not.ok(existsSync(join(s.dir, '.generated.eks-access-new-99999')));
  } finally {
    s.cleanup();
  }
});

/* Object-level checks of the tricky parts, on the mixed fixture. */

function objectsOf(path: string): Record<string, unknown>[] {
  return parseAllDocuments(readFileSync(path, 'utf8')).map((d) => d.toJS() as Record<string, unknown>);
}

test('aws-auth: node roles first and verbatim, role paths stripped, one mapping per shared role, @ kept for the template', async () => {
  const g = await generateCase('mixed');
  try {
    const [cm] = objectsOf(join(g.out, 'clusters', 'legacy', 'aws-auth.yaml')) as [
      { metadata: { name: string; namespace: string }; data: Record<string, string> },
    ];
    assert.is(cm.metadata.name, 'aws-auth');
    assert.is(cm.metadata.namespace, 'kube-system');
    // The authenticator reads these strings as YAML; read them back the same way.
    const roles = parse(cm.data.mapRoles!, { version: '1.1' }) as { rolearn: string; username: string; groups?: string[] }[];
    const users = parse(cm.data.mapUsers!, { version: '1.1' }) as { userarn: string; username: string; groups?: string[] }[];
    assert.equal(roles[0], {
      rolearn: 'arn:aws:iam::111122223333:role/legacy-nodes',
      username: 'system:node:{{EC2PrivateDNSName}}',
      groups: ['system:bootstrappers', 'system:nodes'],
    });
    assert.is(roles.length, 2, 'ana and ben share one role: one mapping');
    assert.equal(roles[1], { rolearn: 'arn:aws:iam::111122223333:role/AWSReservedSSO_Dev_0123456789abcdef', username: 'session:{{SessionName}}' });
    assert.equal(users[0], { userarn: 'arn:aws:iam::111122223333:user/break-glass', username: 'break-glass', groups: ['break-glass-admins'] });
    assert.equal(users[1], { userarn: 'arn:aws:iam::111122223333:user/eks-access/cleo', username: 'cleo', groups: ['payments-oncall'] });
  } finally {
    g.cleanup();
  }
});

test('bindings name the Kubernetes user the authenticator derives: {{SessionName}} turns @ into -', async () => {
  const g = await generateCase('mixed');
  try {
    const ana = objectsOf(join(g.out, 'clusters', 'legacy', 'employees', 'ana.yaml')) as {
      subjects: { name: string }[];
      metadata: { annotations: Record<string, string> };
    }[];
    assert.ok(ana.length === 2);
    for (const b of ana) {
      assert.equal(b.subjects, [{ kind: 'User', name: 'session:ana.lopez-example.com', apiGroup: 'rbac.authorization.k8s.io' }]);
      assert.is(b.metadata.annotations['eks-access/expires'], '2031-01-31');
    }
    const ben = objectsOf(join(g.out, 'clusters', 'legacy', 'employees', 'ben.yaml')) as {
      kind: string;
      roleRef: { name: string };
      subjects: { name: string }[];
    }[];
    assert.equal(
      ben.map((o) => [o.kind, o.roleRef.name, o.subjects[0]!.name]),
      [['ClusterRoleBinding', 'view', 'session:ben.k']],
    );
  } finally {
    g.cleanup();
  }
});

test('inline rules of one person in one namespace become one Role and one RoleBinding', async () => {
  const g = await generateCase('mixed');
  try {
    const objects = objectsOf(join(g.out, 'clusters', 'legacy', 'employees', 'cleo.yaml')) as {
      kind: string;
      metadata: { name: string; namespace: string };
      rules?: unknown[];
      roleRef?: { kind: string; name: string };
    }[];
    assert.equal(
      objects.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`),
      ['Role/payments/eks-access:cleo', 'RoleBinding/payments/eks-access:cleo:role'],
    );
    assert.is(objects[0]!.rules!.length, 2);
    assert.equal(objects[1]!.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'eks-access:cleo' });
  } finally {
    g.cleanup();
  }
});

test('terraform: one access entry per shared role and cluster, with policy scopes merged; IAM users with a describe-only policy', async () => {
  const g = await generateCase('mixed');
  try {
    const tfDir = join(g.out, 'terraform', '222233334444');
    const role = JSON.parse(readFileSync(join(tfDir, 'roles.tf.json'), 'utf8')) as { resource: Record<string, Record<string, Record<string, unknown>>> };
    const entries = Object.values(role.resource.aws_eks_access_entry!);
    assert.is(entries.length, 1);
    assert.is(
      entries[0]!.principal_arn,
      'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Dev_0123456789abcdef',
      'access entries keep the path',
    );
    assert.is(entries[0]!.user_name, 'session:{{SessionName}}');
    const assoc = Object.values(role.resource.aws_eks_access_policy_association!);
    assert.is(assoc.length, 1);
    assert.equal(assoc[0]!.access_scope, { namespaces: ['payments', 'web'], type: 'namespace' });
    const cleo = JSON.parse(readFileSync(join(tfDir, 'employees.tf.json'), 'utf8')) as { resource: Record<string, Record<string, Record<string, unknown>>> };
    const policy = JSON.parse(String(cleo.resource.aws_iam_user_policy!.cleo__eks_describe!.policy)) as {
      Statement: { Action: string[]; Resource: string[] }[];
    };
    assert.equal(policy.Statement, [
      { Sid: 'DescribeOwnClusters', Effect: 'Allow', Action: ['eks:DescribeCluster'], Resource: ['arn:aws:eks:us-east-2:222233334444:cluster/modern'] },
    ]);
    assert.is(cleo.resource.aws_eks_access_entry!.cleo__modern!.principal_arn, '${aws_iam_user.cleo.arn}');
    const all = readdirSync(join(g.out, 'terraform'), { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.json'));
    for (const f of all) {
      const text = readFileSync(join(g.out, 'terraform', f), 'utf8');
      assert.not.match(text, 'aws_iam_access_key', f);
      assert.not.match(text, 'AmazonEKSClusterPolicy', f);
    }
  } finally {
    g.cleanup();
  }
});

test('terraform: literal ${ and %{ are escaped', async () => {
  const g = await generateCase('escaping');
  try {
    const text = readFileSync(join(g.out, 'terraform', '111122223333', 'employees.tf.json'), 'utf8');
    assert.match(text, '"team": "__var.team_ __ if true _x__ endif _"', 'a tag value holds only what AWS accepts');
    assert.match(text, '"web-$${x}"');
    assert.match(text, '"principal_arn": "${aws_iam_user.dollar.arn}"', 'real references stay interpolations');
  } finally {
    g.cleanup();
  }
});

test('empty clusters: aws-auth keeps the node mappings, kustomizations still list every file', async () => {
  const g = await generateCase('empty-cluster');
  try {
    const k = parse(readFileSync(join(g.out, 'clusters', 'quiet', 'kustomization.yaml'), 'utf8')) as { resources: string[] };
    assert.equal(k.resources, ['aws-auth.yaml']);
    const [cm] = objectsOf(join(g.out, 'clusters', 'quiet', 'aws-auth.yaml')) as [{ data: Record<string, string> }];
    assert.is((parse(cm.data.mapRoles!) as unknown[]).length, 1);
    assert.equal(parse(cm.data.mapUsers!), []);
    const api = parse(readFileSync(join(g.out, 'clusters', 'api-only', 'kustomization.yaml'), 'utf8')) as { resources: string[] };
    assert.equal(api.resources, []);
  } finally {
    g.cleanup();
  }
});

test('an aws-auth cluster without a node mapping is refused at the cluster file, unless it says it needs none', async () => {
  const cluster = `${HEADER}kind: Cluster\nname: prod\naccountId: "111122223333"\nregion: eu-west-1\nauthentication: aws-auth\nnamespaces: [payments, my-namespace]\n`;
  const s = scratch({ ...BASE_FILES, 'access/clusters/prod.yaml': cluster });
  try {
    const r = await run(['generate'], s.dir);
    assert.is(r.code, 1);
    assert.match(r.stderr, 'access/clusters/prod.yaml:3:7  error  cluster "prod" uses aws-auth but awsAuth.mapRoles maps no node role');
    assert.not.ok(existsSync(join(s.dir, 'generated')));
    writeFileSync(join(s.dir, 'access/clusters/prod.yaml'), cluster + 'awsAuth:\n  requireNodeMapping: false\n');
    assert.is((await run(['generate'], s.dir)).code, 0);
  } finally {
    s.cleanup();
  }
});

test('an employee whose role is also a preserved aws-auth entry is refused (the authenticator keeps only one)', async () => {
  const s = scratch({
    ...BASE_FILES,
    'access/employees/nodey.yaml': `${HEADER}kind: Employee\nname: nodey\nemail: nodey@example.com\nidentity:\n  role:\n    arn: arn:aws:iam::111122223333:role/some/path/prod-nodes\naccess:\n  - cluster: prod\n    level: read-only\n`,
  });
  try {
    const r = await run(['generate'], s.dir);
    assert.is(r.code, 1);
    assert.match(r.stderr, 'access/employees/nodey.yaml:7:5  error  employee "nodey" maps the same IAM identity as the preserved aws-auth entry');
  } finally {
    s.cleanup();
  }
});

/* Every generated Kubernetes object validates against the Kubernetes OpenAPI schemas. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  ConfigMap: ConfigMap as never,
  ClusterRole: ClusterRole as never,
  ClusterRoleBinding: ClusterRoleBinding as never,
  Role: Role as never,
  RoleBinding: RoleBinding as never,
};

function validateClusterFolder(dir: string): number {
  let count = 0;
  for (const f of readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.yaml') && !f.endsWith('kustomization.yaml'))) {
    for (const o of objectsOf(join(dir, f))) {
      const Model = MODELS[String(o.kind)];
      assert.ok(Model, `${f}: unexpected kind ${String(o.kind)}`);
      try {
        new Model!(o as never).validate();
      } catch (e) {
        assert.unreachable(`${f}: ${(e as Error).message}`);
      }
      const name = (o.metadata as { name: string }).name;
      assert.ok(name.length < 253 && /^[a-z0-9]([-a-z0-9.:]*[a-z0-9])?$/.test(name), `${f}: bad name ${name}`);
      count++;
    }
  }
  return count;
}

test('every generated object validates against the Kubernetes OpenAPI schema', async () => {
  let count = validateClusterFolder(join(ROOT, 'generated', 'clusters'));
  const g = await generateCase('mixed');
  try {
    count += validateClusterFolder(join(g.out, 'clusters'));
  } finally {
    g.cleanup();
  }
  assert.ok(count > 40, `validated ${count} objects`);
});

function hasKubectl(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

(hasKubectl() ? test : test.skip)('kubectl kustomize builds every cluster folder of the example', () => {
  const clusters = readdirSync(join(ROOT, 'generated', 'clusters'));
  assert.is(clusters.length, 3);
  for (const c of clusters) {
    const out = execFileSync('kubectl', ['kustomize', join(ROOT, 'generated', 'clusters', c)], { encoding: 'utf8' });
    const kinds = parseAllDocuments(out).map((d) => (d.toJS() as { kind: string }).kind);
    assert.ok(kinds.length > 0, c);
    assert.ok(
      kinds.every((k) => ['ConfigMap', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'].includes(k)),
      kinds.join(','),
    );
  }
});

test.run();
