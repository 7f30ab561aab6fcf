/**
 * diff as a pull-request comment: causes first, the GitHub size cap, the full report (--output),
 * JSON, text from the access files escaped; and `eks-access check`, the whole pull-request job.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { diffAccess, GITHUB_COMMENT_LIMIT } from '../../src/diff/diff.js';
import { BASE_FILES, HEADER, run, scratch } from '../helpers/run.js';

const TODAY = '2026-06-01';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function repo(files: Record<string, string>): { dir: string; cleanup: () => void; write: (path: string, text: string) => void; commit: () => void } {
  const s = scratch(files);
  git(s.dir, 'init', '-q');
  const commit = () => {
    git(s.dir, 'add', '-A');
    git(s.dir, 'commit', '-q', '--allow-empty', '-m', 'commit');
  };
  commit();
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(s.dir, path)), { recursive: true });
    writeFileSync(join(s.dir, path), text);
  };
  return { dir: s.dir, cleanup: s.cleanup, write, commit };
}

const person = (name: string, grants: string, extra = '') => `${HEADER}kind: Employee
name: ${name}
email: ${name}@example.com
team: payments
${extra}identity:
  iamUser: ${name}
access:
${grants}`;

const developerIn = (ns: string) => `  - cluster: prod\n    profile: developer\n    namespaces: [${ns}]\n`;

/** `count` people with the developer profile, committed; the working tree then changes what the test says. */
function team(count: number): Record<string, string> {
  const files: Record<string, string> = { ...BASE_FILES };
  for (let i = 0; i < count; i++)
    files[`access/employees/dev-${String(i).padStart(3, '0')}.yaml`] = person(`dev-${String(i).padStart(3, '0')}`, developerIn('payments'));
  return files;
}

test('diff: a profile change is said once, first, with whom it reaches; people only for their own changes', async () => {
  const r0 = repo(team(40));
  try {
    r0.write('access/profiles/developer.yaml', BASE_FILES['access/profiles/developer.yaml']!.replace('resources: [pods]', 'resources: [pods, pods/log]'));
    // One person's own change on top: a second namespace.
    r0.write('access/employees/dev-007.yaml', person('dev-007', developerIn('payments, my-namespace')));
    const r = await diffAccess({ dir: 'access', base: 'HEAD', today: TODAY, cwd: r0.dir });
    const lines = r.markdown.split('\n');
    assert.is(lines[0], "1 shared definition changes, reaching 40 people; 1 person's own access changes on 1 cluster.");
    assert.is(lines[2], '### Shared definitions');
    assert.is(lines[4], '- **profile developer**: + get, list, watch pods/log — 40 people on 1 cluster (access/profiles/developer.yaml:3)');
    assert.ok(r.markdown.indexOf('### Shared definitions') < r.markdown.indexOf('### Per person'));
    // dev-007's own change: the profile, as it now is, in my-namespace; the other 39 only gain
    // through the profile, said above once, and are not listed (nor is dev-007's pods/log in payments).
    const own = r.markdown.slice(r.markdown.indexOf('### Per person'));
    assert.match(own, '- **dev-007**: can now get, list, watch pods, pods/log in prod/my-namespace (profile developer, access/employees/dev-007.yaml:9)');
    assert.not.match(own, 'payments');
    assert.equal([...new Set(r.changes.map((c) => c.employee))], ['dev-007']);
    assert.equal(r.summary, {
      people: 1,
      clusters: 1,
      shared: 1,
      sharedPeople: 40,
      newFindings: r.findings.added.length,
      resolvedFindings: r.findings.resolved.length,
    });
    assert.is(r.truncated, false);
    assert.is(r.fullMarkdown, r.markdown);
  } finally {
    r0.cleanup();
  }
});

test('diff: a cluster change is a cause too, and the LintPolicy', async () => {
  const r0 = repo(team(3));
  try {
    r0.write(
      'access/clusters/prod.yaml',
      BASE_FILES['access/clusters/prod.yaml']!.replace('namespaces: [payments, my-namespace]', 'namespaces: [payments, my-namespace, ledger]'),
    );
    r0.write('access/policy.yaml', `${HEADER}kind: LintPolicy\nrules:\n  orphan-employee: off\n`);
    const r = await diffAccess({ dir: 'access', base: 'HEAD', today: TODAY, cwd: r0.dir });
    assert.equal(
      r.causes.map((c) => c.text),
      [
        '**cluster prod**: namespaces + ledger — 4 people on 1 cluster (access/clusters/prod.yaml:3)',
        '**LintPolicy**: new: rule orphan-employee: off (was default severity) (access/policy.yaml:1)',
      ],
    );
    assert.equal(r.changes, []);
    // alice had no team: the finding is resolved by the policy.
    assert.ok(
      r.findings.resolved.some((f) => f.ruleId === 'orphan-employee'),
      r.markdown,
    );
  } finally {
    r0.cleanup();
  }
});

