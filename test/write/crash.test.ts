/**
 * Crash safety of generate: killed at any moment (SIGKILL, so no cleanup runs), the output folder is
 * exactly the old or the new output, or, killed between the two renames, missing with the swap's
 * journal beside it, and the next run puts the old folder back under the lock. Locks name their
 * process by pid and start time, so a reused pid does not keep a dead run's lock alive.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { recoverSwap, writeOutput } from '../../src/write/writer.js';
import { BASE_FILES, ROOT, run, scratch, snapshotTree } from '../helpers/run.js';

const BIN = join(ROOT, 'dist/src/bin.js');
const same = (a: Record<string, string>, b: Record<string, string>) => JSON.stringify(a) === JSON.stringify(b);

test('SIGKILL at random moments: the output is always exactly old or new (or recoverable), and the next run recovers', async () => {
  const s = scratch(BASE_FILES);
  try {
    const variant = (n: number) =>
      writeFileSync(
        join(s.dir, 'access/employees/zed.yaml'),
        `apiVersion: eks-access/v1\nkind: Employee\nname: zed\nemail: zed@example.com\nidentity:\n  iamUser: zed\naccess:\n  - cluster: prod\n    level: ${n % 2 === 0 ? 'read-only' : 'admin'}\n    expires: "2099-01-01"\n`,
      );
    variant(0);
    assert.is((await run(['generate'], s.dir)).code, 0);
    const outputs = [snapshotTree(join(s.dir, 'generated'))];
    variant(1);
    assert.is((await run(['generate'], s.dir)).code, 0);
    outputs.push(snapshotTree(join(s.dir, 'generated')));
    const deadline = Date.now() + 20000;
    let kills = 0;
    for (let i = 0; i < 24 && Date.now() < deadline; i++) {
      variant(i);
      const child = spawn(process.execPath, [BIN, 'generate'], { cwd: s.dir, stdio: 'ignore' });
      const delay = Math.floor(Math.random() * 400);
      const timer = setTimeout(() => {
        kills++;
        child.kill('SIGKILL');
      }, delay);
      await new Promise((r) => child.on('close', r));
      clearTimeout(timer);
      const out = join(s.dir, 'generated');
      if (existsSync(out)) {
        const now = snapshotTree(out);
        assert.ok(
          outputs.some((o) => same(o, now)),
          `iteration ${i}: the output is neither the old nor the new one`,
        );
      } else {
        assert.ok(existsSync(join(s.dir, '.generated.eks-access-swap')), `iteration ${i}: the output vanished without a journal`);
      }
    }
    assert.ok(kills > 0);
    variant(1);
    const last = await run(['generate'], s.dir);
    assert.is(last.code, 0, last.stderr);
    assert.ok(same(snapshotTree(join(s.dir, 'generated')), outputs[1]!));
    assert.equal(
      readdirSync(s.dir).filter((n) => n.includes('eks-access-')),
      [],
    );
  } finally {
    s.cleanup();
  }
});

test('killed between the two renames: the next run (under the lock) puts the old output back', async () => {
  const s = scratch({});
  try {
    const target = join(s.dir, 'out');
    await writeOutput(target, [
      { path: '.generated-by-eks-access', content: 'This folder is written by eks-access generate and replaced as a whole on every run.\n' },
      { path: 'a.txt', content: 'old\n' },
    ]);
    // The state a kill leaves after the first rename: the old output retired, the journal naming it.
    const { renameSync } = await import('node:fs');
    renameSync(target, join(s.dir, '.out.eks-access-old-4242'));
    mkdirSync(join(s.dir, '.out.eks-access-new-4242'));
    writeFileSync(join(s.dir, '.out.eks-access-swap'), '.out.eks-access-old-4242\n');
    await recoverSwap(target);
    assert.equal(snapshotTree(target)['a.txt'], 'old\n');
    assert.not.ok(existsSync(join(s.dir, '.out.eks-access-swap')));
  } finally {
    s.cleanup();
  }
});

test('a lock naming a live pid with another start time (a reused pid) is stale and taken over', async () => {
  const s = scratch(BASE_FILES);
  try {
    // pid 1 runs, but it did not start at tick 1 of boot... unless it did: use our parent's pid with a made-up start time.
    writeFileSync(join(s.dir, '.generated.eks-access-lock'), `${process.ppid} 999999999999\n`);
    const g = await run(['generate'], s.dir);
    assert.is(g.code, 0, g.stderr);
    assert.not.ok(existsSync(join(s.dir, '.generated.eks-access-lock')));
  } finally {
    s.cleanup();
  }
});

test('leftovers of killed runs are removed by the next run, even when its output is unchanged: staging copies and lock drafts of dead processes', async () => {
  const s = scratch(BASE_FILES);
  try {
    assert.is((await run(['generate'], s.dir)).code, 0);
    // A pid that is surely not running (above the kernel's pid_max of 4194304), and one that is.
    writeFileSync(join(s.dir, '.eks-access-lock-4999999-0a0b0c0d0e0f'), '4999999 1\n');
    writeFileSync(join(s.dir, `.eks-access-lock-${process.ppid}-0a0b0c0d0e0f`), `${process.ppid} 1\n`);
    mkdirSync(join(s.dir, '.generated.eks-access-new-4999999'));
    assert.is((await run(['generate'], s.dir)).code, 0);
    assert.equal(
      readdirSync(s.dir)
        .filter((n) => n.includes('eks-access-'))
        .sort(),
      [`.eks-access-lock-${process.ppid}-0a0b0c0d0e0f`],
    );
  } finally {
    s.cleanup();
  }
});

test.run();
