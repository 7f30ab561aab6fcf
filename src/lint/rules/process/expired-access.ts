import type { Rule } from '../../types.js';
import { clustersOf, describeGrant, employeeAt } from './util.js';

/**
 * An expiry date is a promise that access ends. eks-access still generates whatever the files
 * say, so access past its date stays live on the clusters until someone removes it: the
 * offboarded contractor, the incident that ended months ago.
 */
export const expiredAccess: Rule = {
  meta: {
    id: 'expired-access',
    code: 'META006',
    description: 'Disallow grants and employees whose expires date has passed',
    severity: 'error',
    risk: 'high',
    category: 'process',
  },
  check(input, report) {
    const model = input.model;
    if (!model) return;
    const employees = [...model.employees.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of employees) {
      if (e.grants.length === 0) continue;
      if (e.expires !== undefined && e.expires < input.today) {
        // The whole person expired: one finding, not one per grant.
        const clusters = [...new Set(e.grants.flatMap((g) => g.clusters))].sort().join(', ');
        report({
          message: `employee ${e.name} expired on ${e.expires} but the file still grants access on ${clusters} (${e.grants.length} grant(s)): remove the employee file (offboarding), or set a new expires with a new reason`,
          at: employeeAt(e),
          employee: e.name,
        });
        continue;
      }
      for (const g of e.grants) {
        if (g.expires === undefined || g.expires >= input.today) continue;
        report({
          message: `employee ${e.name}'s grant ${describeGrant(g)} on ${clustersOf(g)} expired on ${g.expires} and is still generated: remove the grant, or renew it with a new expires and reason`,
          at: g.at,
          employee: e.name,
          ...(g.clusters.length === 1 && { cluster: g.clusters[0]! }),
        });
      }
    }
  },
};