test('diff: the comment fits a GitHub comment whatever the change, says what it left out; the full report has everything', async () => {
  const r0 = repo(BASE_FILES);
  try {
    // 400 new people, each with inline rules in several namespaces: well over 65,536 characters in full.
    for (let i = 0; i < 400; i++) {
      const name = `new-${String(i).padStart(3, '0')}`;
      r0.write(
        `access/employees/${name}.yaml`,
        person(
          name,
          `  - cluster: prod\n    namespaces: [payments]\n    rules:\n      - apiGroups: [""]\n        resources: [secrets, configmaps]\n        verbs: [get, list]\n${developerIn('my-namespace')}`,
        ),
      );
    }
    const r = await diffAccess({ dir: 'access', base: 'HEAD', today: TODAY, cwd: r0.dir });
    assert.ok(r.fullMarkdown.length > GITHUB_COMMENT_LIMIT, `the full report is ${r.fullMarkdown.length} characters`);
    assert.ok(r.markdown.length <= GITHUB_COMMENT_LIMIT, `the comment is ${r.markdown.length} characters`);
    assert.ok(Buffer.byteLength(r.markdown) <= GITHUB_COMMENT_LIMIT);
    assert.is(r.truncated, true);
    assert.is(r.markdown.split('\n')[0], "400 people's access changes on 1 cluster.");
    const note = r.markdown.trimEnd().split('\n').pop()!;
    assert.match(
      note,
      /^\*\*Not shown, to fit a GitHub comment:\*\* \d+ people's changes, \d+ new lint findings\. The full report \([\d,]+ characters\) is written by `eks-access diff --output FILE`/,
    );
    // Every section still has its start; the full report has every person.
    assert.match(r.markdown, '- **new-000**:');
    assert.match(r.markdown, '### New lint findings');
    assert.match(r.fullMarkdown, '- **new-399**:');
    assert.not.match(r.fullMarkdown, 'Not shown');
    // A smaller limit is kept too.
    const small = await diffAccess({ dir: 'access', base: 'HEAD', today: TODAY, cwd: r0.dir, limit: 3000 });
    assert.ok(small.markdown.length <= 3000, `${small.markdown.length}`);
    assert.match(small.markdown, 'Not shown, to fit a GitHub comment');
  } finally {
    r0.cleanup();
  }
});

test('diff: one person with more changes than a comment holds is cut inside, and the cut is said', async () => {
  const namespaces = Array.from({ length: 300 }, (_, i) => `team-namespace-with-a-long-name-${i}`);
  const cluster = BASE_FILES['access/clusters/prod.yaml']!.replace(
    'namespaces: [payments, my-namespace]',
    `namespaces:\n${[...namespaces, 'payments', 'my-namespace'].map((n) => `  - ${n}`).join('\n')}`,
  );
  const r0 = repo({ ...BASE_FILES, 'access/clusters/prod.yaml': cluster });
  try {
    const grants = namespaces
      .map(
        (ns, i) =>
          `  - cluster: prod\n    namespaces: [${ns}]\n    rules:\n      - apiGroups: [example-${i}.com]\n        resources: [widgets-${i}]\n        verbs: [get]\n`,
      )
      .join('');
    r0.write('access/employees/zoe.yaml', person('zoe', grants));
    const r = await diffAccess({ dir: 'access', base: 'HEAD', today: TODAY, cwd: r0.dir, limit: 8000 });
    assert.ok(r.markdown.length <= 8000, `${r.markdown.length}`);
    assert.match(r.markdown, '... and more changes of this person; see the full report');
  } finally {
    r0.cleanup();
  }
});

