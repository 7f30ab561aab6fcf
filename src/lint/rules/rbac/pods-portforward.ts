import { via, where, who } from '../../analysis.js';
import { resourceAccessRule } from './util.js';

/**
 * `kubectl port-forward` is `create` (or `get` over websockets) on `pods/portforward`: a tunnel
 * from a laptop into any port of the namespace's pods, past NetworkPolicies and load balancers,
 * to admin endpoints and databases that trust the pod network.
 */
export const podsPortforward = resourceAccessRule({
  meta: {
    id: 'pods-portforward',
    code: 'RBAC010',
    description: 'Disallow port-forwarding into pods (create or get on pods/portforward)',
    severity: 'warning',
    risk: 'medium',
    category: 'rbac',
  },
  targets: [{ verbs: ['create', 'get'], group: '', resource: 'pods', subresource: 'portforward' }],
  message: (g) =>
    `${who(g)} can port-forward into pods ${where(g)} ${via(g.grants)}: a tunnel to any port of those pods that bypasses NetworkPolicies and reaches databases and admin endpoints that trust the pod network. Grant it for an incident with expires, or expose what is needed through a Service with authentication`,
});
