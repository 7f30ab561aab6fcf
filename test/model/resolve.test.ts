/**
 * Who gets what is worked out once (src/model/resolve.ts): the objects generate writes, the bindings
 * the linter names and the bundle can-i reads all come from it, so they name the same objects.
 */
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { emitEmployeeRbac } from '../../src/emit/rbac.js';
import { inputFromModel } from '../../src/lint/from-model.js';
import { employeeRbac } from '../../src/model/resolve.js';
import { loadAccess } from '../../src/pipeline.js';
import { bundleForCluster } from '../../src/rbac/access-bundle.js';
import { ROOT } from '../helpers/run.js';

const model = async () => {
  const { model } = await loadAccess(join(ROOT, 'access'));
  assert.ok(model, 'the example access folder loads');
  return model!;
};

/** `Kind ns/name` of every binding generate writes for the example. */
async function emitted(): Promise<Set<string>> {
  const m = await model();
  const out = new Set<string>();
  for (const c of m.clusters.values()) {
    for (const e of m.employees.values()) {
      for (const o of emitEmployeeRbac(m, c, e) as { kind: string; metadata: { name: string; namespace?: string } }[]) {
        if (o.kind.endsWith('Binding')) out.add(`${c.name} ${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`);
      }
    }
  }
  return out;
}

test("the linter's bindings are the ones generate writes, by name (carol's cluster-admin binding included)", async () => {
  const m = await model();
  const written = await emitted();
  const linted = new Set(inputFromModel(m, '2026-12-01').bindings.map((b) => `${b.cluster} ${b.kind} ${b.namespace ?? ''}/${b.name}`));
  assert.ok(linted.size > 5);
  for (const b of linted) assert.ok(written.has(b), `lint names ${b}, which generate does not write`);
  for (const b of written) assert.ok(linted.has(b), `generate writes ${b}, which lint does not see`);
  assert.ok(
    [...linted].some((b) => b.endsWith(' ClusterRoleBinding /eks-access:carol:clusterrole:cluster-admin')),
    [...linted].join('\n'),
  );
});

test("can-i's bundle holds the bindings generate writes, and nothing else", async () => {
  const m = await model();
  const written = await emitted();
  const inBundles = new Set<string>();
  for (const c of m.clusters.values()) for (const b of bundleForCluster(m, c).bindings) inBundles.add(`${c.name} ${b.kind} ${b.namespace ?? ''}/${b.name}`);
  assert.equal([...inBundles].sort(), [...written].sort());
});

test('grants to the same role in the same place share one binding, which lists every grant it carries', async () => {
  const m = await model();
  for (const c of m.clusters.values()) {
    for (const e of m.employees.values()) {
      const { bindings, byGrant } = employeeRbac(m, c, e);
      const names = bindings.map((b) => `${b.namespace ?? ''}/${b.name}`);
      assert.is(new Set(names).size, names.length, `${e.name} on ${c.name}: one binding per role and place`);
      for (const b of bindings) for (const g of b.grants) assert.ok(byGrant.get(g)?.includes(b), `${b.name} is among its grant's bindings`);
    }
  }
});

test.run();
