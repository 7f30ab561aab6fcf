import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { PolicyRule } from '../../src/model/types.js';
import { grantsWhere, groupGrants, groupsWhere, isFullWildcard, permissionSets, ruleMemo, subjectKey, type PermissionSet } from '../../src/lint/analysis.js';
import { grantIndex, indexAsMade } from '../../src/lint/grant-index.js';
import type { Grant, LintInput } from '../../src/lint/types.js';

const emptyInput = (): LintInput => ({
  mode: 'manifests',
  today: '2026-11-28',
  grants: [],
  identities: [],
  awsAuth: [],
  accessPolicies: [],
  roles: [],
  bindings: [],
  iamUsers: [],
});

/** Grants as manifests make them: equal places, subjects and rules as separate objects, in no particular order. */
function sampleGrants(): Grant[] {
  const rules: PolicyRule[] = [
    { apiGroups: [''], resources: ['pods'], verbs: ['get'] },
    { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
    { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'], resourceNames: ['a'] },
    { apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] },
  ];
  const out: Grant[] = [];
  const files = ['b.yaml', 'a.yaml'];
  for (let i = 0; i < 60; i++) {
    const rule = rules[i % rules.length]!;
    out.push({
      cluster: i % 3 === 0 ? 'prod' : 'dev',
      subject: i % 4 === 0 ? { kind: 'Group', name: `team-${i % 5}` } : { kind: 'User', name: `user-${i % 7}` },
      ...(i % 5 !== 0 && { namespace: `ns-${i % 3}` }),
      // A copy of the rule now and then: the same content in another object.
      rule: i % 2 === 0 ? rule : { ...rule },
      role: { kind: i % 6 === 0 ? 'Role' : 'ClusterRole', name: `role-${i % 2}`, builtin: false },
      ...(i % 3 !== 0 && { binding: { kind: 'RoleBinding', name: `b-${i % 4}`, namespace: `ns-${i % 3}` } }),
      at: { file: files[i % 2]!, line: 1 + (i % 9), column: 1 },
    });
  }
  return out;
}

function referenceSets(grants: readonly Grant[]): PermissionSet[] {
  const bySubject = new Map<string, Grant[]>();
  for (const g of grants) {
    const key = `${g.cluster}|${subjectKey(g.subject)}`;
    bySubject.set(key, [...(bySubject.get(key) ?? []), g]);
  }
  const sets: PermissionSet[] = [];
  for (const list of bySubject.values()) {
    const first = list[0]!;
    const base = { cluster: first.cluster, subject: first.subject, ...(first.employee !== undefined && { employee: first.employee }) };
    const wide = list.filter((g) => g.namespace === undefined);
    if (wide.length > 0) sets.push({ ...base, grants: wide });
    const namespaces = [...new Set(list.map((g) => g.namespace).filter((n): n is string => n !== undefined))].sort();
    for (const ns of namespaces) sets.push({ ...base, namespace: ns, grants: [...wide, ...list.filter((g) => g.namespace === ns)] });
  }
  return sets;
}

test('groupsWhere gives what groupGrants gives for the same grants', () => {
  const input = { ...emptyInput(), grants: sampleGrants() };
  const tests: [string, (g: Grant) => boolean, 'rule' | 'case'][] = [
    ['everything', () => true, 'case'],
    ['full wildcards', (g) => isFullWildcard(g.rule), 'rule'],
    ['cluster-wide reads', (g) => g.namespace === undefined && g.rule.verbs.includes('get'), 'rule'],
    ['a namespace and a role kind', (g) => g.namespace === 'ns-1' && g.role.kind === 'ClusterRole', 'case'],
  ];
  for (const [name, t, judged] of tests) {
    // Each test reads only what its way of judging allows; cast for the table's one signature.
    const asked = t as (g: unknown) => boolean;
    assert.equal(groupsWhere(input, asked, undefined, judged), groupGrants(input.grants.filter(t)), name);
    assert.equal(grantsWhere(input, asked, undefined, judged), input.grants.filter(t), name);
  }
  const keep = (g: Grant) => g.subject.kind === 'User';
  assert.equal(
    groupsWhere(input, () => true, keep),
    groupGrants(input.grants.filter(keep)),
  );
});

test('permission sets hold the same grants in the same order as a plain grouping', () => {
  const input = { ...emptyInput(), grants: sampleGrants() };
  assert.equal(permissionSets(input), referenceSets(input.grants));
});

test('an index made while grants are pushed is the index made afterwards, and is redone when the grants change', () => {
  const grants = sampleGrants();
  const made = { ...emptyInput() };
  const add = indexAsMade(made);
  for (const g of grants) {
    made.grants.push(g);
    add(g);
  }
  const after = { ...emptyInput(), grants };
  const a = grantIndex(made);
  const b = grantIndex(after);
  assert.equal([...a.groupOf], [...b.groupOf]);
  assert.equal([...a.holderOf], [...b.holderOf]);
  assert.equal(
    a.byCase.map((l) => [...l]),
    b.byCase.map((l) => [...l]),
  );
  made.grants.pop();
  assert.is(grantIndex(made).groupOf.length, grants.length - 1);
  assert.equal(
    groupsWhere(made, () => true),
    groupGrants(made.grants),
  );
});

test('ruleMemo answers once per rule content', () => {
  let calls = 0;
  const verbs = ruleMemo((rule: PolicyRule) => {
    calls++;
    return rule.verbs.join(',');
  });
  assert.is(verbs({ apiGroups: ['x'], verbs: ['get', 'list'] }), 'get,list');
  assert.is(verbs({ apiGroups: ['x'], verbs: ['get', 'list'] }), 'get,list');
  assert.is(verbs({ apiGroups: ['x'], verbs: ['list'] }), 'list');
  assert.is(calls, 2);
});

test.run();
