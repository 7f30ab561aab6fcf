import { reportGroup, via, where, who } from '../../analysis.js';
import type { Rule } from '../../types.js';
import { groupsReaching, listWords, reachedLabels, type Target } from './util.js';

const TARGETS: readonly Target[] = [
  { verbs: ['update', 'patch'], group: '', resource: 'pods', subresource: 'status' },
  { verbs: ['update', 'patch'], group: '', resource: 'nodes', subresource: 'status', clusterScoped: true },
];

/**
 * Status is what the kubelet reports: forging a pod's status (its IP, readiness) pulls traffic to
 * other addresses or out of rotation; forging a node's status (capacity, conditions, addresses)
 * steers the scheduler and the API server's connections to the kubelet.
 */
export const podNodeStatus: Rule = {
  meta: {
    id: 'pod-node-status',
    code: 'RBAC025',
    description: 'Disallow updating the status of pods and nodes',
    severity: 'info',
    risk: 'low',
    category: 'rbac',
  },
  check(input, report) {
    for (const g of groupsReaching(input, TARGETS)) {
      reportGroup(
        report,
        g,
        `${who(g)} can update ${listWords(reachedLabels(g.grants, TARGETS))} ${where(g)} ${via(g.grants)}: forged status moves traffic and scheduling decisions. Leave status to the kubelet and controllers`,
      );
    }
  },
};
