import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { explainEmployee, InvalidAccessError, type ExplainOptions, type Explanation } from '../../src/explain/explain.js';
import { UsageError } from '../../src/diagnostics.js';
import { BASE_FILES, ROOT, scratch } from '../helpers/run.js';

const TODAY = '2026-06-01';

/** Explains from `cwd` (default: the repository, whose example access/ is used), so files read `access/...`. */
async function explain(employee: string, options: Partial<ExplainOptions> = {}, cwd = ROOT): Promise<string> {
  const previous = process.cwd();
  process.chdir(cwd);
  try {
    return await explainEmployee({ dir: 'access', employee, format: 'text', today: TODAY, ...options });
  } finally {
    process.chdir(previous);
  }
}

async function usageError(p: Promise<unknown>): Promise<UsageError> {
  try {
    await p;
  } catch (e) {
    assert.instance(e, UsageError, String(e));
    return e as UsageError;
  }
  assert.unreachable('no error');
  throw new Error('unreachable');
}

test('explain alice (IAM user, inline rules): identity, mapping, permissions per namespace with their source', async () => {
  const out = await explain('alice');
  assert.match(out, 'alice <alice@example.com>, team checkout (access/employees/alice.yaml)\n');
  assert.match(out, '  signs in as:      IAM user alice (created by this repository)\n');
  assert.match(out, '  Kubernetes user:  alice\n');
  assert.match(out, '  expires:          never\n');
  assert.match(out, '\nprod-eu (account 111122223333, eu-west-1)\n  authentication:   the aws-auth ConfigMap (CONFIG_MAP)\n');
  assert.match(out, 'aws-auth mapUsers: arn:aws:iam::111122223333:user/eks-access/alice -> username alice\n');
  assert.match(out, '  groups:           system:authenticated\n');
  assert.match(out, '  namespace my-namespace:\n    get, list, watch pods, services (inline rules, access/employees/alice.yaml:12)\n');
  assert.match(out, '  grants:\n    inline rules, namespaces my-namespace (access/employees/alice.yaml:12): no expiry; reason: JIRA-1042');
  assert.not.match(out, 'staging-us');
  // The person-level finding: IAM users are long-lived identities.
  assert.match(out, /\nlint findings:\n {2}info \[low\] IAM user \/eks-access\/alice .*\(iam-users-exist, access\/employees\/alice\.yaml:9\)/);
});

test('explain bob (SSO role): session username, role mapping without path, same permissions in two namespaces said once', async () => {
  const out = await explain('bob');
  assert.match(
    out,
    '  signs in as:      role arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Developers_0a1b2c3d4e5f6a7b with session name bob@example.com\n',
  );
  assert.match(out, '  Kubernetes user:  session:bob-example.com\n');
  assert.match(
    out,
    'aws-auth mapRoles: arn:aws:iam::111122223333:role/AWSReservedSSO_Developers_0a1b2c3d4e5f6a7b -> username session:{{SessionName}} (session:bob-example.com for this person)\n',
  );
  // staging-us uses both: the access entry keeps the full ARN.
  assert.match(
    out,
    'access entry: arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Developers_0a1b2c3d4e5f6a7b -> username session:{{SessionName}}',
  );
  assert.match(
    out,
    '  namespace payments:\n    get, list, watch pods, services, configmaps, events, deployments.apps, replicasets.apps, statefulsets.apps (profile developer, access/employees/bob.yaml:11)\n    get pods/log (profile developer, access/employees/bob.yaml:11)\n',
  );
  assert.match(out, '  namespaces my-namespace, payments:\n');
  assert.match(out, /impersonate serviceaccounts \(profile edit, access\/employees\/bob\.yaml:14\)/);
  assert.match(
    out,
    /lint findings:\n {4}warning \[high\] employee bob can exec into pods|lint findings:\n( {4}.*\n)* {4}warning \[high\] employee bob can exec into pods/,
  );
});

