/**
 * The GitOps loop end to end: bindings Argo CD and Flux can apply when a role changes, Terraform's
 * own files surviving generate, expiry that revokes (generate leaves it out, expire removes it from
 * the files with their comments), and one kubeconfig for clusters in several accounts.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse, parseAllDocuments } from 'yaml';
import { diffAccess } from '../../src/diff/diff.js';
import { isTerraformOwnFile } from '../../src/write/writer.js';
import { BASE_FILES, HEADER, run, scratch, snapshotTree } from '../helpers/run.js';

function write(dir: string, path: string, text: string): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
}

interface K8sObject {
  kind: string;
  metadata: { name: string; namespace?: string };
  roleRef?: { kind: string; name: string };
}

/** Every binding under generated/clusters, by cluster/namespace/kind/name, with its roleRef. */
function bindings(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [path, text] of Object.entries(snapshotTree(join(dir, 'generated', 'clusters')))) {
    if (!path.endsWith('.yaml')) continue;
    const cluster = path.split('/')[0]!;
    for (const doc of parseAllDocuments(text)) {
      const o = doc.toJS() as K8sObject | null;
      if (!o?.roleRef) continue;
      out.set(`${cluster}/${o.metadata.namespace ?? '-'}/${o.kind}/${o.metadata.name}`, `${o.roleRef.kind}/${o.roleRef.name}`);
    }
  }
  return out;
}

const DEVELOPER_AS_CLUSTERROLE = `${HEADER}kind: Profile
name: developer
description: read pods, through an existing ClusterRole
clusterRole: pod-reader
`;

const BOB = `${HEADER}kind: Employee
name: bob
email: bob@example.com
identity:
  iamUser: bob
access:
  - cluster: prod
    profile: developer
    namespaces: [payments]
  - cluster: api
    profile: developer
    scope: cluster
`;

