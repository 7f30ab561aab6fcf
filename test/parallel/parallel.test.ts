/**
 * The output of a large folder is rendered and written on two threads. The split only starts from
 * a thousand employees, so here it is forced (EKS_ACCESS_PARALLEL_MIN=0) on the example and on broken
 * input: the results must be exactly those of one thread.
 */
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { toYaml } from '../../src/emit/serialize.js';
import { runInWorker, stopWorker } from '../../src/parallel/pool.js';
import { ROOT, run, scratch, snapshotTree } from '../helpers/run.js';

async function withSplit<T>(min: string | undefined, body: () => Promise<T>): Promise<T> {
  const before = process.env.EKS_ACCESS_PARALLEL_MIN;
  if (min === undefined) delete process.env.EKS_ACCESS_PARALLEL_MIN;
  else process.env.EKS_ACCESS_PARALLEL_MIN = min;
  try {
    return await body();
  } finally {
    if (before === undefined) delete process.env.EKS_ACCESS_PARALLEL_MIN;
    else process.env.EKS_ACCESS_PARALLEL_MIN = before;
  }
}

test.after(async () => {
  await stopWorker();
});

test('generate on two threads writes exactly the committed generated/', async () => {
  const s = scratch();
  try {
    const out = join(s.dir, 'out');
    const r = await withSplit('0', () => run(['generate', '--dir', join(ROOT, 'access'), '--out', out]));
    assert.is(r.code, 0, r.stderr);
    assert.equal(snapshotTree(out), snapshotTree(join(ROOT, 'generated')));
  } finally {
    s.cleanup();
  }
});

test('generate stopped by a lint error while the worker renders: the same message as on one thread, nothing written', async () => {
  const s = scratch();
  try {
    cpSync(join(ROOT, 'access'), join(s.dir, 'access'), { recursive: true });
    const alice = join(s.dir, 'access', 'employees', 'alice.yaml');
    writeFileSync(alice, readFileSync(alice, 'utf8') + '  - cluster: prod-eu\n    groups: [system:masters]\n');
    const argv = ['generate', '--today', '2026-11-28'];
    const one = await withSplit('999999999', () => run(argv, s.dir));
    const two = await withSplit('0', () => run(argv, s.dir));
    assert.is(one.code, 1, one.stderr);
    assert.match(one.stderr, /access\/employees\/alice\.yaml:\d+:\d+ {2}error/);
    assert.match(one.stderr, 'nothing written to generated (lint errors');
    assert.equal(two, one);
    assert.not.ok(existsSync(join(s.dir, 'generated')), 'nothing may be written');
  } finally {
    s.cleanup();
  }
});

test('a task that fails in the worker fails the caller with its message', async () => {
  // Writing under a path that is a file cannot succeed, on either thread.
  const s = scratch({ file: 'x' });
  try {
    const error = await runInWorker('write', { root: join(s.dir, 'file'), files: [['a.yaml', 'x']] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.instance(error, Error);
    assert.match((error as Error).message, /ENOTDIR|not a directory|EEXIST/);
  } finally {
    s.cleanup();
  }
});

test('a worker that dies before answering hands its task to this thread: same result; the next task starts a new worker', async () => {
  const jobs: [object[], string][] = Array.from({ length: 20_000 }, (_, i) => [
    [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `m${i}` }, data: { a: 'yes', b: '2027-03-31' } }],
    `file ${i}`,
  ]);
  const expected = jobs.map(([objects, header]) => toYaml(objects, header));
  const interrupted = runInWorker('render', jobs);
  await stopWorker(); // while it renders
  assert.equal(await interrupted, expected);
  assert.equal(await runInWorker('render', jobs.slice(0, 3)), expected.slice(0, 3));
});

test.run();
