import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { diffAccess, type DiffResult } from '../../src/diff/diff.js';
import { UsageError } from '../../src/diagnostics.js';
import { watchPositionedParses } from '../../src/load/load.js';
import { BASE_FILES, HEADER, scratch } from '../helpers/run.js';

const TODAY = '2026-06-01';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A scratch git repository with `files` committed; the working tree is then edited by the test. */
function repo(files: Record<string, string>): {
  dir: string;
  cleanup: () => void;
  write: (path: string, text: string) => void;
  edit: (path: string, from: string, to: string) => void;
  remove: (path: string) => void;
  commit: () => void;
} {
  const s = scratch(files);
  git(s.dir, 'init', '-q');
  git(s.dir, 'config', 'user.name', 'Test');
  git(s.dir, 'config', 'user.email', 'test@example.com');
  git(s.dir, 'config', 'commit.gpgsign', 'false');
  const commit = () => {
    git(s.dir, 'add', '-A');
    git(s.dir, 'commit', '-q', '--allow-empty', '-m', 'commit');
  };
  commit();
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(s.dir, path)), { recursive: true });
    writeFileSync(join(s.dir, path), text);
  };
  const edit = (path: string, from: string, to: string) => {
    const text = readFileSync(join(s.dir, path), 'utf8');
    assert.ok(text.includes(from), `${path} lacks ${JSON.stringify(from)}`);
    writeFileSync(join(s.dir, path), text.replace(from, to));
  };
  return { dir: s.dir, cleanup: s.cleanup, write, edit, remove: (path) => rmSync(join(s.dir, path)), commit };
}

const BOB = `${HEADER}kind: Employee
name: bob
email: bob@example.com
team: payments
identity:
  iamUser: bob
access:
  - cluster: api
    level: admin
  - cluster: prod
    profile: developer
    namespaces: [payments]
`;

const CAROL = `${HEADER}kind: Employee
name: carol
email: carol@example.com
team: data
identity:
  iamUser: carol
access:
  - cluster: api
    namespaces: [data]
    rules:
      - apiGroups: [""]
        resources: [configmaps]
        verbs: [get]
      - apiGroups: [example.com]
        resources: [widgets]
        verbs: [get]
      - apiGroups: [""]
        resources: [secrets]
        resourceNames: [api-key]
        verbs: [get]
`;

/** The lines of one `### ` section (or of what comes before the first one), as bullets without their `- `. */
function section(r: DiffResult, heading?: string): string[] {
  const md = r.markdown;
  const start = heading === undefined ? 0 : md.indexOf(`\n### ${heading}\n`);
  if (start === -1) return [];
  const from = heading === undefined ? 0 : start + 1;
  const end = md.indexOf('\n### ', from + 1);
  const text = end === -1 ? md.slice(from) : md.slice(from, end);
  return text
    .split('\n')
    .filter((l) => /^\s*- /.test(l))
    .map((l) => l.replace(/^\s*- /, ''));
}

/** The bullets of the people's own access changes (without their `- `). */
function bullets(r: DiffResult): string[] {
  return r.markdown.includes('\n### Per person\n') ? section(r, 'Per person') : section(r);
}

