import { via, where, who } from '../../analysis.js';
import { resourceAccessRule } from './util.js';

/**
 * Writing services/status sets a LoadBalancer's ingress IP, which kube-proxy then routes to the
 * Service on every node: traffic for that IP anywhere in the cluster is intercepted
 * (CVE-2020-8554, unfixed by design).
 */
export const servicesStatus = resourceAccessRule({
  meta: {
    id: 'services-status',
    code: 'RBAC024',
    description: 'Disallow updating the status of Services (CVE-2020-8554)',
    severity: 'warning',
    risk: 'medium',
    category: 'rbac',
  },
  targets: [{ verbs: ['update', 'patch'], group: '', resource: 'services', subresource: 'status' }],
  message: (g) =>
    `${who(g)} can update services/status ${where(g)} ${via(g.grants)}: a forged LoadBalancer ingress IP makes every node send traffic for that IP to their Service (CVE-2020-8554). Leave Service status to the load-balancer controller`,
  namedRisk: 'low',
});
