import type { Rule } from '../../types.js';
import { describeMapping, OncePerPlace, onClusters } from './util.js';

/**
 * `system:masters` is the API server's superuser group: it bypasses RBAC and every authorization
 * webhook, and deleting bindings cannot take it away. A mapping into it is cluster-admin that no
 * RBAC audit shows.
 */
export const mapToSystemMasters: Rule = {
  meta: {
    id: 'map-to-system-masters',
    code: 'AUTH001',
    description: 'Disallow mapping an IAM identity into the system:masters group',
    severity: 'error',
    risk: 'critical',
    category: 'identity',
  },
  check(input, report, context) {
    // One finding per place that names the group, however many clusters the grant lists.
    const found = new OncePerPlace<string>();
    for (const m of input.identities) {
      for (const g of m.groups) {
        if (g.name !== 'system:masters') continue;
        found.add(g.at, m.cluster, m.employees.length > 0 ? `employee ${m.employees.join(', ')}` : describeMapping(m));
      }
    }
    const instead =
      input.mode === 'access'
        ? 'Use level: admin (a visible cluster-admin binding) with expires, or a named group'
        : 'Map it to a named group and bind that group to the ClusterRole it needs, where RBAC audits see it';
    found.reportEach(
      report,
      context,
      (whom, clusters) =>
        `${whom} is mapped into system:masters${onClusters(clusters)}: a superuser that bypasses RBAC and cannot be revoked by removing bindings. ${instead}`,
    );
  },
};