test('explain peggy (EKS access policies): access entries, the policies with their namespaces and expiry', async () => {
  const out = await explain('peggy');
  assert.match(
    out,
    '\nsandbox-ap (account 444455556666, ap-southeast-2)\n  authentication:   EKS access entries (API)\n                    access entry: arn:aws:iam::444455556666:user/eks-access/peggy -> username peggy\n',
  );
  assert.match(out, '  access policies:\n    AmazonEKSEditPolicy in namespaces ml, experiments (access/employees/peggy.yaml:11)\n');
  assert.match(out, / {2}access policies:\n {4}AmazonEKSViewPolicy in namespaces data \(access\/employees\/peggy\.yaml:14, until \d{4}-\d\d-\d\d\)\n/);
  assert.match(out, '  namespaces experiments, ml:\n');
  assert.match(
    out,
    /\n {4}create, update, patch, delete, deletecollection daemonsets\.apps, .* \(access policy AmazonEKSEditPolicy, access\/employees\/peggy\.yaml:11\)\n/,
  );
  assert.match(out, /\(access policy AmazonEKSViewPolicy, access\/employees\/peggy\.yaml:14, until \d{4}-\d\d-\d\d\)\n/);
  assert.match(out, /access policy AmazonEKSViewPolicy, namespaces data \(access\/employees\/peggy\.yaml:14\): expires \d{4}-\d\d-\d\d; reason: ML-44/);
});

test('explain carol (admin): cluster-admin said as such, expiry per grant, the waived finding shown as waived', async () => {
  const out = await explain('carol');
  assert.match(
    out,
    '  cluster-wide:\n    everything (cluster-admin): every verb on every resource and non-resource URL (level admin, access/employees/carol.yaml:12)\n',
  );
  assert.match(
    out,
    /everything \(cluster-admin\): every verb on every resource and non-resource URL \(level admin, access\/employees\/carol\.yaml:15, until \d{4}-\d\d-\d\d\)/,
  );
  assert.match(out, 'level admin, cluster-wide (access/employees/carol.yaml:12): no expiry; reason: Platform on-call owner of prod-eu, break-glass');
  assert.match(out, /level admin, cluster-wide \(access\/employees\/carol\.yaml:15\): expires \d{4}-\d\d-\d\d; reason: PLAT-77/);
  assert.match(
    out,
    /error \(waived until \d{4}-\d\d-\d\d: SEC-88 .*\) \[high\] employee carol has cluster-admin on prod-eu .*\(require-expiry-for-admin, access\/employees\/carol\.yaml:12\)/,
  );
  assert.not.match(out, 'non-resource URLs `*`');
  // Only one cluster.
  const one = await explain('carol', { cluster: 'sandbox-ap' });
  assert.match(one, '\nsandbox-ap (account 444455556666, ap-southeast-2)\n');
  assert.not.match(one, 'prod-eu (account');
  assert.not.match(one, 'staging-us (account');
});

test('explain: groups from a groups grant, and a cluster the person has no access to', async () => {
  const out = await explain('ivan');
  assert.match(out, '  groups:           payments-dashboard-viewers (access/employees/ivan.yaml:11), system:authenticated\n');
  assert.match(out, '  no Kubernetes permissions through eks-access on this cluster\n');
  assert.match(out, 'group payments-dashboard-viewers, wherever the groups are bound (access/employees/ivan.yaml:11)');
  const none = await explain('alice', { cluster: 'sandbox-ap' });
  assert.match(none, '\nsandbox-ap (account 444455556666, ap-southeast-2)\n');
  assert.match(none, '  no Kubernetes permissions through eks-access on this cluster\n');
});

