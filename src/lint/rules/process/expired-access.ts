import type { Rule } from '../../types.js';
import { clustersOf, describeGrant, employeeAt, employeesByName } from './util.js';

/**
 * An expiry date is a promise that access ends. generate leaves expired grants and people out of
 * its output, so access ends when that output is applied; the files still say otherwise until
 * `eks-access expire --write` removes them. A warning, so it never blocks unrelated pull requests.
 */
export const expiredAccess: Rule = {
  meta: {
    id: 'expired-access',
    code: 'META006',
    description: 'Disallow grants and employees whose expires date has passed',
    severity: 'warning',
    risk: 'high',
    category: 'process',
  },
  check(input, report) {
    for (const e of employeesByName(input)) {
      if (e.grants.length === 0) continue;
      if (e.expires !== undefined && e.expires < input.today) {
        // The whole person expired: one finding, not one per grant.
        const clusters = [...new Set(e.grants.flatMap((g) => g.clusters))].sort().join(', ');
        report({
          message: `employee ${e.name} expired on ${e.expires} and is left out of the generated output, but the file still grants access on ${clusters} (${e.grants.length} grant(s)): run eks-access expire --write (offboarding), or set a new expires with a new reason`,
          at: employeeAt(e),
          employee: e.name,
        });
        continue;
      }
      for (const g of e.grants) {
        if (g.expires === undefined || g.expires >= input.today) continue;
        report({
          message: `employee ${e.name}'s grant ${describeGrant(g)} on ${clustersOf(g)} expired on ${g.expires} and is left out of the generated output: run eks-access expire --write to remove it, or renew it with a new expires and reason`,
          at: g.at,
          employee: e.name,
          ...(g.clusters.length === 1 && { cluster: g.clusters[0]! }),
        });
      }
    }
  },
};
