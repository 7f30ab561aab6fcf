/**
 * Robustness of reading and writing: symbolic links in the access folder are never followed, nothing
 * is written outside --out whatever the input names, a failed write leaves the previous output as it
 * was, and concurrent generate runs on one output folder never mix their output.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { main } from '../../src/cli/index.js';
import { OUTPUT_MARKER, OUTPUT_MARKER_TEXT } from '../../src/emit/plan.js';
import { readTree, writeOutput, WriteError } from '../../src/write/writer.js';
import { BASE_FILES, ROOT, run, scratch, snapshotTree, type RunResult } from '../helpers/run.js';

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

/** Every entry under `dir` (folders with a trailing `/`, links marked), for "nothing else appeared" checks. */
function listing(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .map((e) => `${join(e.parentPath, e.name).slice(dir.length + 1)}${e.isDirectory() ? '/' : e.isSymbolicLink() ? ' ->' : ''}`)
    .sort();
}

const noLeftovers = (dir: string) => listing(dir).filter((p) => p.includes('eks-access-'));

// --- symbolic links in the access folder ---------------------------------------------------------

test('symlinks out of the access folder are not followed: their content is neither read nor used', async () => {
  const s = scratch({
    ...BASE_FILES,
    // Broken YAML (an error if read) and a valid employee (in the output if read).
    'outside/broken.yaml': 'apiVersion: eks-access/v1\nkind: Employee\nname: outsider\n  : [oops\n',
    'outside/dir/intruder.yaml': EMPLOYEE('intruder'),
    'outside/dir/broken.yaml': 'key: [unclosed\n',
  });
  try {
    symlinkSync(join(s.dir, 'outside', 'broken.yaml'), join(s.dir, 'access', 'employees', 'outsider.yaml'));
    symlinkSync('../../outside/dir', join(s.dir, 'access', 'employees', 'more'));
    symlinkSync('/etc/passwd', join(s.dir, 'access', 'profiles', 'passwd.yaml'));
    const lint = await run(['lint'], s.dir);
    assert.is(lint.code, 0, lint.stdout + lint.stderr);
    const gen = await run(['generate'], s.dir);
    assert.is(gen.code, 0, gen.stderr);
    for (const r of [lint, gen]) assert.not.match(r.stdout + r.stderr, /outsider|intruder|outside\/|broken|passwd|more\//, r.stdout + r.stderr);
    const output = Object.entries(snapshotTree(join(s.dir, 'generated')))
      .flat()
      .join('\n');
    assert.not.match(output, /outsider|intruder|root:/);
    assert.match(output, 'alice', 'the output is there');
  } finally {
    s.cleanup();
  }
});

test('symlinks inside the access folder are not followed either: the output is as without them', async () => {
  const plain = scratch(BASE_FILES);
  const linked = scratch(BASE_FILES);
  try {
    // A second name for an employee file, and a folder link that would loop back.
    symlinkSync('alice.yaml', join(linked.dir, 'access', 'employees', 'alice-again.yaml'));
    symlinkSync('..', join(linked.dir, 'access', 'employees', 'loop'));
    for (const s of [plain, linked]) assert.is((await run(['generate'], s.dir)).code, 0);
    const v = await run(['validate'], linked.dir);
    assert.is(v.stdout, 'access: 4 document(s) valid\n', 'the links count as nothing, not as a duplicate alice');
    assert.equal(snapshotTree(join(linked.dir, 'generated')), snapshotTree(join(plain.dir, 'generated')));
  } finally {
    plain.cleanup();
    linked.cleanup();
  }
});

// --- messages quoting the input ------------------------------------------------------------------

test('messages quoting the input stay one line and carry no raw control characters', async () => {
  const s = scratch({
    ...BASE_FILES,
    // A key and a value with a newline, an escape sequence, a line separator, a byte order mark and a
    // bidirectional override.
    'access/employees/alice.yaml': `${BASE_FILES['access/employees/alice.yaml']}"x\\ny\\a": 1\n`,
    'access/clusters/api.yaml': BASE_FILES['access/clusters/api.yaml']!.replace('name: api', 'name: "a\\npi\\e[31m\\L\\uFEFF\\u202E"'),
  });
  try {
    for (const argv of [['validate'], ['lint'], ['generate']]) {
      const r = await run(argv, s.dir);
      assert.is(r.code, 1, r.stderr);
      const out = r.stdout + r.stderr;
      for (const line of out.split('\n').filter((l) => l !== '')) {
        assert.ok(
          /^access\/\S+:\d+:\d+ {2}(error|warning|info) {2}|^\d+ error\(s\)|^nothing written/.test(line),
          `${argv[0]}: a line that is not a diagnostic: ${JSON.stringify(line)}`,
        );
      }
      assert.not.match(out, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff\u202a-\u202e]/);
      assert.match(out, 'unknown field "x\\ny\\u0007"');
      assert.match(out, '"a\\npi\\u001b[31m\\u2028\\ufeff\\u202e"');
    }
  } finally {
    s.cleanup();
  }
});