test('diff: text from the access files cannot break out of the comment (HTML, mentions, backticks, new lines)', async () => {
  const r0 = repo(BASE_FILES);
  try {
    r0.write(
      'access/employees/mallory.yaml',
      person('mallory', `  - cluster: prod\n    groups: ["ops\`</td><!--x-->"]\n`).replace(
        'team: payments',
        'team: "<!-- hide --> @octocat `x` [link](https://evil.example) <img src=x>"',
      ),
    );
    const r = await diffAccess({ dir: 'access', base: 'HEAD', today: TODAY, cwd: r0.dir });
    const md = r.markdown;
    // No `<` reaches the comment unescaped: `\<!--` is text, not the start of an HTML comment.
    assert.not.match(md, /(^|[^\\])</m);
    assert.not.match(md, /(^|[^\w`])@octocat/m);
    assert.match(md, '\\<!-- hide --\\>');
    assert.match(md, '@&#8203;octocat');
    assert.match(md, '\\[link\\](https&#8203;://evil.example)');
    // A group name with a backtick or HTML in it is written escaped, not as code.
    assert.match(md, 'is now in group ops\\`\\</td\\>\\<!--x--\\> on prod');
    assert.ok(md.split('\n').every((l) => !l.includes('\r')));
  } finally {
    r0.cleanup();
  }
});

test('diff CLI: --format json, --output FILE with the full report, the comment on stdout', async () => {
  const r0 = repo(BASE_FILES);
  try {
    for (let i = 0; i < 400; i++) {
      const name = `new-${String(i).padStart(3, '0')}`;
      r0.write(
        `access/employees/${name}.yaml`,
        person(
          name,
          `  - cluster: prod\n    namespaces: [payments]\n    rules:\n      - apiGroups: [""]\n        resources: [secrets, configmaps]\n        verbs: [get, list]\n${developerIn('my-namespace')}`,
        ),
      );
    }
    const md = await run(['diff', '--base', 'HEAD', '--output', 'full.md', '--today', TODAY], r0.dir);
    assert.is(md.code, 0, md.stderr);
    assert.ok(md.stdout.length <= GITHUB_COMMENT_LIMIT);
    const full = readFileSync(join(r0.dir, 'full.md'), 'utf8');
    assert.ok(full.length > md.stdout.length);
    assert.match(full, '- **new-399**:');

    const js = await run(['diff', '--base', 'HEAD', '--format', 'json', '--output', 'full.json', '--today', TODAY], r0.dir);
    assert.is(js.code, 0, js.stderr);
    const parsed = JSON.parse(js.stdout) as {
      base: string;
      summary: { people: number };
      causes: unknown[];
      changes: { employee: string; kind: string }[];
      findings: { added: unknown[]; resolved: unknown[] };
    };
    assert.is(parsed.base, 'HEAD');
    assert.is(parsed.summary.people, 400);
    assert.equal(parsed.causes, []);
    assert.ok(parsed.changes.some((c) => c.employee === 'new-399' && c.kind === 'employee-added'));
    assert.ok(parsed.findings.added.length > 0);
    assert.equal(JSON.parse(readFileSync(join(r0.dir, 'full.json'), 'utf8')), parsed);

    const bad = await run(['diff', '--base', 'HEAD', '--output', join(r0.dir, 'no', 'such', 'dir', 'x.md')], r0.dir);
    assert.is(bad.code, 2);
    assert.match(bad.stderr, /^eks-access: cannot write .*x\.md: ENOENT/);
  } finally {
    r0.cleanup();
  }
});

test('check: lint, generated/ and the diff from one run; exit 1 when generated/ is stale or lint fails', async () => {
  const r0 = repo(team(2));
  try {
    assert.is((await run(['generate', '--today', TODAY], r0.dir)).code, 0);
    r0.commit();
    r0.write('access/profiles/developer.yaml', BASE_FILES['access/profiles/developer.yaml']!.replace('resources: [pods]', 'resources: [pods, pods/log]'));
    // generated/ not regenerated: stale.
    const stale = await run(['check', '--base', 'HEAD', '--sarif', 'lint.sarif', '--comment', 'comment.md', '--output', 'full.md', '--today', TODAY], r0.dir);
    assert.is(stale.code, 1, stale.stderr);
    assert.match(stale.stderr, /generated is stale: 0 added, \d+ changed, 0 removed/, stale.stderr);
    assert.match(stale.stdout, '+++ b/generated/clusters/prod/profiles/developer.yaml');
    const comment = readFileSync(join(r0.dir, 'comment.md'), 'utf8');
    assert.match(comment, '- **profile developer**: + get, list, watch pods/log — 2 people on 1 cluster');
    assert.is(readFileSync(join(r0.dir, 'full.md'), 'utf8'), comment);
    const sarif = JSON.parse(readFileSync(join(r0.dir, 'lint.sarif'), 'utf8')) as { version: string; runs: { results: unknown[] }[] };
    assert.is(sarif.version, '2.1.0');
    assert.ok(sarif.runs[0]!.results.length > 0);

    assert.is((await run(['generate', '--today', TODAY], r0.dir)).code, 0);
    const ok = await run(['check', '--base', 'HEAD', '--comment', 'comment.md', '--today', TODAY], r0.dir);
    assert.is(ok.code, 0, ok.stderr);
    assert.match(ok.stderr, 'generated is up to date');

    // A lint error fails the job; the comment is still written.
    r0.write('access/employees/root.yaml', person('root', '  - cluster: prod\n    level: admin\n'));
    assert.is((await run(['generate', '--today', TODAY], r0.dir)).code, 1);
    const failing = await run(['check', '--base', 'HEAD', '--comment', 'comment.md', '--today', TODAY], r0.dir);
    assert.is(failing.code, 1);
    assert.match(failing.stdout, 'require-expiry-for-admin');
    assert.match(readFileSync(join(r0.dir, 'comment.md'), 'utf8'), '**root**');

    // Invalid input: exit 1 with file:line:column, the comment says so.
    r0.write('access/employees/root.yaml', person('root', '  - cluster: prdo\n    level: admin\n'));
    const invalid = await run(['check', '--base', 'HEAD', '--comment', 'comment.md', '--sarif', 'lint.sarif', '--today', TODAY], r0.dir);
    assert.is(invalid.code, 1);
    assert.match(invalid.stderr, /access\/employees\/root\.yaml:\d+:\d+ +error/);
    assert.match(readFileSync(join(r0.dir, 'comment.md'), 'utf8'), 'Cannot compare access');
    assert.ok(existsSync(join(r0.dir, 'lint.sarif')));

    const usage = await run(['check', '--base', 'no-such-ref'], r0.dir);
    assert.is(usage.code, 2);
    assert.match(usage.stderr, 'unknown git revision "no-such-ref"');
  } finally {
    r0.cleanup();
  }
});

test.run();