test('a profile moving from rules to a ClusterRole: no binding keeps its name with another roleRef; diff says binding replaced', async () => {
  const s = scratch({ ...BASE_FILES, 'access/employees/bob.yaml': BOB });
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: s.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    git('init', '-q');
    git('-c', 'user.name=T', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', 'commit', '-q', '--allow-empty', '-m', 'empty');
    let r = await run(['generate', '--today', '2026-06-01'], s.dir);
    assert.is(r.code, 0, r.stderr);
    const before = bindings(s.dir);
    assert.is(before.get('prod/payments/RoleBinding/eks-access:bob:profile:developer'), 'ClusterRole/eks-access:profile:developer');
    assert.is(before.get('api/-/ClusterRoleBinding/eks-access:bob:profile:developer'), 'ClusterRole/eks-access:profile:developer');
    git('add', '-A');
    git('-c', 'user.name=T', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', 'commit', '-q', '-m', 'base');

    write(s.dir, 'access/profiles/developer.yaml', DEVELOPER_AS_CLUSTERROLE);
    r = await run(['generate', '--today', '2026-06-01'], s.dir);
    assert.is(r.code, 0, r.stderr);
    const after = bindings(s.dir);
    assert.is(after.get('prod/payments/RoleBinding/eks-access:bob:clusterrole:pod-reader'), 'ClusterRole/pod-reader');
    assert.is(after.get('api/-/ClusterRoleBinding/eks-access:bob:clusterrole:pod-reader'), 'ClusterRole/pod-reader');
    // The invariant Argo CD and Flux need: a name that exists on both sides binds the same role.
    for (const [name, roleRef] of after) if (before.has(name)) assert.is(roleRef, before.get(name), name);
    assert.not.ok(after.has('prod/payments/RoleBinding/eks-access:bob:profile:developer'), 'the old binding is pruned');
    // The generated ClusterRole of the profile is gone too.
    assert.not.ok(existsSync(join(s.dir, 'generated', 'clusters', 'prod', 'profiles', 'developer.yaml')));

    const diff = await diffAccess({ dir: 'access', base: 'HEAD', today: '2026-06-01', cwd: s.dir });
    const replaced = diff.changes.filter((c) => c.kind === 'binding-replaced');
    assert.equal(replaced.map((c) => `${c.employee}@${c.cluster}`).sort(), ['bob@api', 'bob@prod']);
    assert.match(
      diff.markdown,
      'binding replaced on prod/payments: `eks-access:bob:profile:developer` (ClusterRole `eks-access:profile:developer`) becomes `eks-access:bob:clusterrole:pod-reader` (ClusterRole `pod-reader`)',
    );
  } finally {
    s.cleanup();
  }
});

test('binding names: inline rules, built-in and existing ClusterRoles, generated profile roles are all told apart', async () => {
  const s = scratch({
    ...BASE_FILES,
    'access/employees/bob.yaml': `${HEADER}kind: Employee
name: bob
email: bob@example.com
identity:
  iamUser: bob
access:
  - cluster: prod
    profile: developer
    namespaces: [payments]
  - cluster: prod
    profile: view
    namespaces: [payments]
  - cluster: prod
    namespaces: [payments]
    rules:
      - apiGroups: [""]
        resources: [configmaps]
        verbs: [get]
`,
  });
  try {
    const r = await run(['generate', '--today', '2026-06-01'], s.dir);
    assert.is(r.code, 0, r.stderr);
    const names = [...bindings(s.dir)]
      .filter(([k]) => k.includes(':bob'))
      .map(([k, v]) => `${k} -> ${v}`)
      .sort();
    assert.equal(names, [
      'prod/payments/RoleBinding/eks-access:bob:clusterrole:view -> ClusterRole/view',
      'prod/payments/RoleBinding/eks-access:bob:profile:developer -> ClusterRole/eks-access:profile:developer',
      'prod/payments/RoleBinding/eks-access:bob:role -> Role/eks-access:bob',
    ]);
  } finally {
    s.cleanup();
  }
});

test("Terraform's own files: never reported, changed or deleted by generate and --check, wherever they are", async () => {
  const s = scratch(BASE_FILES);
  try {
    let r = await run(['generate', '--today', '2026-06-01'], s.dir);
    assert.is(r.code, 0, r.stderr);
    const own: Record<string, string> = {
      'generated/terraform/444455556666/terraform.tfstate': '{"version": 4, "serial": 7}\n',
      'generated/terraform/444455556666/terraform.tfstate.backup': '{"version": 4, "serial": 6}\n',
      'generated/terraform/444455556666/.terraform.lock.hcl': '# lock\n',
      'generated/terraform/444455556666/.terraform/providers/registry.terraform.io/hashicorp/aws/6.0.0/linux_amd64/terraform-provider-aws': 'binary',
      'generated/terraform/444455556666/.terraform/terraform.tfstate': '{"backend": {}}\n',
      'generated/terraform/444455556666/prod.tfvars': 'x = 1\n',
      'generated/terraform/111122223333/crash.log': 'panic\n',
      'generated/terraform/111122223333/plan.tfplan': 'plan',
      // An account that no longer has clusters keeps its state: never deleted with the folder.
      'generated/terraform/999999999999/terraform.tfstate': '{"version": 4, "serial": 1}\n',
    };
    for (const [path, text] of Object.entries(own)) write(s.dir, path, text);
    r = await run(['generate', '--check', '--today', '2026-06-01'], s.dir);
    assert.is(r.code, 0, `--check reports none of them\n${r.stdout}${r.stderr}`);
    assert.is(r.stdout, '');

    // Two generates that change the output (so the folder is swapped each time).
    for (const email of ['alice@corp.example.com', 'alice@example.com']) {
      const path = join(s.dir, 'access', 'employees', 'alice.yaml');
      writeFileSync(path, readFileSync(path, 'utf8').replace(/^email: .*$/m, `email: ${email}`));
      r = await run(['generate', '--today', '2026-06-01'], s.dir);
      assert.is(r.code, 0, r.stderr);
      assert.match(r.stdout, '1 changed');
      for (const [p, text] of Object.entries(own)) assert.is(readFileSync(join(s.dir, p), 'utf8'), text, p);
    }
    r = await run(['generate', '--check', '--today', '2026-06-01'], s.dir);
    assert.is(r.code, 0, r.stdout + r.stderr);
  } finally {
    s.cleanup();
  }
});

test("isTerraformOwnFile: Terraform's state, working folder, lock, variables, plans and crash logs; never generated files", () => {
  for (const p of [
    'terraform/1/terraform.tfstate',
    'terraform/1/terraform.tfstate.backup',
    'terraform/1/x.tfstate',
    'terraform/1/.terraform',
    'terraform/1/.terraform/modules/modules.json',
    'terraform/1/.terraform.lock.hcl',
    'terraform/1/b.tfvars',
    'terraform/1/b.auto.tfvars.json',
    'terraform/1/crash.log',
    'terraform/1/crash.1700000000.log',
    'terraform/1/p.tfplan',
    'terraform/1/.terraform.tfstate.lock.info',
  ]) {
    assert.ok(isTerraformOwnFile(p), p);
  }
  // Terraform runs in terraform/<account>/ only: the same names elsewhere are foreign files, which
  // generate removes (a `.terraform/pod.yaml` under clusters/ would otherwise reach Argo CD).
  for (const p of [
    'README.md',
    'ACCESS.md',
    'terraform/1/main.tf.json',
    'terraform/1/employees.tf.json',
    'clusters/prod/kustomization.yaml',
    'kubeconfigs/terraform.yaml',
    'terraform/1/tfstate.tf.json',
    'x.tfstate',
    '.terraform.lock.hcl',
    'clusters/prod/.terraform/pod.yaml',
    'clusters/prod/a.tfvars',
    'terraform/crash.log',
  ]) {
    assert.not.ok(isTerraformOwnFile(p), p);
  }
});

test('Terraform JSON: the per-account module pins the provider ~> 6.0 and IAM users are force_destroy', async () => {
  const s = scratch({ ...BASE_FILES, 'access/employees/bob.yaml': BOB });
  try {
    const r = await run(['generate', '--today', '2026-06-01'], s.dir);
    assert.is(r.code, 0, r.stderr);
    const main = JSON.parse(readFileSync(join(s.dir, 'generated', 'terraform', '111122223333', 'main.tf.json'), 'utf8')) as {
      terraform: { required_providers: { aws: { version: string } } };
      provider?: unknown;
    };
    assert.is(main.terraform.required_providers.aws.version, '~> 6.0');
    assert.is(main.provider, undefined, 'a module: the root configures the provider');
    const employees = JSON.parse(readFileSync(join(s.dir, 'generated', 'terraform', '111122223333', 'employees.tf.json'), 'utf8')) as {
      resource: { aws_iam_user: Record<string, { force_destroy: boolean }> };
    };
    for (const [id, user] of Object.entries(employees.resource.aws_iam_user)) assert.is(user.force_destroy, true, id);
  } finally {
    s.cleanup();
  }
});

const CAROL_EXPIRING = `# yaml-language-server: $schema=../../schemas/access.schema.json
# Carol, on the payments team.
${HEADER}kind: Employee
name: carol
email: carol@example.com
team: payments          # confirmed in the Q2 review
identity:
  iamUser: carol
access:
  - cluster: prod
    profile: developer
    namespaces: [payments]   # her day job

  # incident INC-7: admin until the fix is out
  - cluster: prod
    level: admin
    expires: 2026-05-31
    reason: INC-7 database failover
    # remove once the postmortem is done

  - cluster: api
    level: read-only        # dashboards
`;

const DAN_EXPIRED = `${HEADER}kind: Employee
name: dan
email: dan@example.com
identity:
  iamUser: dan
expires: 2026-05-15
access:
  - cluster: prod
    level: read-only
`;

test('expiry revokes: generate leaves expired grants and people out with a warning, exit 0', async () => {
  const s = scratch({ ...BASE_FILES, 'access/employees/carol.yaml': CAROL_EXPIRING, 'access/employees/dan.yaml': DAN_EXPIRED });
  try {
    // The day before: everything is there.
    let r = await run(['generate', '--today', '2026-05-15'], s.dir);
    assert.is(r.code, 0, r.stderr);
    assert.match(readFileSync(join(s.dir, 'generated', 'clusters', 'prod', 'employees', 'carol.yaml'), 'utf8'), 'cluster-admin');
    assert.ok(existsSync(join(s.dir, 'generated', 'clusters', 'prod', 'employees', 'dan.yaml')));

    r = await run(['generate', '--today', '2026-06-01'], s.dir);
    assert.is(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      "access/employees/carol.yaml:16:5  warning  carol's grant level: admin on prod expired on 2026-05-31: left out of the generated output",
    );
    assert.match(r.stderr, /access\/employees\/dan\.yaml:7:\d+ +warning +employee dan expired on 2026-05-15: left out of the generated output/);
    const carol = readFileSync(join(s.dir, 'generated', 'clusters', 'prod', 'employees', 'carol.yaml'), 'utf8');
    assert.not.match(carol, 'cluster-admin');
    assert.match(carol, 'eks-access:carol:profile:developer');
    assert.not.ok(existsSync(join(s.dir, 'generated', 'clusters', 'prod', 'employees', 'dan.yaml')));
    assert.not.match(readFileSync(join(s.dir, 'generated', 'clusters', 'prod', 'aws-auth.yaml'), 'utf8'), 'dan');
    assert.not.match(readFileSync(join(s.dir, 'generated', 'terraform', '111122223333', 'employees.tf.json'), 'utf8'), '"dan"');
    assert.not.ok(existsSync(join(s.dir, 'generated', 'kubeconfigs', 'dan.yaml')));
    // Lint warns, and does not fail: unrelated pull requests are not blocked.
    const lint = await run(['lint', '--today', '2026-06-01'], s.dir);
    assert.is(lint.code, 0, lint.stdout);
    assert.match(lint.stdout, 'expired-access');
  } finally {
    s.cleanup();
  }
});

test('generate --check: output written before access expired is still up to date (a note, exit 0); any other difference is stale', async () => {
  const s = scratch({ ...BASE_FILES, 'access/employees/carol.yaml': CAROL_EXPIRING, 'access/employees/dan.yaml': DAN_EXPIRED });
  try {
    let r = await run(['generate', '--today', '2026-05-10'], s.dir);
    assert.is(r.code, 0, r.stderr);
    // dan expired on 2026-05-15, carol's admin grant on 2026-05-31: unrelated pull requests still pass.
    for (const today of ['2026-05-20', '2026-06-01', '2027-01-01']) {
      r = await run(['generate', '--check', '--today', today], s.dir);
      assert.is(r.code, 0, `${today}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, 'up to date but for access that expired since it was generated');
    }
    // Written after dan expired, before carol's grant did: still fine later.
    r = await run(['generate', '--today', '2026-05-20'], s.dir);
    assert.is(r.code, 0, r.stderr);
    r = await run(['generate', '--check', '--today', '2026-06-01'], s.dir);
    assert.is(r.code, 0, r.stdout + r.stderr);
    // A real change is stale whatever expired.
    const path = join(s.dir, 'access', 'employees', 'carol.yaml');
    writeFileSync(
      path,
      readFileSync(path, 'utf8').replace('level: read-only        # dashboards', 'level: admin\n    expires: 2027-06-01\n    reason: TICKET-9'),
    );
    r = await run(['generate', '--check', '--today', '2026-06-01'], s.dir);
    assert.is(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, 'is stale');
  } finally {
    s.cleanup();
  }
});

test('expire --write removes the expired grants and people, keeping every comment and line of the rest', async () => {
  const s = scratch({ ...BASE_FILES, 'access/employees/carol.yaml': CAROL_EXPIRING, 'access/employees/dan.yaml': DAN_EXPIRED });
  try {
    const dry = await run(['expire', '--today', '2026-06-01'], s.dir);
    assert.is(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, "access/employees/carol.yaml:16:5: would remove carol's grant level: admin (expired on 2026-05-31)");
    assert.match(dry.stdout, /access\/employees\/dan\.yaml:7:\d+: would remove employee dan \(expired on 2026-05-15\)/);
    assert.match(dry.stdout, '-    reason: INC-7 database failover');
    assert.is(readFileSync(join(s.dir, 'access', 'employees', 'carol.yaml'), 'utf8'), CAROL_EXPIRING, 'without --write nothing changes');

    const r = await run(['expire', '--write', '--today', '2026-06-01'], s.dir);
    assert.is(r.code, 0, r.stderr);
    assert.is(
      readFileSync(join(s.dir, 'access', 'employees', 'carol.yaml'), 'utf8'),
      CAROL_EXPIRING.replace(
        `  # incident INC-7: admin until the fix is out
  - cluster: prod
    level: admin
    expires: 2026-05-31
    reason: INC-7 database failover
    # remove once the postmortem is done

`,
        '',
      ),
    );
    assert.not.ok(existsSync(join(s.dir, 'access', 'employees', 'dan.yaml')), "dan's file is removed (offboarding)");
    const again = await run(['expire', '--today', '2026-06-01'], s.dir);
    assert.match(again.stdout, 'nothing has expired');
    const lint = await run(['lint', '--today', '2026-06-01'], s.dir);
    assert.is(lint.code, 0, lint.stdout);
    assert.not.match(lint.stdout, 'expired-access');
  } finally {
    s.cleanup();
  }
});

test('expire --write: a person in a multi-document file, a flow-style access list, a list left empty', async () => {
  const team = `# the contractors
${HEADER}kind: Employee
name: erin
email: erin@example.com
identity: {iamUser: erin}
expires: 2026-01-01
access:
  - cluster: prod
    level: read-only
---
# Frank stays
${HEADER}kind: Employee
name: frank
email: frank@example.com
identity: {iamUser: frank}
access: [{cluster: prod, level: read-only}, {cluster: api, level: read-only, expires: 2026-02-01}]
---
${HEADER}kind: Employee
name: gus
email: gus@example.com
identity: {iamUser: gus}
access:   # only one grant
  - cluster: prod
    level: read-only
    expires: 2026-03-01
`;
  const s = scratch({ ...BASE_FILES, 'access/employees/team.yaml': team });
  try {
    const r = await run(['expire', '--write', '--today', '2026-06-01'], s.dir);
    assert.is(r.code, 0, r.stderr);
    const text = readFileSync(join(s.dir, 'access', 'employees', 'team.yaml'), 'utf8');
    const docs = parseAllDocuments(text).map((d) => d.toJS() as { name: string; access: unknown[] });
    assert.equal(
      docs.map((d) => d.name),
      ['frank', 'gus'],
    );
    assert.equal(docs[0]!.access, [{ cluster: 'prod', level: 'read-only' }]);
    assert.equal(docs[1]!.access, []);
    assert.match(text, '# Frank stays');
    assert.match(text, '# only one grant');
    assert.not.match(text, 'erin');
    const validate = await run(['validate'], s.dir);
    assert.is(validate.code, 0, validate.stderr);
  } finally {
    s.cleanup();
  }
});

test("one kubeconfig for clusters in two accounts: each context signs in with its account's AWS profile", async () => {
  const files: Record<string, string> = { ...BASE_FILES, 'access/employees/bob.yaml': BOB };
  const endpoint = 'endpoint: https://ABC.gr7.eu-west-1.eks.amazonaws.com\ncertificateAuthorityData: LS0tLS1CRUdJTg==\n';
  files['access/clusters/prod.yaml'] = files['access/clusters/prod.yaml']!.replace(
    'region: eu-west-1\n',
    `region: eu-west-1\n${endpoint}awsProfile: prod-admin-sso\n`,
  );
  files['access/clusters/api.yaml'] = files['access/clusters/api.yaml']!.replace('region: us-east-1\n', `region: us-east-1\n${endpoint}`);
  const s = scratch(files);
  try {
    const r = await run(['kubeconfig', 'bob'], s.dir);
    assert.is(r.code, 0, r.stderr);
    const config = parse(r.stdout) as {
      contexts: { name: string; context: { user: string } }[];
      users: { name: string; user: { exec: { env: { name: string; value: string }[] } } }[];
    };
    const profileOf = (context: string) => {
      const user = config.contexts.find((c) => c.name === context)!.context.user;
      return config.users.find((u) => u.name === user)!.user.exec.env.find((e) => e.name === 'AWS_PROFILE')?.value;
    };
    assert.is(profileOf('prod'), 'prod-admin-sso');
    assert.is(profileOf('api'), 'eks-access-444455556666');
  } finally {
    s.cleanup();
  }
});

test.run();
