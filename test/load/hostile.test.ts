/**
 * Hostile access files (issue: hostile input never reaches a cluster): file names are data, only
 * real regular files inside --dir are read, and nothing in a name or value turns into syntax in
 * what generate writes.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, linkSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BASE_FILES, ROOT, run, scratch } from '../helpers/run.js';

const EMPLOYEE = (name: string) => `apiVersion: eks-access/v1
kind: Employee
name: ${name}
email: someone@example.com
identity:
  iamUser: ${name}
access:
  - cluster: prod
    level: read-only
`;

for (const [label, bad] of [
  ['CR', '\r'],
  ['LF', '\n'],
  ['U+0085', '\u0085'],
  ['U+2028', '\u2028'],
  ['U+2029', '\u2029'],
  ['ESC', '\u001b'],
  ['backslash', '\\'],
  ['DEL', '\u007f'],
] as const) {
  test(`an access file whose name holds ${label} is refused (exit 1, naming it) and puts nothing into the output`, async () => {
    const name = `employees/x${bad}kind: Pod${bad}metadata: {name: evil}${bad}.yaml`;
    const s = scratch({ ...BASE_FILES, [`access/${name}`]: EMPLOYEE('mallory') });
    try {
      const v = await run(['validate'], s.dir);
      assert.is(v.code, 1, v.stdout + v.stderr);
      const out = v.stdout + v.stderr;
      assert.match(out, /file name holds a control character, line separator or backslash/);
      assert.not.match(out, /[\r\u0085\u2028\u2029\u001b\u007f]/);
      const g = await run(['generate'], s.dir);
      assert.is(g.code, 1);
      assert.not.ok(existsSync(join(s.dir, 'generated')));
    } finally {
      s.cleanup();
    }
  });
}

test('a backslash in a folder or file name is not read as a path separator (no glob normalisation)', async () => {
  // fast-glob would list `a\\b.yaml`; readdir gives the real name, which is refused.
  const s = scratch({ ...BASE_FILES, 'access/employees/a\\..\\b.yaml': EMPLOYEE('mallory') });
  try {
    const v = await run(['validate'], s.dir);
    assert.is(v.code, 1);
    assert.match(v.stdout + v.stderr, /a\\\\\.\.\\\\b\.yaml/);
  } finally {
    s.cleanup();
  }
});

test('a header naming a source with CR cannot start a YAML document: header lines are escaped', async () => {
  const { toYaml } = await import('../../src/emit/serialize.js');
  const text = toYaml([{ a: 'b' }], 'from x\rkind: Pod\u2028y\u0085z');
  const { parseAllDocuments } = await import('yaml');
  const docs = parseAllDocuments(text.replace(/\r/g, '\n'));
  assert.is(docs.length, 1);
  assert.equal(docs[0]!.toJS(), { a: 'b' });
  assert.not.match(text, /[\r\u2028\u0085]/);
});

test('a FIFO in the access folder does not hang validate: it is refused as not a regular file', async () => {
  const s = scratch(BASE_FILES);
  try {
    execFileSync('mkfifo', [join(s.dir, 'access/employees/pipe.yaml')]);
    const started = Date.now();
    const child = spawn(process.execPath, [join(ROOT, 'dist/src/bin.js'), 'validate'], { cwd: s.dir });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
    const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    clearTimeout(timer);
    assert.ok(Date.now() - started < 15000, 'validate hung on a FIFO');
    assert.is(code, 1, out);
    assert.match(out, /pipe\.yaml:1:1 .*not a regular file/);
  } finally {
    s.cleanup();
  }
});

test('a FIFO opened through the loader does not block and is refused after fstat', async () => {
  const { loadFiles } = await import('../../src/load/load.js');
  const s = scratch({});
  try {
    execFileSync('mkfifo', [join(s.dir, 'p.yaml')]);
    const r = await loadFiles([join(s.dir, 'p.yaml')], s.dir);
    assert.is(r.value.length, 0);
    assert.match(r.diagnostics[0]!.message, /not a regular file/);
  } finally {
    s.cleanup();
  }
});

test('a symbolic link handed to the loader directly is not followed (O_NOFOLLOW)', async () => {
  const { loadFiles } = await import('../../src/load/load.js');
  const s = scratch({ 'outside/secret.yaml': EMPLOYEE('mallory'), 'access/x.txt': '' });
  try {
    symlinkSync(join(s.dir, 'outside/secret.yaml'), join(s.dir, 'access/link.yaml'));
    const r = await loadFiles([join(s.dir, 'access/link.yaml')], join(s.dir, 'access'));
    assert.is(r.value.length, 0);
    assert.match(r.diagnostics[0]!.message, /symbolic link/);
  } finally {
    s.cleanup();
  }
});

test('a file reached through a folder that resolves outside --dir is refused', async () => {
  const { loadFiles } = await import('../../src/load/load.js');
  const s = scratch({ 'outside/secret.yaml': EMPLOYEE('mallory'), 'access/x.txt': '' });
  try {
    symlinkSync(join(s.dir, 'outside'), join(s.dir, 'access/sub'));
    const r = await loadFiles([join(s.dir, 'access/sub/secret.yaml')], join(s.dir, 'access'));
    assert.is(r.value.length, 0);
    assert.match(r.diagnostics[0]!.message, /outside the access folder/);
  } finally {
    s.cleanup();
  }
});

test('an unreadable folder inside --dir is exit 1 naming it, not an internal error', async () => {
  if (process.getuid?.() === 0) return; // root reads every folder
  const s = scratch(BASE_FILES);
  const locked = join(s.dir, 'access/employees/locked');
  try {
    mkdirSync(locked);
    writeFileSync(join(locked, 'bob.yaml'), EMPLOYEE('bob'));
    chmodSync(locked, 0o000);
    const v = await run(['validate'], s.dir);
    assert.is(v.code, 1, v.stdout + v.stderr);
    assert.match(v.stdout + v.stderr, /access\/employees\/locked:1:1/);
    assert.not.match(v.stdout + v.stderr, /at .*\.js:\d+/);
  } finally {
    chmodSync(locked, 0o755);
    s.cleanup();
  }
});

test('an unreadable --dir itself is exit 1 naming it', async () => {
  if (process.getuid?.() === 0) return;
  const s = scratch(BASE_FILES);
  try {
    chmodSync(join(s.dir, 'access'), 0o000);
    const v = await run(['validate'], s.dir);
    assert.is(v.code, 1, v.stdout + v.stderr);
    assert.match(v.stdout + v.stderr, /access/);
  } finally {
    chmodSync(join(s.dir, 'access'), 0o755);
    s.cleanup();
  }
});

test('generate --out another repository whose README quotes "eks-access generate" is refused; its .git survives', async () => {
  const s = scratch({ ...BASE_FILES, 'other/README.md': 'Run eks-access generate to write this.\n', 'other/.git/HEAD': 'ref: refs/heads/main\n' });
  try {
    const g = await run(['generate', '--out', 'other'], s.dir);
    assert.is(g.code, 2, g.stdout + g.stderr);
    assert.match(g.stderr, /refusing to replace other/);
    assert.ok(existsSync(join(s.dir, 'other/.git/HEAD')));
  } finally {
    s.cleanup();
  }
});

test('generate writes an exact marker file and refuses its own folder once something foreign is put in it', async () => {
  const s = scratch(BASE_FILES);
  try {
    assert.is((await run(['generate'], s.dir)).code, 0);
    assert.ok(existsSync(join(s.dir, 'generated/.generated-by-eks-access')));
    mkdirSync(join(s.dir, 'generated/.git'));
    writeFileSync(join(s.dir, 'generated/.git/HEAD'), 'x');
    const g = await run(['generate'], s.dir);
    assert.is(g.code, 2);
    assert.match(g.stderr, /"\.git", which eks-access generate does not write/);
    assert.ok(existsSync(join(s.dir, 'generated/.git/HEAD')));
  } finally {
    s.cleanup();
  }
});

test("aws-auth is never pruned nor deleted by Argo CD; init's ApplicationSet preserves resources and Applications allow empty syncs", async () => {
  const s = scratch(BASE_FILES);
  try {
    assert.is((await run(['generate'], s.dir)).code, 0);
    const awsAuth = (await import('node:fs')).readFileSync(join(s.dir, 'generated/clusters/prod/aws-auth.yaml'), 'utf8');
    assert.match(awsAuth, /argocd\.argoproj\.io\/sync-options: Prune=false,Delete=false/);
    const { parse } = await import('yaml');
    const fs = await import('node:fs');
    const set = parse(fs.readFileSync(join(ROOT, 'src/templates/deploy/argocd/applicationset.yaml'), 'utf8'));
    assert.is(set.spec.syncPolicy.preserveResourcesOnDeletion, true);
    assert.is(set.spec.template.spec.syncPolicy.automated.allowEmpty, true);
    const app = parse(fs.readFileSync(join(ROOT, 'src/templates/deploy/argocd/application.yaml'), 'utf8'));
    assert.is(app.spec.syncPolicy.automated.allowEmpty, true);
  } finally {
    s.cleanup();
  }
});

const PERSON = (name: string, identity: string, extra = '', cluster = 'prod') => `apiVersion: eks-access/v1
kind: Employee
name: ${name}
email: ${name}@example.com
${extra}identity:
${identity}
access:
  - cluster: ${cluster}
    level: read-only
`;

test('one person per IAM user: created user names compare case-insensitively, and an existing user ARN naming a created user is refused', async () => {
  for (const [a, b] of [
    ['  iamUser: alice2', '  iamUser: ALICE2'],
    ['  iamUser: bob', '  iamUserArn: arn:aws:iam::111122223333:user/eks-access/Bob'],
    ['  iamUserArn: arn:aws:iam::111122223333:user/carol', '  iamUserArn: arn:aws:iam::111122223333:user/team/CAROL'],
  ]) {
    const s = scratch({ ...BASE_FILES, 'access/employees/p1.yaml': PERSON('p1', a!), 'access/employees/p2.yaml': PERSON('p2', b!) });
    try {
      const v = await run(['validate'], s.dir);
      assert.is(v.code, 1, `${a} / ${b}: ${v.stdout}${v.stderr}`);
      assert.match(v.stdout + v.stderr, /uses the same IAM user as employee/);
    } finally {
      s.cleanup();
    }
  }
});

test('a preserved mapUsers entry for a user this repository creates is refused', async () => {
  const cluster = BASE_FILES['access/clusters/prod.yaml']!.replace(
    'awsAuth:\n',
    'awsAuth:\n  mapUsers:\n    - userarn: arn:aws:iam::111122223333:user/Dave\n      username: admin\n      groups: [system:masters]\n',
  );
  const s = scratch({ ...BASE_FILES, 'access/clusters/prod.yaml': cluster, 'access/employees/dave.yaml': PERSON('dave', '  iamUser: dave') });
  try {
    const v = await run(['validate'], s.dir);
    assert.is(v.code, 1, v.stdout + v.stderr);
    assert.match(v.stdout + v.stderr, /same IAM identity as the preserved aws-auth entry/);
  } finally {
    s.cleanup();
  }
});

test("an ARN whose partition differs from the cluster region's partition is an error", async () => {
  const s = scratch({ ...BASE_FILES, 'access/employees/erin.yaml': PERSON('erin', '  role:\n    arn: arn:aws-cn:iam::111122223333:role/dev') });
  try {
    const v = await run(['validate'], s.dir);
    assert.is(v.code, 1, v.stdout + v.stderr);
    assert.match(v.stdout + v.stderr, /erin\.yaml:\d+:\d+ .*ARN partition "aws-cn" differs/);
  } finally {
    s.cleanup();
  }
});

test('an email AWS would not accept as a tag value is a validate error at the field; a team tag is written with only accepted characters', async () => {
  const { tagValue } = await import('../../src/emit/terraform.js');
  assert.is(tagValue('a<b>${x} é'), 'a_b___x_ é');
  assert.is(tagValue('x'.repeat(300)).length, 256);
  const s = scratch({
    ...BASE_FILES,
    'access/employees/frank.yaml': PERSON('frank', '  iamUser: frank').replace('email: frank@example.com', 'email: "frank<x>@example.com"'),
  });
  try {
    const v = await run(['validate'], s.dir);
    assert.is(v.code, 1, v.stdout + v.stderr);
    assert.match(v.stdout + v.stderr, /frank\.yaml:4:\d+ .*email/);
  } finally {
    s.cleanup();
  }
});

test('Terraform resource keys stay distinct for roles that differ only in punctuation', async () => {
  const { tfId } = await import('../../src/emit/common.js');
  const ids = ['dev.ops', 'dev_ops', 'dev@ops', 'dev+ops', 'dev=ops', 'dev,ops'].map((n) => tfId('role', n, 'api'));
  assert.is(new Set(ids).size, ids.length, ids.join(' '));
  for (const id of ids) assert.match(id, /^[A-Za-z_][A-Za-z0-9_-]*$/);
  assert.is(tfId('alice', 'prod'), 'alice__prod');
  const files: Record<string, string> = { ...BASE_FILES };
  for (const [i, n] of ['dev.ops', 'dev_ops', 'dev@ops'].entries()) {
    files[`access/employees/r${i}.yaml`] = PERSON(`r${i}`, `  role:\n    arn: arn:aws:iam::444455556666:role/${n}\n    sessionName: r${i}`, '', 'api');
  }
  const s = scratch(files);
  try {
    const g = await run(['generate'], s.dir);
    assert.is(g.code, 0, g.stdout + g.stderr);
    const roles = JSON.parse((await import('node:fs')).readFileSync(join(s.dir, 'generated/terraform/444455556666/roles.tf.json'), 'utf8'));
    assert.is(Object.keys(roles.resource.aws_eks_access_entry).length, 3);
  } finally {
    s.cleanup();
  }
});

test('SARIF URIs are percent-encoded per segment: #, ? and spaces stay part of the file name', async () => {
  const { sarifUri } = await import('../../src/report/sarif.js');
  assert.is(sarifUri('access/employees/a #1?x y%.yaml'), 'access/employees/a%20%231%3Fx%20y%25.yaml');
  assert.is(sarifUri('access/clusters/prod.yaml'), 'access/clusters/prod.yaml');
});

test('GitHub workflow annotations carry no ESC, BEL or other control characters', async () => {
  const s = scratch({
    ...BASE_FILES,
    'access/employees/alice.yaml': BASE_FILES['access/employees/alice.yaml']!.replace(
      'email: alice@example.com',
      'email: alice@example.com\nreason: "x\\u001b]0;pwned\\u0007 y"\nteam: "\\u001b[31mred"',
    ),
  });
  try {
    const r = await run(['lint', '--format', 'github'], s.dir);
    assert.not.match(r.stdout, /[\u0000-\u0009\u000b-\u001f\u007f]/);
  } finally {
    s.cleanup();
  }
});

test('a waiver by file does not cover a person added to that file later', async () => {
  const carol = PERSON('carol', '  iamUser: carol').replace('    level: read-only\n', '    level: admin\n');
  const zed = PERSON('zed', '  iamUser: zed').replace('    level: read-only\n', '    level: admin\n');
  const policy =
    'apiVersion: eks-access/v1\nkind: LintPolicy\nwaivers:\n  - rule: require-expiry-for-admin\n    file: employees/carol.yaml\n    reason: SEC-88 carol is the break-glass owner\n    expires: 2099-01-01\n';
  const waivedOf = async (files: Record<string, string>) => {
    const s = scratch({ ...BASE_FILES, 'access/policy.yaml': policy, ...files });
    try {
      const lint = await run(['lint', '--format', 'json'], s.dir);
      return (JSON.parse(lint.stdout) as { findings: { ruleId: string; employee?: string; waived?: unknown }[] }).findings
        .filter((f) => f.ruleId === 'require-expiry-for-admin')
        .map((f) => [f.employee, f.waived !== undefined]);
    } finally {
      s.cleanup();
    }
  };
  assert.equal(await waivedOf({ 'access/employees/carol.yaml': carol }), [['carol', true]]);
  const both = await waivedOf({ 'access/employees/carol.yaml': `${carol}---\n${zed}` });
  assert.equal(both.sort(), [
    ['carol', false],
    ['zed', false],
  ]);
});

test('one IAM role spelled two ways (case or path) by two employees is refused: IAM names roles per account whatever the case or path', async () => {
  for (const [a, b] of [
    ['arn:aws:iam::444455556666:role/dev.ops', 'arn:aws:iam::444455556666:role/Dev.Ops'],
    ['arn:aws:iam::444455556666:role/team/dev', 'arn:aws:iam::444455556666:role/dev'],
  ]) {
    const s = scratch({
      ...BASE_FILES,
      'access/employees/z1.yaml': PERSON('z1', `  role:\n    arn: ${a}\n    sessionName: z1`, '', 'api'),
      'access/employees/z2.yaml': PERSON('z2', `  role:\n    arn: ${b}\n    sessionName: z2`, '', 'api'),
    });
    try {
      const v = await run(['validate'], s.dir);
      assert.is(v.code, 1, `${a} / ${b}: ${v.stdout}${v.stderr}`);
      assert.match(v.stdout + v.stderr, /are the same IAM role/);
    } finally {
      s.cleanup();
    }
  }
});

test('an access file that is a hard link (a second name of a file that may live outside the folder) is refused', async () => {
  const s = scratch(BASE_FILES);
  try {
    writeFileSync(join(s.dir, 'outside.yaml'), PERSON('mallory', '  iamUser: mallory'));
    linkSync(join(s.dir, 'outside.yaml'), join(s.dir, 'access/employees/mallory.yaml'));
    const v = await run(['validate'], s.dir);
    assert.is(v.code, 1, v.stdout + v.stderr);
    assert.match(v.stdout + v.stderr, /access\/employees\/mallory\.yaml:1:1 +error +not read: it is a hard link/);
  } finally {
    s.cleanup();
  }
});

test('groups and usernames with control characters or YAML 1.1 line breaks are schema errors', async () => {
  for (const group of ['a\u001bb', 'a\u0085b', 'a\u009bb']) {
    const s = scratch({
      ...BASE_FILES,
      'access/employees/g.yaml': PERSON('g', '  iamUser: g').replace('    level: read-only\n', `    groups: [${JSON.stringify(group)}]\n`),
    });
    try {
      const v = await run(['validate'], s.dir);
      assert.is(v.code, 1, JSON.stringify(group) + v.stdout + v.stderr);
    } finally {
      s.cleanup();
    }
  }
});

test('lint --manifests reports a symbolic link it does not follow, rather than skipping it in silence', async () => {
  const s = scratch({
    'real.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n',
    'manifests/ok.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: y}\n',
  });
  try {
    symlinkSync(join(s.dir, 'real.yaml'), join(s.dir, 'manifests/link.yaml'));
    const lint = await run(['lint', '--manifests', 'manifests'], s.dir);
    assert.is(lint.code, 1, lint.stdout + lint.stderr);
    assert.match(lint.stdout + lint.stderr, /manifests\/link\.yaml:1:1 +error +not read: it is a symbolic link/);
  } finally {
    s.cleanup();
  }
});

test.run();