// --- nothing is written outside --out ------------------------------------------------------------

const BAD_NAMES = ['../escape', '../../escape', 'a/b', '/tmp/eks-access-escape', '..', '.', 'x'.repeat(300), 'émile', 'a\u0000b', 'ALICE', 'a/../../escape'];

for (const kind of ['Employee', 'Cluster', 'Profile'] as const) {
  test(`${kind} names that are paths are refused and nothing is written anywhere`, async () => {
    for (const bad of BAD_NAMES) {
      const s = scratch(BASE_FILES);
      try {
        mkdirSync(join(s.dir, 'work'));
        renameSync(join(s.dir, 'access'), join(s.dir, 'work', 'access'));
        const file = { Employee: 'work/access/employees/alice.yaml', Cluster: 'work/access/clusters/api.yaml', Profile: 'work/access/profiles/developer.yaml' }[
          kind
        ];
        const name = { Employee: 'alice', Cluster: 'api', Profile: 'developer' }[kind];
        const text = snapshotTree(s.dir)[file]!.replace(`name: ${name}\n`, `name: ${JSON.stringify(bad)}\n`);
        assert.ok(text.includes(JSON.stringify(bad)), `${kind} ${bad}: the name was replaced`);
        writeFileSync(join(s.dir, file), text);
        const before = listing(s.dir);
        const r = await run(['generate', '--out', 'out'], join(s.dir, 'work'));
        assert.is(r.code, 1, `${kind} name ${JSON.stringify(bad)}: ${r.stderr}`);
        assert.match(r.stderr, /^work\/access\/\S+:\d+:\d+ {2}error {2}|^access\/\S+:\d+:\d+ {2}error {2}/m);
        assert.equal(listing(s.dir), before, `${kind} name ${JSON.stringify(bad)}: something was written`);
        assert.not.ok(existsSync('/tmp/eks-access-escape'));
      } finally {
        s.cleanup();
      }
    }
  });
}

test('the writer refuses entry paths that would leave the output folder, before writing anything', async () => {
  const s = scratch();
  try {
    const out = join(s.dir, 'deep', 'out');
    const bad = [
      '../escape.yaml',
      '../../escape.yaml',
      'a/../../escape.yaml',
      '..',
      '.',
      '',
      '/tmp/eks-access-escape.yaml',
      `${s.dir}/escape.yaml`,
      'a//b.yaml',
      './a.yaml',
      'a/./b.yaml',
      'a/',
      '..\\escape.yaml',
      'a\u0000b',
    ];
    for (const path of bad) {
      const error = await writeOutput(out, [
        { path: 'README.md', content: 'eks-access generate\n' },
        { path, content: 'x\n' },
      ]).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.instance(error, WriteError, `path ${JSON.stringify(path)} was accepted`);
      assert.match((error as Error).message, `refusing to write ${JSON.stringify(path)}`);
      assert.equal(listing(s.dir), [], `path ${JSON.stringify(path)}: something was written`);
    }
    assert.not.ok(existsSync('/tmp/eks-access-escape.yaml'));
    const twice = await writeOutput(out, [
      { path: 'a.yaml', content: '1' },
      { path: 'a.yaml', content: '2' },
    ]).catch((e: unknown) => e);
    assert.instance(twice, WriteError);
    assert.match((twice as Error).message, 'twice');
    // And plain names are fine.
    await writeOutput(out, [
      { path: 'README.md', content: 'eks-access generate\n' },
      { path: 'a/b/c.yaml', content: 'c\n' },
      { path: '..yaml', content: 'd\n' },
    ]);
    assert.equal(snapshotTree(out), { 'README.md': 'eks-access generate\n', 'a/b/c.yaml': 'c\n', '..yaml': 'd\n' });
  } finally {
    s.cleanup();
  }
});

