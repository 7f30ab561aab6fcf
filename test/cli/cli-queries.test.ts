import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BASE_FILES, HEADER, ROOT, run, scratch } from '../helpers/run.js';

test('explain through the CLI: text, unknown employee (2), invalid folder (1)', async () => {
  const ok = await run(['explain', 'alice', '--today', '2026-11-28'], ROOT);
  assert.is(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, 'get, list, watch pods, services (inline rules, access/employees/alice.yaml:12)');
  const unknown = await run(['explain', 'alcie'], ROOT);
  assert.is(unknown.code, 2);
  assert.match(unknown.stderr, 'did you mean "alice"');
  const s = scratch({ ...BASE_FILES, 'access/employees/bad.yaml': `${HEADER}kind: Employee\nname: Bad\n` });
  try {
    const bad = await run(['explain', 'alice'], s.dir);
    assert.is(bad.code, 1);
    assert.match(bad.stderr, 'access/employees/bad.yaml:3:7  error');
  } finally {
    s.cleanup();
  }
});

test('diff --base through the CLI: Markdown on stdout, exit 0; a bad ref exits 2', async () => {
  const s = scratch(BASE_FILES);
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: s.dir, stdio: 'pipe' });
    git('init', '-q');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'add', '-A');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'base');
    const same = await run(['diff', '--base', 'HEAD'], s.dir);
    assert.equal([same.code, same.stdout], [0, 'No access changes.\n']);
    writeFileSync(
      join(s.dir, 'access/employees/alice.yaml'),
      BASE_FILES['access/employees/alice.yaml']!.replace('resources: [pods, services]', 'resources: [pods, services, secrets]'),
    );
    const changed = await run(['diff', '--base', 'HEAD'], s.dir);
    assert.is(changed.code, 0, changed.stderr);
    assert.match(changed.stdout, /\*\*alice\*\*: can now get, list, watch secrets in prod\/my-namespace/);
    const json = JSON.parse((await run(['diff', '--base', 'HEAD', '--format', 'json'], s.dir)).stdout) as { changes: { employee: string }[] };
    assert.ok(json.changes.some((c) => c.employee === 'alice'));
    const bad = await run(['diff', '--base', 'no-such-ref'], s.dir);
    assert.is(bad.code, 2);
    assert.not.match(bad.stderr, /\n\s+at /);
  } finally {
    s.cleanup();
  }
});

test('can-i reads kubectl -o json dumps too; a broken JSON file is reported with file:line', async () => {
  const { parse } = await import('yaml');
  const { readFileSync } = await import('node:fs');
  const dump = parse(readFileSync(join(ROOT, 'test', 'fixtures', 'manifests', 'default-cluster', 'default-dump.yaml'), 'utf8')) as unknown;
  const s = scratch({ 'dump.json': JSON.stringify(dump), 'broken/bad.json': '{"kind": "List",\n  "items": [}\n' });
  try {
    const yes = await run(
      ['can-i', 'create', 'selfsubjectaccessreviews.authorization.k8s.io', '-A', '--as', 'anyone', '--manifests', join(s.dir, 'dump.json')],
      ROOT,
    );
    assert.equal([yes.code, yes.stdout], [0, 'yes\n']);
    const no = await run(['can-i', 'get', 'secrets', '-n', 'kube-system', '--as', 'anyone', '--manifests', join(s.dir, 'dump.json')], ROOT);
    assert.equal([no.code, no.stdout], [1, 'no\n']);
    const bad = await run(['can-i', 'get', 'pods', '--as', 'x', '--manifests', join(s.dir, 'broken')], s.dir);
    assert.is(bad.code, 1);
    assert.match(bad.stderr, /broken\/bad\.json:2:\d+ {2}/);
  } finally {
    s.cleanup();
  }
});

test('every --format rejects an unknown value with exit 2, naming the values it takes; can-i has no --format', async () => {
  const cases: [string[], string][] = [
    [['who-can', 'get', 'pods'], 'text, json'],
    [['lint'], 'text, json, sarif, github'],
    [['rules'], 'text, json'],
    [['explain', 'alice'], 'text, markdown, json'],
    [['diff', '--base', 'HEAD'], 'markdown, json'],
    [['review'], 'text, json, markdown'],
    [['usage', '--audit-log', 'none.log'], 'text, markdown, json'],
    [['drift', '--context', 'none'], 'text, json'],
    [['check', '--base', 'HEAD'], 'text, github'],
  ];
  for (const [args, expected] of cases) {
    const r = await run([...args, '--format', 'bogus'], ROOT);
    assert.is(r.code, 2, `${args[0]}: ${r.stderr}`);
    assert.is(r.stdout, '', args[0]);
    assert.is(r.stderr, `eks-access: unknown --format "bogus"; expected ${expected}\n`, args[0]);
  }
  const output = await run(['check', '--base', 'HEAD', '--output-format', 'yaml'], ROOT);
  assert.equal([output.code, output.stderr], [2, 'eks-access: unknown --output-format "yaml"; expected markdown, json\n']);
  const canI = await run(['can-i', 'get', 'pods', '--as', 'x', '--format', 'json'], ROOT);
  assert.is(canI.code, 2);
  assert.is(canI.stdout, '');
  assert.match(canI.stderr, "unknown option '--format'");
  // The values it takes still work.
  const json = await run(['who-can', 'get', 'pods', '--cluster', 'prod-eu', '--format', 'json'], ROOT);
  assert.is(json.code, 0, json.stderr);
  assert.ok(Array.isArray((JSON.parse(json.stdout) as { holders: unknown[] }).holders));
});

test('commands load lazily: running one imports its module only; help lists every command of the map, in its order', async () => {
  const { COMMANDS } = await import('../../src/cli/index.js');
  const hook = `export async function resolve(s, c, next) { const r = await next(s, c); if (r.url.includes('/cli/commands/')) process.stderr.write('LOADED ' + r.url.split('/cli/commands/')[1] + '\\n'); return r; }`;
  const register = `import { register } from 'node:module'; register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}));`;
  const loaded = (args: string[]) => {
    const r = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(register)}`, join(ROOT, 'dist', 'src', 'bin.js'), ...args], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    return r.stderr
      .split('\n')
      .filter((l) => l.startsWith('LOADED '))
      .map((l) => l.slice('LOADED '.length))
      .sort();
  };
  assert.equal(loaded(['validate']), ['validate.js']);
  assert.equal(loaded(['who-can', 'get', 'pods', '--cluster', 'prod-eu']), ['who-can.js']);
  assert.equal(loaded(['--help']).length, Object.keys(COMMANDS).length);
  const help = await run(['--help'], ROOT);
  const listed = [...help.stdout.matchAll(/^ {2}([a-z-]+) /gm)].map((m) => m[1]).filter((n) => n !== 'help');
  assert.equal(listed, Object.keys(COMMANDS));
});

test.run();
