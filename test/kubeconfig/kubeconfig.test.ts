import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { BASE_FILES, HEADER, ROOT, run, scratch } from '../helpers/run.js';

const ENDPOINT = 'https://ABCDEF0123456789ABCDEF0123456789.gr7.eu-west-1.eks.amazonaws.com';
const CA = 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==';

/** BASE_FILES with endpoint and CA data on `prod` (not on `api`). */
function withEndpoint(extra: Record<string, string | Uint8Array> = {}): Record<string, string | Uint8Array> {
  return {
    ...BASE_FILES,
    'access/clusters/prod.yaml': BASE_FILES['access/clusters/prod.yaml']!.replace(
      'region: eu-west-1\n',
      `region: eu-west-1\nendpoint: ${ENDPOINT}\ncertificateAuthorityData: ${CA}\n`,
    ),
    ...extra,
  };
}

function noStackTrace(text: string): void {
  assert.not.match(text, /\n\s+at .+\(.+:\d+:\d+\)/);
  assert.not.match(text, /internal error/);
}

test('prints exactly the generated kubeconfig of every employee of the example', async () => {
  const employees = readdirSync(join(ROOT, 'generated', 'kubeconfigs')).map((f) => f.replace(/\.yaml$/, ''));
  assert.ok(employees.length > 5);
  for (const name of employees) {
    const r = await run(['kubeconfig', name], ROOT);
    assert.is(r.code, 0, r.stderr);
    assert.is(r.stdout, readFileSync(join(ROOT, 'generated', 'kubeconfigs', `${name}.yaml`), 'utf8'), name);
  }
});

test('the output loads in client-node KubeConfig with the aws eks get-token exec plugin', async () => {
  const r = await run(['kubeconfig', 'erin'], ROOT);
  assert.is(r.code, 0, r.stderr);
  const kc = new KubeConfig();
  kc.loadFromString(r.stdout);
  assert.equal(
    kc.getContexts().map((c) => c.name),
    ['prod-eu', 'sandbox-ap', 'staging-us'],
  );
  assert.is(kc.getCurrentContext(), 'prod-eu');
  assert.is(kc.getCurrentCluster()?.server, 'https://4A1B2C3D4E5F60718293A4B5C6D7E8F9.gr7.eu-west-1.eks.amazonaws.com');
  for (const u of kc.getUsers()) {
    const exec = u.exec as { apiVersion: string; command: string; args: string[]; interactiveMode: string };
    assert.is(exec.apiVersion, 'client.authentication.k8s.io/v1beta1');
    assert.is(exec.command, 'aws');
    assert.is(exec.interactiveMode, 'IfAvailable');
    const cluster = u.name.split('/').pop()!;
    const region = u.name.split(':')[3]!;
    assert.equal(exec.args, ['--region', region, 'eks', 'get-token', '--cluster-name', cluster, '--output', 'json']);
  }
  // No secrets, no nulls: kubectl would read `token: null` as a set field.
  assert.not.match(r.stdout, /token:|password|client-key|null/);
});

test('--cluster keeps only that context, and makes it current', async () => {
  const r = await run(['kubeconfig', 'erin', '--cluster', 'staging-us'], ROOT);
  assert.is(r.code, 0, r.stderr);
  const doc = parse(r.stdout) as {
    clusters: { name: string }[];
    contexts: { name: string; context: { cluster: string; user: string } }[];
    users: { name: string }[];
    'current-context': string;
  };
  assert.equal(
    doc.contexts.map((c) => c.name),
    ['staging-us'],
  );
  assert.equal(
    doc.clusters.map((c) => c.name),
    ['arn:aws:eks:us-east-1:444455556666:cluster/staging-us'],
  );
  assert.equal(
    doc.users.map((c) => c.name),
    ['arn:aws:eks:us-east-1:444455556666:cluster/staging-us'],
  );
  assert.is(doc['current-context'], 'staging-us');
  // The default namespace of a context survives (alice works in my-namespace).
  const alice = parse((await run(['kubeconfig', 'alice', '--cluster', 'prod-eu'], ROOT)).stdout) as { contexts: { context: { namespace?: string } }[] };
  assert.is(alice.contexts[0]!.context.namespace, 'my-namespace');
});

test('unknown employee: exit 2 with a suggestion, nothing on stdout', async () => {
  const r = await run(['kubeconfig', 'alcie'], ROOT);
  assert.is(r.code, 2);
  assert.is(r.stdout, '');
  assert.match(r.stderr, 'unknown employee "alcie" (did you mean "alice"?)');
  noStackTrace(r.stderr);
});

test('unknown cluster: exit 2 with a suggestion', async () => {
  const r = await run(['kubeconfig', 'alice', '--cluster', 'prod-ue'], ROOT);
  assert.is(r.code, 2);
  assert.match(r.stderr, 'unknown cluster "prod-ue" (did you mean "prod-eu"?)');
});