test('diff: added, widened and removed grants and a new employee, as sentences per person', async () => {
  const r0 = repo({ ...BASE_FILES, 'access/employees/bob.yaml': BOB });
  try {
    // Widened: alice's inline rules gain secrets. Added: alice gets the developer profile in payments.
    r0.edit('access/employees/alice.yaml', 'resources: [pods, services]', 'resources: [pods, services, secrets]');
    r0.write(
      'access/employees/alice.yaml',
      readFileSync(join(r0.dir, 'access/employees/alice.yaml'), 'utf8') + '  - cluster: prod\n    profile: developer\n    namespaces: [payments]\n',
    );
    // Widened: bob's profile gains a namespace. Removed: bob's admin level.
    r0.edit('access/employees/bob.yaml', 'namespaces: [payments]', 'namespaces: [payments, my-namespace]');
    r0.edit('access/employees/bob.yaml', '  - cluster: api\n    level: admin\n', '');
    // A new employee, with a rule outside the vocabulary and a named Secret.
    r0.write('access/employees/carol.yaml', CAROL);

    const r = await diffAccess({ dir: 'access', base: 'HEAD', today: TODAY, cwd: r0.dir });
    const lines = r.markdown.split('\n');
    assert.is(lines[0], "3 people's access changes on 2 clusters.");
    assert.equal(bullets(r), [
      '**alice**:',
      'can now get, list, watch secrets in prod/my-namespace (inline rules, access/employees/alice.yaml:8)',
      'can now get, list, watch pods in prod/payments (profile developer, access/employees/alice.yaml:14)',
      '**bob**:',
      'no longer has cluster-admin on api (level admin, access/employees/bob.yaml:9)',
      'can now get, list, watch pods in prod/my-namespace (profile developer, access/employees/bob.yaml:9)',
      '**carol**:',
      'new employee (carol@example.com, team data): signs in as IAM user carol (created by this repository), Kubernetes user `carol` (access/employees/carol.yaml:3)',
      // widgets.example.com is outside the vocabulary: found by comparing the granted rules.
      'can now get configmaps, widgets.example.com, secrets named api-key in api/data (inline rules, access/employees/carol.yaml:9)',
    ]);
    const alice = r.changes.filter((c) => c.employee === 'alice');
    assert.equal(
      alice.map((c) => [c.kind, c.cluster, c.namespaces, c.verbs, c.resources]),
      [
        ['permissions-added', 'prod', ['my-namespace'], ['get', 'list', 'watch'], ['secrets']],
        ['permissions-added', 'prod', ['payments'], ['get', 'list', 'watch'], ['pods']],
      ],
    );
    assert.equal(r.changes.find((c) => c.employee === 'bob' && c.kind === 'permissions-removed')?.resources, ['cluster-admin']);
    assert.is(r.changes.find((c) => c.employee === 'carol')?.kind, 'employee-added');
    // Lint: what appeared (errors first) and what went away with bob's admin.
    const added = r.markdown.slice(r.markdown.indexOf('### New lint findings'), r.markdown.indexOf('### Resolved lint findings'));
    const resolved = r.markdown.slice(r.markdown.indexOf('### Resolved lint findings'));
    assert.ok(r.markdown.indexOf('### New lint findings') > 0, r.markdown);
    assert.match(added, /`access\/employees\/alice\.yaml:8`: employee alice can read every Secret .*\(read-secrets\)/);
    assert.not.match(added, 'require-expiry-for-admin');
    assert.match(resolved, /- \*\*error\*\* `access\/employees\/bob\.yaml:9`: employee bob has cluster-admin on api .*\(require-expiry-for-admin\)/);
    const severities = added
      .split('\n')
      .filter((l) => l.startsWith('- **'))
      .map((l) => /^- \*\*(\w+)\*\*/.exec(l)![1]!);
    assert.equal(
      severities,
      [...severities].sort((a, b) => ['error', 'warning', 'info'].indexOf(a) - ['error', 'warning', 'info'].indexOf(b)),
    );
  } finally {
    r0.cleanup();
  }
});

test('diff: the same access at base and in the working tree -> "No access changes."', async () => {
  const r0 = repo({ ...BASE_FILES, 'access/employees/bob.yaml': BOB });
  try {
    // Reformatting and reordering change lines, not permissions.
    r0.edit('access/employees/alice.yaml', 'resources: [pods, services]', 'resources:\n          - services\n          - pods');
    const r = await diffAccess({ dir: 'access', base: 'HEAD', today: TODAY, cwd: r0.dir });
    assert.is(r.markdown, 'No access changes.\n');
    assert.equal(r.changes, []);
  } finally {
    r0.cleanup();
  }
});

test('diff: moving a permission from inline rules to a profile is no change; splitting a rule neither', async () => {
  const r0 = repo(BASE_FILES);
  try {
    r0.edit(
      'access/employees/alice.yaml',
      `    rules:
      - apiGroups: [""]
        resources: [pods, services]
        verbs: [get, list, watch]`,
      `    rules:
      - apiGroups: [""]
        resources: [services]
        verbs: [get, list, watch]
  - cluster: prod
    profile: developer
    namespaces: [my-namespace]`,
    );
    const r = await diffAccess({ dir: 'access', base: 'HEAD', today: TODAY, cwd: r0.dir });
    assert.is(r.markdown.split('\n')[0], 'No access changes.', r.markdown);
  } finally {
    r0.cleanup();
  }
});

