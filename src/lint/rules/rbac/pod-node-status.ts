import { via, where, who } from '../../analysis.js';
import { listWords, resourceAccessRule } from './util.js';

/**
 * Status is what the kubelet reports: forging a pod's status (its IP, readiness) pulls traffic to
 * other addresses or out of rotation; forging a node's status (capacity, conditions, addresses)
 * steers the scheduler and the API server's connections to the kubelet.
 */
export const podNodeStatus = resourceAccessRule({
  meta: {
    id: 'pod-node-status',
    code: 'RBAC025',
    description: 'Disallow updating the status of pods and nodes',
    severity: 'info',
    risk: 'low',
    category: 'rbac',
  },
  targets: [
    { verbs: ['update', 'patch'], group: '', resource: 'pods', subresource: 'status' },
    { verbs: ['update', 'patch'], group: '', resource: 'nodes', subresource: 'status', clusterScoped: true },
  ],
  message: (g, reached) =>
    `${who(g)} can update ${listWords(reached)} ${where(g)} ${via(g.grants)}: forged status moves traffic and scheduling decisions. Leave status to the kubelet and controllers`,
});
