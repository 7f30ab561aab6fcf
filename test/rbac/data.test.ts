import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { ROOT } from '../helpers/run.js';

interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
  verbs: string[];
}

interface ClusterRole {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  rules: PolicyRule[] | null;
  aggregationRule?: { clusterRoleSelectors: { matchLabels: Record<string, string> }[] };
}

interface AccessPolicy {
  arn: string;
  description: string;
  rules: PolicyRule[];
}

const load = (rel: string): unknown => parse(readFileSync(join(ROOT, rel), 'utf8'));

const roles = load('data/kubernetes/cluster-roles.yaml') as { apiVersion: string; kind: string; items: ClusterRole[] };
const policies = (load('data/eks/access-policies.yaml') as { policies: Record<string, AccessPolicy> }).policies;

const REQUIRED_ROLES = [
  'admin',
  'edit',
  'view',
  'cluster-admin',
  'system:aggregate-to-admin',
  'system:aggregate-to-edit',
  'system:aggregate-to-view',
  'system:monitoring',
  'system:discovery',
  'system:basic-user',
  'system:public-info-viewer',
];

const role = (name: string): ClusterRole => {
  const r = roles.items.find((i) => i.metadata.name === name);
  assert.ok(r, `no ClusterRole ${name}`);
  return r!;
};

test('the bootstrap cluster roles file is a List of ClusterRoles holding the default roles', () => {
  assert.is(roles.kind, 'List');
  assert.ok(Array.isArray(roles.items) && roles.items.length >= REQUIRED_ROLES.length);
  const names = roles.items.map((i) => i.metadata.name);
  for (const n of REQUIRED_ROLES) assert.ok(names.includes(n), `missing ${n}`);
  assert.is(new Set(names).size, names.length, 'duplicate role names');
  for (const item of roles.items) {
    const n = item.metadata.name;
    assert.is(item.kind, 'ClusterRole', n);
    assert.is(item.apiVersion, 'rbac.authorization.k8s.io/v1', n);
    const hasRules = Array.isArray(item.rules) && item.rules.length > 0;
    assert.ok(hasRules || item.aggregationRule !== undefined, `${n} has neither rules nor an aggregationRule`);
    for (const r of item.rules ?? []) {
      assert.ok(r.verbs.length > 0, `${n}: rule without verbs`);
      assert.ok((r.resources?.length ?? 0) > 0 || (r.nonResourceURLs?.length ?? 0) > 0, `${n}: rule without resources or URLs`);
    }
  }
});

test('admin, edit and view aggregate from the matching system:aggregate-to-* roles', () => {
  for (const n of ['admin', 'edit', 'view']) {
    const sel = role(n).aggregationRule?.clusterRoleSelectors;
    assert.ok(sel && sel.length > 0, `${n} has no aggregationRule`);
    const label = `rbac.authorization.k8s.io/aggregate-to-${n}`;
    assert.equal(sel![0]!.matchLabels, { [label]: 'true' }, n);
    assert.is(role(`system:aggregate-to-${n}`).metadata.labels?.[label], 'true', `system:aggregate-to-${n} lacks ${label}`);
  }
});

test('cluster-admin grants everything, including every non-resource URL', () => {
  const rules = role('cluster-admin').rules ?? [];
  assert.ok(
    rules.some((r) => r.apiGroups?.includes('*') && r.resources?.includes('*') && r.verbs.includes('*')),
    'no */*/* rule',
  );
  assert.ok(
    rules.some((r) => r.nonResourceURLs?.includes('*') && r.verbs.includes('*')),
    'no nonResourceURLs * rule',
  );
});

const POLICY_NAMES = [
  'AmazonEKSClusterAdminPolicy',
  'AmazonEKSAdminPolicy',
  'AmazonEKSAdminViewPolicy',
  'AmazonEKSEditPolicy',
  'AmazonEKSSecretReaderPolicy',
  'AmazonEKSViewPolicy',
];

test('the EKS access policies file holds exactly the six policies for people, each well formed', () => {
  assert.equal(Object.keys(policies).sort(), [...POLICY_NAMES].sort());
  for (const [name, p] of Object.entries(policies)) {
    assert.is(p.arn, `arn:aws:eks::aws:cluster-access-policy/${name}`, name);
    assert.match(p.arn, /^arn:aws:eks::aws:cluster-access-policy\/AmazonEKS[A-Za-z]+Policy$/);
    assert.type(p.description, 'string');
    assert.ok(p.description.length > 0 && !p.description.includes('\n'), `${name}: description must be one line`);
    assert.ok(Array.isArray(p.rules) && p.rules.length > 0, `${name}: no rules`);
    for (const r of p.rules) {
      assert.ok(Array.isArray(r.verbs) && r.verbs.length > 0, `${name}: rule without verbs`);
      if (r.nonResourceURLs) {
        assert.is(r.resources, undefined, `${name}: a rule mixes resources and nonResourceURLs`);
      } else {
        assert.ok(Array.isArray(r.apiGroups) && r.apiGroups.length > 0, `${name}: rule without apiGroups`);
        assert.ok(Array.isArray(r.resources) && r.resources.length > 0, `${name}: rule without resources`);
      }
    }
  }
});

const grants = (rules: PolicyRule[], group: string, resource: string, verb: string): boolean =>
  rules.some(
    (r) =>
      (r.apiGroups?.includes(group) || r.apiGroups?.includes('*')) &&
      (r.resources?.includes(resource) || r.resources?.includes('*')) &&
      (r.verbs.includes(verb) || r.verbs.includes('*')),
  );

test('AmazonEKSViewPolicy does not grant secrets; AmazonEKSAdminViewPolicy does', () => {
  for (const verb of ['get', 'list', 'watch']) {
    assert.not.ok(grants(policies.AmazonEKSViewPolicy!.rules, '', 'secrets', verb), `view policy grants ${verb} secrets`);
    assert.ok(grants(policies.AmazonEKSAdminViewPolicy!.rules, '', 'secrets', verb), `admin-view policy lacks ${verb} secrets`);
  }
  assert.not.ok(grants(policies.AmazonEKSAdminViewPolicy!.rules, '', 'secrets', 'create'));
});

test('AmazonEKSClusterAdminPolicy has the same rules as cluster-admin', () => {
  const norm = (rules: PolicyRule[]) => rules.map((r) => JSON.stringify(r, Object.keys(r).sort())).sort();
  assert.equal(norm(policies.AmazonEKSClusterAdminPolicy!.rules), norm(role('cluster-admin').rules ?? []));
});

test.run();

test('AmazonEKSSecretReaderPolicy grants get, list and watch on secrets and nothing else', () => {
  const rules = policies.AmazonEKSSecretReaderPolicy!.rules;
  for (const verb of ['get', 'list', 'watch']) assert.ok(grants(rules, '', 'secrets', verb), `secret reader lacks ${verb} secrets`);
  assert.not.ok(grants(rules, '', 'secrets', 'create'));
  assert.not.ok(grants(rules, '', 'configmaps', 'get'));
});
