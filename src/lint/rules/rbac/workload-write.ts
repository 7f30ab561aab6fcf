import { via, where, who } from '../../analysis.js';
import type { Grant, Risk } from '../../types.js';
import { maxRisk, named, reach, resourceAccessRule, shortList, wideOrKubeSystem, WORKLOADS, type Target } from './util.js';

/** Pods and the controllers that make pods from a template, by API group. */
const KINDS: readonly (readonly [string, string])[] = [
  ...WORKLOADS,
  ['extensions', 'deployments'],
  ['extensions', 'daemonsets'],
  ['extensions', 'replicasets'],
];

/** Creating or changing workloads (create never applies to named rules: see `reach`). */
const WRITE: readonly Target[] = KINDS.map(([group, resource]) => ({ verbs: ['create', 'update', 'patch'], group, resource }));
/** Creating workloads of every name. */
const CREATE: readonly Target[] = KINDS.map(([group, resource]) => ({ verbs: ['create'], group, resource }));

function riskOf(g: Grant): Risk {
  return wideOrKubeSystem(g) && !named(g.rule) ? 'high' : 'medium';
}

/**
 * A pod spec chooses the image, the command, the service account and the volumes: whoever can
 * create or change pods, or the controllers that stamp them out, can run anything as any service
 * account of the namespace and read the Secrets it can mount. Deletion is left to broad-delete.
 */
export const workloadWrite = resourceAccessRule({
  meta: {
    id: 'workload-write',
    code: 'RBAC007',
    description: 'Disallow creating or changing pods and workload controllers (create, update or patch)',
    severity: 'warning',
    risk: 'medium',
    category: 'rbac',
  },
  targets: WRITE,
  message: (g, kinds) =>
    `${who(g)} can ${g.grants.some((x) => CREATE.some((t) => reach(x.rule, t) !== false)) ? 'create or change' : 'change'} ${shortList(kinds, 8)} ${where(g)} ${via(g.grants)}: a pod template picks the image, the command and any service account there, and mounts its Secrets, so this is everything those service accounts can do. Let a deployment pipeline make these changes, and give people read access plus */scale`,
  risk: (g) => maxRisk(g.grants.map(riskOf)),
});
