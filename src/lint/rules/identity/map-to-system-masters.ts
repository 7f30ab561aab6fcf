import type { Rule } from '../../types.js';

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
  check(input, report) {
    for (const m of input.identities) {
      for (const g of m.groups) {
        if (g.name !== 'system:masters') continue;
        const whom = m.employees.length > 0 ? `employee ${m.employees.join(', ')}` : m.arn;
        report({
          message: `${whom} is mapped into system:masters${m.cluster ? ` on ${m.cluster}` : ''}: a superuser that bypasses RBAC and cannot be revoked by removing bindings. Use level: admin (a visible cluster-admin binding) with expires, or a named group`,
          at: g.at,
          cluster: m.cluster,
          ...(m.employee !== undefined && { employee: m.employee }),
        });
      }
    }
  },
};