test('diff: a profile widened to the whole cluster, a changed profile, identity, expiry and groups', async () => {
  const r0 = repo({
    ...BASE_FILES,
    'access/employees/bob.yaml': `${HEADER}kind: Employee
name: bob
email: bob@example.com
team: payments
identity:
  iamUser: bob
expires: 2027-01-31
access:
  - cluster: prod
    profile: developer
    namespaces: [payments]
    expires: 2026-12-31
`,
  });
  try {
    r0.edit('access/employees/bob.yaml', 'namespaces: [payments]', 'scope: cluster');
    r0.edit('access/employees/bob.yaml', 'expires: 2027-01-31\n', '');
    r0.edit('access/employees/alice.yaml', 'iamUser: alice', 'iamUserArn: arn:aws:iam::111122223333:user/people/alice');
    r0.write(
      'access/employees/alice.yaml',
      readFileSync(join(r0.dir, 'access/employees/alice.yaml'), 'utf8') + '  - cluster: prod\n    groups: [system:masters]\n    expires: 2026-07-01\n',
    );
    // The developer profile gains pods/exec: everyone with it can now exec.
    r0.edit('access/profiles/developer.yaml', 'resources: [pods]', 'resources: [pods, pods/exec]');
    const r = await diffAccess({ dir: 'access', base: 'HEAD', today: TODAY, cwd: r0.dir });
    // The cause first, once: the profile, and whom it reaches.
    assert.is(r.markdown.split('\n')[0], "1 shared definition changes, reaching 1 person; 2 people's own access changes on 1 cluster.");
    assert.equal(section(r, 'Shared definitions'), [
      '**profile developer**: + get, list, watch pods/exec — 1 person on 1 cluster (access/profiles/developer.yaml:3)',
    ]);
    assert.equal(
      r.causes.map((c) => [c.kind, c.name, c.change, c.details, c.people, c.clusters]),
      [['profile', 'developer', 'changed', ['+ get, list, watch pods/exec'], 1, ['prod']]],
    );
    assert.ok(r.markdown.indexOf('### Shared definitions') < r.markdown.indexOf('### Per person'), r.markdown);
    // Then each person's own changes: bob's grant, now cluster-wide, gives him the profile as it
    // now is there (what the profile alone changes is said above, once).
    assert.equal(bullets(r).slice(0, 10), [
      '**alice**:',
      'now signs in as existing IAM user arn:aws:iam::111122223333:user/people/alice (was IAM user alice (created by this repository)) (access/employees/alice.yaml:6)',
      'is now in group `system:masters` on prod (group system:masters, access/employees/alice.yaml:14)',
      'now has cluster-admin on prod (group system:masters, access/employees/alice.yaml:14, until 2026-07-01)',
      '**bob**:',
      'access no longer expires (was 2027-01-31) (access/employees/bob.yaml:3)',
      'can now get, list, watch pods, pods/exec cluster-wide on prod (profile developer, access/employees/bob.yaml:9, until 2026-12-31)',
    ]);
  } finally {
    r0.cleanup();
  }
});

