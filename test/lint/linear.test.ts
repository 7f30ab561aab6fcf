/**
 * Validation, lint and generation stay linear in namespaces, grants and files. Nothing here is timed:
 * a cluster of 64,000 namespaces with grants spread over all of them is validated, linted and
 * planned while the elements that array methods and loops visit in long lists are counted, and they
 * must stay within a small multiple of the input: every lint rule passes over the grants a few
 * times, but a scan of the cluster's namespaces per grant namespace (what made 64,000 namespaces
 * take most of a minute) visits billions, and a pass over a person's bindings per namespace of the
 * report tens of millions. The schema check that ajv can only do pairwise is ruled out by the
 * schemas themselves.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeWideAccess, WIDE_CLUSTER, wideNamespace } from '../../bench/wide.js';
import { planOutput } from '../../src/emit/plan.js';
import { lintModel } from '../../src/lint/index.js';
import { namespaceSet } from '../../src/model/namespaces.js';
import { loadAccess } from '../../src/pipeline.js';
import { lastRepeat, SCHEMA_DIR } from '../../src/schema/schemas.js';
import { editDistance, resetSuggestBudget, suggest } from '../../src/text.js';
import { run, scratch } from '../helpers/run.js';

/** Array methods that visit a list's elements; a loop of one of them inside another over the input is what turns quadratic. */
const VISITS = [
  'includes',
  'indexOf',
  'lastIndexOf',
  'find',
  'findIndex',
  'findLast',
  'findLastIndex',
  'some',
  'every',
  'filter',
  'map',
  'forEach',
  'reduce',
  'flatMap',
  'join',
  'slice',
  'concat',
] as const;

/** Lists this long or shorter are visited at a constant cost and not counted. */
const SHORT = 64;

class OverBudget extends Error {}

/**
 * Runs `fn` while counting the elements that array methods and `for...of` loops visit in lists
 * longer than SHORT; throws as soon as more than `budget` are visited, so quadratic code fails at once
 * instead of running for minutes.
 */
async function withVisitBudget<T>(budget: number, fn: () => Promise<T> | T): Promise<{ value: T; visited: number }> {
  const proto = Array.prototype as unknown as Record<string | symbol, (...args: unknown[]) => unknown>;
  const names: (string | symbol)[] = [...VISITS, Symbol.iterator];
  const originals = names.map((name) => [name, proto[name]!] as const);
  let visited = 0;
  for (const [name, original] of originals) {
    proto[name] = function (this: unknown[], ...args: unknown[]) {
      if (this.length > SHORT) {
        visited += this.length;
        if (visited > budget) throw new OverBudget(`more than ${budget} list elements visited (in ${String(name)} over ${this.length})`);
      }
      return original.apply(this, args);
    };
  }
  try {
    const value = await fn();
    return { value, visited };
  } finally {
    for (const [name, original] of originals) proto[name] = original;
  }
}