test('an employee with no grants: exit 1 saying so, at their file', async () => {
  const s = scratch(
    withEndpoint({ 'access/employees/bob.yaml': `${HEADER}kind: Employee\nname: bob\nemail: bob@example.com\nidentity:\n  iamUser: bob\naccess: []\n` }),
  );
  try {
    const r = await run(['kubeconfig', 'bob'], s.dir);
    assert.is(r.code, 1, r.stderr);
    assert.is(r.stdout, '');
    assert.match(r.stderr, /access\/employees\/bob\.yaml:\d+:\d+ +error +employee bob has no grants/);
  } finally {
    s.cleanup();
  }
});

test('an employee whose clusters have no endpoint and CA: exit 1 naming the clusters and why', async () => {
  const s = scratch(BASE_FILES);
  try {
    const r = await run(['kubeconfig', 'alice'], s.dir);
    assert.is(r.code, 1);
    assert.is(r.stdout, '');
    assert.match(
      r.stderr,
      /access\/employees\/alice\.yaml:\d+:\d+ +error +employee alice has access only on cluster\(s\) without endpoint and certificateAuthorityData/,
    );
    assert.match(r.stderr, /prod \(access\/clusters\/prod\.yaml:\d+:\d+\)/);
    noStackTrace(r.stderr);
  } finally {
    s.cleanup();
  }
});

test('a cluster without endpoint is left out with a warning when others remain; --cluster on it is exit 1', async () => {
  const both = `${HEADER}kind: Employee\nname: bob\nemail: bob@example.com\nidentity:\n  iamUser: bob\naccess:\n  - cluster: prod\n    level: read-only\n  - cluster: api\n    level: read-only\n`;
  const s = scratch(withEndpoint({ 'access/employees/bob.yaml': both }));
  try {
    const r = await run(['kubeconfig', 'bob'], s.dir);
    assert.is(r.code, 0, r.stderr);
    const doc = parse(r.stdout) as { contexts: { name: string }[] };
    assert.equal(
      doc.contexts.map((c) => c.name),
      ['prod'],
    );
    assert.match(r.stderr, /access\/clusters\/api\.yaml:\d+:\d+ +warning +cluster "api" has no endpoint/);
    const only = await run(['kubeconfig', 'bob', '--cluster', 'api'], s.dir);
    assert.is(only.code, 1);
    assert.match(only.stderr, 'api (access/clusters/api.yaml:');
    const prod = await run(['kubeconfig', 'bob', '--cluster', 'prod'], s.dir);
    assert.is(prod.code, 0);
    assert.is(prod.stderr, '');
  } finally {
    s.cleanup();
  }
});

test('--cluster where the employee has no grant: exit 1 listing their clusters', async () => {
  const s = scratch(withEndpoint());
  try {
    const r = await run(['kubeconfig', 'alice', '--cluster', 'api'], s.dir);
    assert.is(r.code, 1);
    assert.match(r.stderr, 'employee alice has no grant on cluster api; their clusters: prod');
  } finally {
    s.cleanup();
  }
});

test('malformed and unreadable access files: exit 1 with file:line:column, no stack trace', async () => {
  const cases: { files: Record<string, string | Uint8Array>; location: RegExp }[] = [
    {
      files: { 'access/employees/bob.yaml': `${HEADER}kind: Employee\nname: bob\nemail: [unclosed\n` },
      location: /access\/employees\/bob\.yaml:\d+:\d+ +error/,
    },
    {
      files: { 'access/employees/bob.yaml': new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x0d, 0x0a]) },
      location: /access\/employees\/bob\.yaml:1:1 +error +file is binary/,
    },
    {
      files: {
        'access/employees/bob.yaml': `${HEADER}kind: Employee\nname: bob\nemail: bob@example.com\nidentity:\n  iamUser: bob\naccess:\n  - cluster: nowhere\n    level: read-only\n`,
      },
      location: /access\/employees\/bob\.yaml:8:\d+ +error/,
    },
  ];
  for (const c of cases) {
    const s = scratch(withEndpoint(c.files));
    try {
      const r = await run(['kubeconfig', 'alice'], s.dir);
      assert.is(r.code, 1, r.stderr);
      assert.is(r.stdout, '');
      assert.match(r.stderr, c.location);
      noStackTrace(r.stderr);
    } finally {
      s.cleanup();
    }
  }
});

test('a missing access folder is a usage error (exit 2)', async () => {
  const r = await run(['kubeconfig', 'alice', '--dir', 'does-not-exist'], ROOT);
  assert.is(r.code, 2);
  noStackTrace(r.stderr);
});

test.run();