test('diff: a grant whose expiry changed, and a removed employee', async () => {
  const r0 = repo({
    ...BASE_FILES,
    'access/employees/bob.yaml': `${HEADER}kind: Employee
name: bob
email: bob@example.com
team: payments
identity:
  iamUser: bob
access:
  - cluster: prod
    profile: developer
    namespaces: [payments]
    expires: 2026-12-31
`,
  });
  try {
    r0.edit('access/employees/bob.yaml', 'expires: 2026-12-31', 'expires: 2027-03-31');
    r0.remove('access/employees/alice.yaml');
    const r = await diffAccess({ dir: 'access', base: 'HEAD', today: TODAY, cwd: r0.dir });
    assert.equal(bullets(r), [
      '**alice**:',
      'removed from the access files (was access/employees/alice.yaml:3): loses all access',
      'can no longer get, list, watch pods, services in prod/my-namespace (inline rules, access/employees/alice.yaml:8)',
      '**bob**: profile developer on prod (payments) now expires on 2027-03-31 (was 2026-12-31) (access/employees/bob.yaml:9)',
    ]);
    assert.match(r.markdown, /### Resolved lint findings\n\n- \*\*info\*\* `access\/employees\/alice\.yaml:3`: employee alice has no team/);
  } finally {
    r0.cleanup();
  }
});

test('diff: the access folder in a sub-folder of the repository, and files added since the base', async () => {
  const files = Object.fromEntries(Object.entries(BASE_FILES).map(([p, t]) => [`infra/${p}`, t]));
  const r0 = repo(files);
  try {
    r0.write('infra/access/employees/bob.yaml', BOB);
    const r = await diffAccess({ dir: 'access', base: 'HEAD', today: TODAY, cwd: join(r0.dir, 'infra') });
    assert.ok(bullets(r).includes('now has cluster-admin on api (level admin, access/employees/bob.yaml:9)'), r.markdown);
    const fromRoot = await diffAccess({ dir: 'infra/access', base: 'HEAD', today: TODAY, cwd: r0.dir });
    assert.ok(bullets(fromRoot).includes('now has cluster-admin on api (level admin, infra/access/employees/bob.yaml:9)'), fromRoot.markdown);
  } finally {
    r0.cleanup();
  }
});

test('diff: no access folder at the base revision: everyone is new', async () => {
  const r0 = repo({ 'README.md': 'empty\n' });
  try {
    for (const [p, t] of Object.entries(BASE_FILES)) r0.write(p, t);
    const r = await diffAccess({ dir: 'access', base: 'HEAD', today: TODAY, cwd: r0.dir });
    // The clusters and the profile are new shared definitions; alice's own access comes after.
    assert.is(r.markdown.split('\n')[0], "3 shared definitions change, reaching 1 person; 1 person's own access changes on 1 cluster.", r.markdown);
    assert.equal(
      r.causes.map((c) => `${c.kind} ${c.name} ${c.change} ${c.people}`),
      ['profile developer added 0', 'cluster api added 0', 'cluster prod added 1'],
    );
    assert.match(r.markdown, 'can now get, list, watch pods, services in prod/my-namespace (inline rules, access/employees/alice.yaml:8)');
  } finally {
    r0.cleanup();
  }
});

test('diff: invalid access files on either side give the problems with file:line, not a comparison', async () => {
  const r0 = repo(BASE_FILES);
  try {
    r0.edit('access/employees/alice.yaml', 'cluster: prod', 'cluster: prdo');
    const head = await diffAccess({ dir: 'access', base: 'HEAD', today: TODAY, cwd: r0.dir });
    assert.equal(head.invalid, ['working tree']);
    assert.equal(head.changes, []);
    assert.match(head.markdown, /^\*\*Cannot compare access: the access files are invalid in the working tree\.\*\*/);
    assert.match(head.markdown, /- `access\/employees\/alice\.yaml:8:\d+` error: .*prdo.*did you mean "prod"/);
    // Committed broken, fixed in the working tree: the base is what is invalid.
    r0.commit();
    r0.edit('access/employees/alice.yaml', 'cluster: prdo', 'cluster: prod');
    const base = await diffAccess({ dir: 'access', base: 'HEAD', today: TODAY, cwd: r0.dir });
    assert.equal(base.invalid, ['base']);
    assert.match(base.markdown, 'invalid at the base revision (HEAD)');
    assert.match(base.markdown, '`access/employees/alice.yaml:8:');
  } finally {
    r0.cleanup();
  }
});

test('diff: a bad git ref, or a folder outside any repository, is a usage error', async () => {
  const r0 = repo(BASE_FILES);
  const plain = scratch(BASE_FILES);
  try {
    for (const base of ['no-such-branch', 'HEAD~5', '--output=/tmp/x', '']) {
      try {
        await diffAccess({ dir: 'access', base, today: TODAY, cwd: r0.dir });
        assert.unreachable(`accepted ${base}`);
      } catch (e) {
        assert.instance(e, UsageError, String(e));
        assert.match((e as Error).message, /git revision/);
      }
    }
    try {
      await diffAccess({ dir: 'access', base: 'HEAD', today: TODAY, cwd: plain.dir });
      assert.unreachable('accepted a folder outside git');
    } catch (e) {
      assert.instance(e, UsageError, String(e));
      assert.match((e as Error).message, 'not inside a git repository');
    }
    try {
      await diffAccess({ dir: 'nope', base: 'HEAD', today: TODAY, cwd: r0.dir });
      assert.unreachable('accepted a missing folder');
    } catch (e) {
      assert.instance(e, UsageError, String(e));
      assert.match((e as Error).message, 'folder not found: nope');
    }
  } finally {
    r0.cleanup();
    plain.cleanup();
  }
});

const ROLE = 'arn:aws:iam::444455556666:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Data_0123456789abcdef';
const roleEmployee = (name: string, access: string) => `${HEADER}kind: Employee
name: ${name}
email: ${name}@example.com
team: data
identity:
  role:
    arn: ${ROLE}
access:
${access}`;

test('diff: an access policy on a shared role reaches everyone who signs in through it, and says so', async () => {
  const r0 = repo({
    ...BASE_FILES,
    'access/employees/dan.yaml': roleEmployee(
      'dan',
      '  - cluster: api\n    namespaces: [data]\n    rules:\n      - apiGroups: [""]\n        resources: [pods]\n        verbs: [get]\n',
    ),
    'access/employees/eve.yaml': roleEmployee(
      'eve',
      '  - cluster: api\n    namespaces: [data]\n    rules:\n      - apiGroups: [""]\n        resources: [services]\n        verbs: [get]\n',
    ),
  });
  try {
    r0.write(
      'access/employees/dan.yaml',
      readFileSync(join(r0.dir, 'access/employees/dan.yaml'), 'utf8') + '  - cluster: api\n    accessPolicy: AmazonEKSViewPolicy\n    namespaces: [data]\n',
    );
    const r = await diffAccess({ dir: 'access', base: 'HEAD', today: TODAY, cwd: r0.dir });
    assert.is(r.markdown.split('\n')[0], "2 people's access changes on 1 cluster.");
    const eve = r.changes.filter((c) => c.employee === 'eve');
    assert.ok(eve.length > 0, r.markdown);
    assert.ok(
      eve.every((c) => c.sources.every((s) => s.endsWith('access/employees/dan.yaml:16, through the role shared with dan'))),
      r.markdown,
    );
    assert.ok(!bullets(r).some((l) => l.includes('secrets')), 'view has no secrets');
    // eve could already get services: only what is new is said.
    assert.ok(
      bullets(r).includes(
        'can now list, watch services in api/data (access policy AmazonEKSViewPolicy, access/employees/dan.yaml:16, through the role shared with dan)',
      ),
      r.markdown,
    );
    assert.ok(
      bullets(r).some(
        (l) =>
          l.startsWith('can now get, list, watch pods, pods/log, configmaps, serviceaccounts') &&
          l.endsWith('in api/data (access policy AmazonEKSViewPolicy, access/employees/dan.yaml:16, through the role shared with dan)'),
      ),
      r.markdown,
    );
  } finally {
    r0.cleanup();
  }
});

test('diff: a name added to resourceNames reports that name only', async () => {
  const r0 = repo({ ...BASE_FILES, 'access/employees/carol.yaml': CAROL });
  try {
    r0.edit('access/employees/carol.yaml', 'resourceNames: [api-key]', 'resourceNames: [api-key, db-password, cache-token]');
    const r = await diffAccess({ dir: 'access', base: 'HEAD', today: TODAY, cwd: r0.dir });
    assert.equal(bullets(r), ['**carol**: can now get secrets named cache-token, db-password in api/data (inline rules, access/employees/carol.yaml:9)']);
  } finally {
    r0.cleanup();
  }
});

/** An employee with a grant through the developer profile and inline rules of their own. */
function person(i: number): string {
  return `${HEADER}kind: Employee
name: person-${i}
email: person-${i}@example.com
identity:
  iamUser: person-${i}
access:
  - cluster: prod
    profile: developer
    namespaces: [payments]
  - cluster: api
    namespaces: [data]
    rules:
      - apiGroups: [""]
        resources: [configmaps]
        verbs: [get, list]
`;
}

test('diff: only the files whose lines the report names are parsed again for positions', async () => {
  const people = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`access/employees/person-${i}.yaml`, person(i)]));
  const r0 = repo({ ...BASE_FILES, ...people, 'access/employees/bob.yaml': BOB });
  try {
    // A shared definition that reaches every person, and one person's own change.
    r0.write(
      'access/profiles/developer.yaml',
      readFileSync(join(r0.dir, 'access/profiles/developer.yaml'), 'utf8') + '  - apiGroups: [""]\n    resources: [pods/log]\n    verbs: [get]\n',
    );
    r0.edit('access/employees/bob.yaml', 'namespaces: [payments]', 'namespaces: [payments, my-namespace]');
    const parsed = new Set<string>();
    const stop = watchPositionedParses((file) => parsed.add(file));
    let r: DiffResult;
    try {
      r = await diffAccess({ dir: 'access', base: 'HEAD', today: TODAY, cwd: r0.dir });
    } finally {
      stop();
    }
    assert.ok(r.markdown.includes('**profile developer**: + get pods/log'), r.markdown);
    assert.ok(r.markdown.includes('access/employees/bob.yaml:'), r.markdown);
    // The lint findings about the 40 unchanged people (their IAM users, say) are compared by rule and
    // message only: none of their files is parsed for a line.
    assert.equal(
      [...parsed].filter((f) => f.includes('/employees/person-')),
      [],
      `files parsed for positions: ${[...parsed].join(', ')}`,
    );
    assert.ok(parsed.size <= 4, `files parsed for positions: ${[...parsed].join(', ')}`);
  } finally {
    r0.cleanup();
  }
});

test.run();