test('explain --format markdown and json', async () => {
  const md = await explain('alice', { format: 'markdown' });
  assert.match(md, /^## alice\n\n- \*\*email\*\*: alice@example\.com, team checkout\n/);
  assert.match(md, '- **Kubernetes user**: `alice`');
  assert.match(md, '\n### prod-eu\n');
  assert.match(md, '\n**namespace my-namespace**\n\n- get, list, watch pods, services (inline rules, access/employees/alice.yaml:12)\n');
  const json = JSON.parse(await explain('peggy', { format: 'json' })) as Explanation;
  assert.is(json.employee, 'peggy');
  assert.is(json.kubernetesUser, 'peggy');
  assert.equal(json.identity, { kind: 'iamUser', userName: 'peggy' });
  assert.equal(
    json.clusters.map((c) => c.name),
    ['sandbox-ap', 'staging-us'],
  );
  const staging = json.clusters[1]!;
  assert.is(staging.authentication, 'both');
  const expires = staging.accessPolicies[0]?.expires ?? '';
  assert.match(expires, /^\d{4}-\d\d-\d\d$/);
  assert.equal(staging.accessPolicies, [
    { policy: 'AmazonEKSViewPolicy', namespaces: ['data'], source: `access/employees/peggy.yaml:14, until ${expires}`, expires },
  ]);
  assert.equal(
    staging.scopes.map((s) => s.namespaces),
    [['data']],
  );
  assert.ok(
    staging.scopes[0]!.permissions.every((p) => p.expires === expires && p.source === 'access policy AmazonEKSViewPolicy, access/employees/peggy.yaml:14'),
  );
  assert.ok(staging.scopes[0]!.permissions.some((p) => p.verbs.join(',') === 'get,list,watch' && p.objects.includes('pods')));
});

test('explain: an unknown employee or cluster is a usage error with a suggestion', async () => {
  const e = await usageError(explain('alcie'));
  assert.is(e.message, 'unknown employee "alcie" (did you mean "alice"?)');
  const far = await usageError(explain('zzzzzzzz'));
  assert.is(far.message, 'unknown employee "zzzzzzzz"');
  const c = await usageError(explain('alice', { cluster: 'prod-ue' }));
  assert.is(c.message, 'unknown cluster "prod-ue" (did you mean "prod-eu"?)');
});

test('explain: an invalid access folder is an InvalidAccessError carrying the diagnostics', async () => {
  const s = scratch({ ...BASE_FILES, 'access/employees/alice.yaml': BASE_FILES['access/employees/alice.yaml']!.replace('cluster: prod', 'cluster: prdo') });
  try {
    const e = await usageError(explain('alice', {}, s.dir));
    assert.instance(e, InvalidAccessError);
    assert.ok((e as InvalidAccessError).diagnostics.some((d) => d.file === 'access/employees/alice.yaml' && d.line === 8 && d.severity === 'error'));
    assert.match(e.message, 'access/employees/alice.yaml:8:');
  } finally {
    s.cleanup();
  }
});

test("explain: an access policy of a shared role, granted in someone else's file, is shown with where it comes from", async () => {
  const role = 'arn:aws:iam::444455556666:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Data_0123456789abcdef';
  const person = (name: string, access: string) =>
    `apiVersion: eks-access/v1\nkind: Employee\nname: ${name}\nemail: ${name}@example.com\nteam: data\nidentity:\n  role:\n    arn: ${role}\naccess:\n${access}`;
  const s = scratch({
    ...BASE_FILES,
    'access/employees/dan.yaml': person('dan', '  - cluster: api\n    accessPolicy: AmazonEKSViewPolicy\n    namespaces: [data]\n'),
    'access/employees/eve.yaml': person(
      'eve',
      '  - cluster: api\n    namespaces: [data]\n    rules:\n      - apiGroups: [""]\n        resources: [services]\n        verbs: [get]\n',
    ),
  });
  try {
    const out = await explain('eve', {}, s.dir);
    assert.match(out, '  Kubernetes user:  session:eve-example.com\n');
    assert.match(out, '    get services (inline rules, access/employees/eve.yaml:10)\n');
    assert.match(
      out,
      /\n {4}get, list, watch .*pods.* \(access policy AmazonEKSViewPolicy, access\/employees\/dan\.yaml:10, through the role shared with dan\)\n/,
    );
    assert.match(out, '  access policies:\n    AmazonEKSViewPolicy in namespaces data (access/employees/dan.yaml:10, through the role shared with dan)\n');
    // Her own grants only: the policy is dan's.
    assert.match(out, '  grants:\n    inline rules, namespaces data (access/employees/eve.yaml:10): no expiry\n');
  } finally {
    s.cleanup();
  }
});

test.run();
