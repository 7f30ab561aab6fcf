import { matching, reportGroup, ruleGrants, ruleMemo, via, where, who } from '../../analysis.js';
import type { PolicyRule } from '../../../model/types.js';
import type { Grant, Risk, Rule } from '../../types.js';
import { maxRisk, named, shortList, wideOrKubeSystem } from './util-a.js';

/** Pods and the controllers that make pods from a template, by API group. */
const WORKLOADS: readonly [string, string][] = [
  ['', 'pods'],
  ['', 'replicationcontrollers'],
  ['apps', 'deployments'],
  ['apps', 'daemonsets'],
  ['apps', 'statefulsets'],
  ['apps', 'replicasets'],
  ['batch', 'jobs'],
  ['batch', 'cronjobs'],
  ['extensions', 'deployments'],
  ['extensions', 'daemonsets'],
  ['extensions', 'replicasets'],
];

/** The workload kinds the rule lets its subject create or change (create never applies to named rules). */
const writable = ruleMemo((rule: PolicyRule): string[] => {
  const verbs = named(rule) ? ['update', 'patch'] : ['create', 'update', 'patch'];
  return [...new Set(WORKLOADS.filter(([group, resource]) => ruleGrants(rule, { verbs, group, resource })).map(([, resource]) => resource))];
});

/** Does the rule let its subject create workloads of every name? */
const creates = ruleMemo((rule: PolicyRule): boolean => !named(rule) && WORKLOADS.some(([group, resource]) => ruleGrants(rule, { verbs: ['create'], group, resource })));

function riskOf(g: Grant): Risk {
  return wideOrKubeSystem(g) && !named(g.rule) ? 'high' : 'medium';
}

/**
 * A pod spec chooses the image, the command, the service account and the volumes: whoever can
 * create or change pods, or the controllers that stamp them out, can run anything as any service
 * account of the namespace and read the Secrets it can mount. Deletion is left to broad-delete.
 */
export const workloadWrite: Rule = {
  meta: {
    id: 'workload-write',
    code: 'RBAC007',
    description: 'Disallow creating or changing pods and workload controllers (create, update or patch)',
    severity: 'warning',
    risk: 'medium',
    category: 'rbac',
  },
  check(input, report) {
    for (const g of matching(input, (rule) => writable(rule).length > 0, { judged: 'rule' })) {
      const kinds = shortList(g.grants.flatMap((x) => writable(x.rule)), 8);
      const createsAny = g.grants.some((x) => creates(x.rule));
      reportGroup(
        report,
        g,
        `${who(g)} can ${createsAny ? 'create or change' : 'change'} ${kinds} ${where(g)} ${via(g.grants)}: a pod template picks the image, the command and any service account there, and mounts its Secrets, so this is everything those service accounts can do. Let a deployment pipeline make these changes, and give people read access plus */scale`,
        maxRisk(g.grants.map(riskOf)),
      );
    }
  },
};
