/**
 * The library API (package.json main, src/index.ts): the bundled access folder loaded, linted, planned,
 * written and queried through it alone, with nothing printed.
 */
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as api from '../src/index.js';
import { ROOT, scratch } from './helpers/run.js';

const TODAY = '2026-11-28';

test('load, lint, plan, write and can-i through src/index.ts', async () => {
  const dir = join(ROOT, 'access');
  const loaded = await api.loadAccess(dir);
  assert.not.ok(api.hasErrors(loaded.diagnostics), loaded.diagnostics.map(api.formatDiagnostic).join('\n'));
  const model = loaded.model;
  if (!model) throw new Error('the bundled access folder has no model');
  assert.ok(model.employees.has('alice'));

  const linted = await api.lintAccess(dir, { today: TODAY });
  assert.ok(linted.findings.length > 0);
  assert.not.ok(api.failing(linted.findings));
  assert.equal(
    api.lintModel(model, dir, TODAY).map((f) => f.ruleId),
    linted.findings.map((f) => f.ruleId),
  );
  assert.match(await api.formatFindings(linted.findings, 'text', api.VERSION), 'warning(s)');

  const plan = api.planOutput(api.withoutExpired(model, TODAY).model);
  assert.not.ok(api.hasErrors(plan.diagnostics));
  const paths = plan.files.map((f) => f.path);
  assert.ok(paths.includes('ACCESS.md'), paths.join(', '));
  assert.ok(paths.some((p) => p.startsWith('clusters/prod-eu/')));

  const s = scratch();
  try {
    const out = join(s.dir, 'generated');
    const written = await api.writeOutput(out, plan.files, { inputs: [dir] });
    assert.is(written.length, plan.files.length);
    assert.equal(api.compareWithFolder(out, plan.files), []);
  } finally {
    s.cleanup();
  }

  const target = api.targetForCluster(model, 'prod-eu');
  const alice = model.employees.get('alice')!;
  const who = api.userInfoFor(model, model.clusters.get('prod-eu')!, alice);
  const ask = (namespace: string) => api.prepareRequest('get', 'pods', undefined, { namespace }, target.discovery).request;
  // Alice's inline rules read pods in my-namespace only.
  assert.is(api.authorize(target.bundle, who, ask('my-namespace')).allowed, true);
  assert.is(api.authorize(target.bundle, who, ask('kube-system')).allowed, false);
  const request = ask('kube-system');
  const holders = api.whoCan(target.bundle, request);
  assert.ok(holders.some((h) => h.kind === 'Group' && h.name === 'system:masters'));
  assert.throws(
    () => api.clusterOf(model, 'nope'),
    (e: unknown) => e instanceof api.UsageError,
  );
});

test.run();
