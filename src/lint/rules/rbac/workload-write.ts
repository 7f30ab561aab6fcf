import { matching, reportGroup, ruleGrants, via, where, who } from '../../analysis.js';
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
function writable(rule: PolicyRule): string[] {
  const verbs = named(rule) ? ['update', 'patch'] : ['create', 'update', 'patch'];
  return [...new Set(WORKLOADS.filter(([group, resource]) => ruleGrants(rule, { verbs, group, resource })).map(([, resource]) => resource))];
}

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
    for (const g of matching(input, (rule) => writable(rule).length > 0)) {
      const kinds = shortList(g.grants.flatMap((x) => writable(x.rule)), 8);
      const creates = g.grants.some((x) => !named(x.rule) && WORKLOADS.some(([group, resource]) => ruleGrants(x.rule, { verbs: ['create'], group, resource })));
      reportGroup(
        report,
        g,
        `${who(g)} can ${creates ? 'create or change' : 'change'} ${kinds} ${where(g)} ${via(g.grants)}: a pod template picks the image, the command and any service account there, and mounts its Secrets, so this is everything those service accounts can do. Let a deployment pipeline make these changes, and give people read access plus */scale`,
        maxRisk(g.grants.map(riskOf)),
      );
    }
  },
};