test('--out that is a symlink, the access folder, inside or around it, the working directory or / is refused, with --check too', async () => {
  const nested = Object.fromEntries(Object.entries(BASE_FILES).map(([p, t]) => [`sub/${p}`, t]));
  const s = scratch({ ...BASE_FILES, ...nested, 'real/README.md': 'not ours\n' });
  try {
    symlinkSync('real', join(s.dir, 'linked'));
    symlinkSync('access', join(s.dir, 'access-link'));
    const before = listing(s.dir);
    const cases: [string[], string][] = [
      [['--out', 'linked'], 'it is a symbolic link'],
      [['--out', 'access'], 'it is the input folder (--dir access)'],
      [['--out', 'access/generated'], 'it is inside the input folder (--dir access)'],
      [['--out', 'access-link'], 'it is a symbolic link'],
      [['--out', 'access-link/generated'], 'it is inside the input folder'],
      [['--dir', 'sub/access', '--out', 'sub'], 'it contains the input folder (--dir sub/access)'],
      [['--out', '.'], 'it is the working directory or contains it'],
      [['--out', s.dir], 'it is the working directory or contains it'],
      [['--out', '..'], 'it is the working directory or contains it'],
      [['--out', '/'], 'it is the root of the file system'],
      [['--out', 'access/policy-out/../../..'], 'it is the working directory or contains it'],
      [['--out', 'access/employees/alice.yaml'], 'it is not a folder'],
    ];
    for (const [args, message] of cases) {
      // --check is refused the same way: it would compare against (and so read) that whole folder.
      for (const check of [[], ['--check']]) {
        const r = await run(['generate', ...check, ...args], s.dir);
        assert.is(r.code, 2, `${[...check, ...args].join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, `refusing to write to ${args[args.length - 1]}: ${message}`, args.join(' '));
        assert.not.match(r.stderr, /^\s+at /m);
        assert.equal(listing(s.dir), before, `${args.join(' ')}: something was written`);
      }
    }
    writeFileSync(join(s.dir, 'a-file'), 'mine\n');
    const r = await run(['generate', '--out', 'a-file'], s.dir);
    assert.is(r.code, 2);
    assert.match(r.stderr, 'refusing to write to a-file: it is not a folder');
    assert.ok(lstatSync(join(s.dir, 'linked')).isSymbolicLink());
  } finally {
    s.cleanup();
  }
});

// --- a failed write leaves the previous output as it was -----------------------------------------

test('a write failing midway (a file where a folder must go) leaves the previous output exactly as it was', async () => {
  const s = scratch(BASE_FILES);
  try {
    assert.is((await run(['generate'], s.dir)).code, 0);
    const out = join(s.dir, 'generated');
    const before = snapshotTree(out);
    const files = [...(await readTree(out))].map(([path, content]) => ({ path, content: `${content}# changed\n` }));
    assert.ok(files.length > 5);
    for (const conflict of [
      // The last entries fail: everything before them was written to the staging folder.
      [
        { path: 'zz/a.yaml', content: 'a' },
        { path: 'zz/a.yaml/b.yaml', content: 'b' },
      ],
      [
        { path: 'zz/a/b.yaml', content: 'b' },
        { path: 'zz/a', content: 'a' },
      ],
    ]) {
      const error = await writeOutput(out, [...files, ...conflict]).catch((e: unknown) => e);
      assert.instance(error, WriteError);
      assert.match((error as Error).message, `cannot write ${out}: `);
      assert.match((error as Error).message, `; ${out} is as it was`);
      assert.equal(snapshotTree(out), before);
      assert.equal(readdirSync(s.dir).sort(), ['access', 'generated'], 'no staging folder or lock left');
    }
  } finally {
    s.cleanup();
  }
});

test('generate failing to write exits 1 with a clear message, the previous output as it was, nothing left over', async () => {
  // Root may write anywhere, so the failure is a name: the staging folder's name, longer than the
  // output folder's by `.` + `.eks-access-new-` + pid, goes over the file system's 255 bytes.
  const s = scratch(BASE_FILES);
  try {
    const long = 'o'.repeat(238);
    assert.is((await run(['generate', '--out', 'short'], s.dir)).code, 0);
    renameSync(join(s.dir, 'short'), join(s.dir, long));
    const before = snapshotTree(join(s.dir, long));
    writeFileSync(join(s.dir, 'access', 'employees', 'zed.yaml'), EMPLOYEE('zed'));
    const r = await run(['generate', '--out', long], s.dir);
    assert.is(r.code, 1, r.stderr);
    assert.match(r.stderr, `eks-access: cannot write ${long}: ENAMETOOLONG`);
    assert.match(r.stderr, `; ${long} is as it was\n`);
    assert.not.match(r.stderr, /^\s+at /m);
    assert.is(r.stdout, '');
    assert.equal(snapshotTree(join(s.dir, long)), before);
    assert.equal(readdirSync(s.dir).sort(), [long, 'access'].sort());
  } finally {
    s.cleanup();
  }
});

test('generate into a folder under a file exits 1 and names the problem', async () => {
  const s = scratch({ ...BASE_FILES, 'a-file': 'mine\n' });
  try {
    const r = await run(['generate', '--out', 'a-file/out'], s.dir);
    assert.is(r.code, 1, r.stderr);
    assert.match(r.stderr, /^eks-access: cannot write a-file\/out: E(EXIST|NOTDIR)/m);
    assert.equal(snapshotTree(s.dir)['a-file'], 'mine\n');
  } finally {
    s.cleanup();
  }
});

// --- concurrent runs -----------------------------------------------------------------------------

const BIN = join(ROOT, 'dist', 'src', 'bin.js');

function spawnCli(argv: string[], cwd: string): Promise<RunResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...argv], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

/** Exit 0, or 1 because the other run held the lock. */
function assertWonOrWaited(r: RunResult, out: string): void {
  if (r.code === 0) return;
  assert.is(r.code, 1, r.stderr);
  assert.match(
    r.stderr,
    new RegExp(
      `^eks-access: another generate is writing ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( \\(process \\d+\\))?; run generate again when it has finished`,
      'm',
    ),
  );
}

test("two generate processes at once on one output folder: the folder is exactly one run's output, nothing left over", async () => {
  const s = scratch(BASE_FILES);
  try {
    assert.is((await run(['generate', '--out', 'expected'], s.dir)).code, 0);
    for (const round of [1, 2]) {
      // Round 1 creates the folder, round 2 replaces a stale one.
      if (round === 2) writeFileSync(join(s.dir, 'generated', 'ACCESS.md'), 'stale\n');
      const results = await Promise.all([spawnCli(['generate'], s.dir), spawnCli(['generate'], s.dir)]);
      for (const r of results) assertWonOrWaited(r, 'generated');
      assert.ok(
        results.some((r) => r.code === 0),
        'one of them wrote',
      );
      assert.equal(snapshotTree(join(s.dir, 'generated')), snapshotTree(join(s.dir, 'expected')), `round ${round}`);
      assert.equal(readdirSync(s.dir).sort(), ['access', 'expected', 'generated'], `round ${round}: no staging folder or lock left`);
    }
  } finally {
    s.cleanup();
  }
});

test("two generate runs at once in one process: the folder is exactly one run's output, nothing left over", async () => {
  const s = scratch(BASE_FILES);
  try {
    const dir = join(s.dir, 'access');
    const out = join(s.dir, 'generated');
    // Absolute paths and no chdir: the runs share the process and its working directory.
    const capture = async (to = out): Promise<RunResult> => {
      let stdout = '';
      let stderr = '';
      const code = await main(['generate', '--dir', dir, '--out', to], {
        stdout: { write: (t: string) => (stdout += t) },
        stderr: { write: (t: string) => (stderr += t) },
      });
      return { code, stdout, stderr };
    };
    assert.is((await capture(join(s.dir, 'expected'))).code, 0);
    for (const round of [1, 2, 3]) {
      if (round > 1) writeFileSync(join(out, 'ACCESS.md'), 'stale\n');
      const results = await Promise.all([capture(), capture(), capture()]);
      assert.ok(
        results.some((r) => r.code === 0),
        'one of them wrote',
      );
      for (const r of results) assertWonOrWaited(r, out);
      assert.equal(snapshotTree(out), snapshotTree(join(s.dir, 'expected')), `round ${round}`);
      assert.equal(readdirSync(s.dir).sort(), ['access', 'expected', 'generated'], `round ${round}: no staging folder or lock left`);
    }
  } finally {
    s.cleanup();
  }
});

test('the writer API: of two writes started together one writes, the other is told the folder is busy', async () => {
  const s = scratch();
  try {
    const out = join(s.dir, 'out');
    const marker = { path: OUTPUT_MARKER, content: OUTPUT_MARKER_TEXT };
    const a = [marker, { path: 'README.md', content: 'eks-access generate\n' }, { path: 'clusters/a.yaml', content: 'a\n' }];
    const b = [marker, { path: 'README.md', content: 'eks-access generate\n' }, { path: 'clusters/b.yaml', content: 'b\n' }];
    const results = await Promise.allSettled([writeOutput(out, a), writeOutput(out, b)]);
    const written = results.filter((r) => r.status === 'fulfilled').length;
    const busy = results.filter(
      (r) => r.status === 'rejected' && r.reason instanceof WriteError && /another generate is writing/.test(r.reason.message),
    ).length;
    assert.is(written + busy, 2, JSON.stringify(results));
    assert.ok(written >= 1);
    const tree = snapshotTree(out);
    assert.ok((tree['clusters/a.yaml'] === 'a\n') !== (tree['clusters/b.yaml'] === 'b\n'), `one write, not a mix: ${JSON.stringify(tree)}`);
    assert.equal(noLeftovers(s.dir), []);
  } finally {
    s.cleanup();
  }
});

test('a lock held by a running process makes generate exit 1; a stale lock of a dead process is taken over', async () => {
  const s = scratch(BASE_FILES);
  const after: (() => void)[] = [];
  try {
    assert.is((await run(['generate'], s.dir)).code, 0);
    writeFileSync(join(s.dir, 'access', 'employees', 'zed.yaml'), EMPLOYEE('zed'));
    const before = snapshotTree(join(s.dir, 'generated'));
    const lock = join(s.dir, '.generated.eks-access-lock');

    // Held by a live process, and a lock just created whose pid is not written yet.
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    after.push(() => sleeper.kill());
    for (const content of [`${sleeper.pid}\n`, '']) {
      writeFileSync(lock, content);
      const r = await run(['generate'], s.dir);
      assert.is(r.code, 1, r.stderr);
      assert.match(r.stderr, `eks-access: another generate is writing generated`);
      assert.match(r.stderr, `remove ${lock} if no generate is running`);
      assert.equal(snapshotTree(join(s.dir, 'generated')), before);
      assert.ok(existsSync(lock), 'the lock of the other run is left alone');
    }

    // Left by a process that is gone, or by an earlier process that had this one's pid (containers).
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    for (const [pid, employee] of [
      [dead, 'zed'],
      [process.pid, 'zoe'],
    ] as const) {
      writeFileSync(join(s.dir, 'access', 'employees', `${employee}.yaml`), EMPLOYEE(employee));
      writeFileSync(lock, `${pid}\n`);
      const r = await run(['generate'], s.dir);
      assert.is(r.code, 0, r.stderr);
      assert.match(snapshotTree(join(s.dir, 'generated'))['ACCESS.md']!, employee);
      assert.not.ok(existsSync(lock), 'released');
      assert.equal(readdirSync(s.dir).sort(), ['access', 'generated']);
    }
  } finally {
    for (const f of after) f();
    s.cleanup();
  }
});

test('a reader that closes the pipe early (| head) ends the command quietly, without EPIPE or a stack trace', async () => {
  // Enough output (a few MB of SARIF) that the command is still writing when the reader goes away.
  const s = scratch();
  try {
    cpSync(join(ROOT, 'access'), join(s.dir, 'access'), { recursive: true });
    const bob = readFileSync(join(ROOT, 'access', 'employees', 'bob.yaml'), 'utf8');
    for (let i = 0; i < 400; i++) {
      const name = `bob${i}`;
      writeFileSync(
        join(s.dir, 'access', 'employees', `${name}.yaml`),
        bob.replace('name: bob', `name: ${name}`).replace('bob@example.com', `${name}@example.com`),
      );
    }
    for (const argv of [['lint', '--format', 'sarif'], ['lint']]) {
      const result = await new Promise<{ code: number | null; stderr: string; got: number }>((resolve) => {
        const child = spawn(process.execPath, [join(ROOT, 'dist', 'src', 'bin.js'), ...argv], { cwd: s.dir, stdio: ['ignore', 'pipe', 'pipe'] });
        let stderr = '';
        let got = 0;
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        // Like `head -c 1`: take the first chunk, then close our end.
        child.stdout.once('data', (d: Buffer) => {
          got = d.length;
          child.stdout.destroy();
        });
        child.on('close', (code) => resolve({ code, stderr, got }));
      });
      assert.ok(result.got > 0, argv.join(' '));
      assert.not.match(result.stderr, 'EPIPE', argv.join(' '));
      assert.not.match(result.stderr, /^\s+at /m, argv.join(' '));
      assert.ok(result.code === 0 || result.code === 1, `${argv.join(' ')}: exit ${result.code}`);
    }
  } finally {
    s.cleanup();
  }
});

test.run();