/** validate, lint and plan the output of a wide folder, counting the list elements visited. */
async function visitedFor(employees: number, namespaces: number): Promise<{ size: number; visited: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'eks-access-linear-'));
  try {
    const { files, namespaceGrants } = writeWideAccess(dir, { namespaces, employees, grants: 3, namespacesPerGrant: 100 });
    // One person whose two grant lines each make 4,000 RoleBindings that lint findings group
    // (a binding to edit, reading secrets and exec): one group, however many namespaces.
    const risky = Array.from({ length: 4000 }, (_, i) => `      - ${wideNamespace(i * 7)}`).join('\n');
    writeFileSync(
      join(dir, 'employees', 'risky.yaml'),
      `apiVersion: eks-access/v1\nkind: Employee\nname: risky\nemail: risky@example.com\nidentity:\n  iamUser: risky\naccess:\n  - cluster: ${WIDE_CLUSTER}\n    profile: edit\n    namespaces:\n${risky}\n  - cluster: ${WIDE_CLUSTER}\n    rules:\n      - apiGroups: [""]\n        resources: [secrets, pods/exec]\n        verbs: [get, create]\n    namespaces:\n${risky}\n`,
    );
    const size = namespaces + namespaceGrants + 8000 + files + 1;
    // About twice what linear code visits (some 30 per input item: each lint rule passes over the
    // grants); quadratic code goes over it at once and stops there.
    const { value, visited } = await withVisitBudget(60 * size, async () => {
      const loaded = await loadAccess(dir);
      assert.equal(
        loaded.diagnostics.filter((d) => d.severity === 'error'),
        [],
        'the wide folder is valid',
      );
      const model = loaded.model!;
      const findings = lintModel(model, dir, '2026-12-01');
      const plan = planOutput(model);
      return { model, findings, plan };
    });
    assert.is(value.model.clusters.get(WIDE_CLUSTER)!.namespaces.length, namespaces);
    // Only the risky person's grants are errors (high risk on a production cluster).
    assert.is(value.findings.filter((f) => f.severity === 'error' && f.employee !== 'risky').length, 0);
    assert.ok(
      value.findings.some((f) => f.employee === 'risky' && /exec into pods/.test(f.message)),
      'the grouped finding on the wide grant',
    );
    assert.ok(
      value.plan.files.some((f) => f.path.endsWith('employees/user-000000.yaml')),
      'the first employee has an RBAC file',
    );
    return { size, visited };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('64,000 namespaces and 26,000 grant namespaces: validate, lint and generate visit a bounded number of list elements', async () => {
  const { size, visited } = await visitedFor(60, 64_000);
  assert.ok(visited <= 60 * size, `visited ${visited} list elements for ${size} input items`);
});

test('cluster-admin bound by one grant line in 8,000 namespaces: one finding, found in a bounded number of visits', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eks-access-linear-'));
  try {
    writeWideAccess(dir, { namespaces: 64_000, employees: 1, grants: 1, namespacesPerGrant: 1 });
    const list = Array.from({ length: 8000 }, (_, i) => `      - ${wideNamespace(i * 8)}`).join('\n');
    writeFileSync(
      join(dir, 'employees', 'root.yaml'),
      `apiVersion: eks-access/v1\nkind: Employee\nname: root\nemail: root@example.com\nexpires: 2027-06-30\nidentity:\n  iamUser: root\naccess:\n  - cluster: ${WIDE_CLUSTER}\n    profile: cluster-admin\n    namespaces:\n${list}\n`,
    );
    const size = 64_000 + 8000 + 6;
    const { value, visited } = await withVisitBudget(60 * size, async () => {
      const loaded = await loadAccess(dir);
      return lintModel(loaded.model!, dir, '2026-12-01');
    });
    const found = value.filter((f) => f.ruleId === 'cluster-admin-binding' && f.employee === 'root');
    assert.is(found.length, 1, 'one finding for the grant line');
    assert.match(found[0]!.message, `in ${wideNamespace(0)}, ${wideNamespace(8)}, `);
    assert.ok(visited <= 60 * size, `visited ${visited} list elements for ${size} input items`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a grant to a namespace the 64,000-namespace cluster does not list is still an error at that item', async () => {
  const { dir, cleanup } = scratch();
  writeWideAccess(join(dir, 'access'), { namespaces: 64_000, employees: 2, grants: 1, namespacesPerGrant: 3 });
  const file = join(dir, 'access', 'employees', 'user-000001.yaml');
  const text = readFileSync(file, 'utf8').split('\n');
  const at = text.findIndex((l) => l.startsWith('      - ns-'));
  text[at] = '      - nowhere';
  writeFileSync(file, text.join('\n'));
  const r = await run(['validate', '--dir', 'access'], dir);
  cleanup();
  assert.is(r.code, 1);
  assert.match(r.stdout + r.stderr, `access/employees/user-000001.yaml:${at + 1}:9  error  namespace "nowhere" is not listed by cluster "${WIDE_CLUSTER}"`);
});

test('a namespace listed twice among 64,000 is named at its second place, as before', async () => {
  const { dir, cleanup } = scratch();
  writeWideAccess(join(dir, 'access'), { namespaces: 64_000, employees: 1, grants: 1, namespacesPerGrant: 1 });
  const file = join(dir, 'access', 'clusters', `${WIDE_CLUSTER}.yaml`);
  const text = readFileSync(file, 'utf8').split('\n');
  const last = text.findIndex((l) => l === `  - ${wideNamespace(63_999)}`);
  text[last] = `  - ${wideNamespace(5)}`;
  writeFileSync(file, text.join('\n'));
  const r = await run(['validate', '--dir', 'access'], dir);
  cleanup();
  assert.is(r.code, 1);
  assert.match(r.stdout + r.stderr, `access/clusters/${WIDE_CLUSTER}.yaml:${last + 1}:5  error  namespaces lists "${wideNamespace(5)}" more than once`);
});

test('lastRepeat: the last item equal to an earlier one, as the pairwise check reported it', () => {
  assert.is(lastRepeat(['a', 'b', 'a']), 2);
  // Two repeated values: the pairwise scan (from the end) met the last a first.
  assert.is(lastRepeat(['a', 'b', 'b', 'a']), 3);
  assert.is(lastRepeat(['a', 'a', 'a']), 2);
  assert.is(lastRepeat(['a', 'b', 'c']), undefined);
  assert.is(lastRepeat([1, 1, 'x']), undefined, 'only strings: other items are type errors');
});

test('namespaceSet: one set per namespace list, answering as the list does', () => {
  const cluster = { namespaces: ['a', 'b', 'c'] };
  const set = namespaceSet(cluster);
  assert.is(namespaceSet(cluster), set, 'built once');
  assert.ok(set.has('b'));
  assert.not.ok(set.has('d'));
  assert.not.ok(namespaceSet({ namespaces: ['x'] }).has('a'), 'another list, another set');
});

test('every uniqueItems list in the schemas has string items, so ajv checks it with a hash, not pairwise', () => {
  const offenders: string[] = [];
  const walk = (node: unknown, where: string): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${where}/${i}`));
    const o = node as Record<string, unknown>;
    if (o.uniqueItems === true) {
      // ajv hashes the items only when the items schema itself names a scalar type (a $ref is not followed).
      const type = (o.items as { type?: unknown } | undefined)?.type;
      const types = Array.isArray(type) ? type : type === undefined ? [] : [type];
      if (types.length === 0 || types.some((t) => t === 'object' || t === 'array')) offenders.push(where);
    }
    for (const [k, v] of Object.entries(o)) walk(v, `${where}/${k}`);
  };
  const files = readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.json'));
  assert.ok(files.length > 0);
  for (const f of files) walk(JSON.parse(readFileSync(join(SCHEMA_DIR, f), 'utf8')), f);
  assert.equal(offenders, []);
});

test('"did you mean" against 64,000 namespaces: hints until a fixed budget of comparisons is spent, then none, so many unknown names stay linear', () => {
  const names = Array.from({ length: 64_000 }, (_, i) => `team-${i}-apps`);
  resetSuggestBudget();
  assert.is(suggest('team-17-aps', names), 'team-17-apps');
  let hinted = 1;
  for (let i = 0; i < 200; i++) if (suggest(`team-${i}-aps`, names) !== undefined) hinted++;
  // 2,000,000 candidates' worth of comparisons: 31 hints of a 64,000-name list, then none.
  assert.is(hinted, 31);
  resetSuggestBudget();
  assert.is(suggest('team-5-aps', names), 'team-5-apps', 'a new run has the whole budget');
});

test('suggest gives the closest name within the typo threshold, as a full edit-distance search does', () => {
  const words = ['payments', 'payment', 'paymnets', 'web', 'data', 'staging', 'prod-eu', 'prod-us', 'kube-system', 'x'];
  const brute = (input: string): string | undefined => {
    let best: string | undefined;
    let bestD = Infinity;
    for (const w of words) {
      const d = editDistance(input.toLowerCase(), w.toLowerCase());
      if (d <= Math.max(1, Math.floor(Math.max(input.length, w.length) / 3)) && d < bestD) {
        best = w;
        bestD = d;
      }
    }
    return best;
  };
  for (const input of ['paymetns', 'Payments', 'wbe', 'dta', 'prod-ue', 'kube-sytem', 'zzzzzz', 'y', 'stagin', 'p'])
    assert.is(suggest(input, words), brute(input), input);
});

test.run();
