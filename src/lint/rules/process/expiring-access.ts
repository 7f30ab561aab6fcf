import type { Rule } from '../../types.js';
import { addDays, clustersOf, describeGrant, employeeAt, employeesByName } from './util.js';

/** How far ahead access that is about to end is announced. */
const EXPIRING_WITHIN_DAYS = 30;

/**
 * A heads-up, not a problem: access that ends within 30 days either needs renewing (with a new
 * reason) before someone is locked out mid-incident, or is ending on purpose and its file can be
 * scheduled for removal.
 */
export const expiringAccess: Rule = {
  meta: {
    id: 'expiring-access',
    code: 'META007',
    description: `Require a decision (renew or remove) on access that expires within ${EXPIRING_WITHIN_DAYS} days`,
    severity: 'info',
    risk: 'low',
    category: 'process',
  },
  check(input, report) {
    if (!input.model) return;
    const until = addDays(input.today, EXPIRING_WITHIN_DAYS);
    const soon = (d: string | undefined): d is string => d !== undefined && d >= input.today && d <= until;
    for (const e of employeesByName(input)) {
      if (e.grants.length === 0) continue;
      // Already past: expired-access reports it.
      if (e.expires !== undefined && e.expires < input.today) continue;
      if (soon(e.expires)) {
        report({
          message: `employee ${e.name} expires on ${e.expires}, within ${EXPIRING_WITHIN_DAYS} days: all their access ends then. Renew it with a new expires and reason if it is still needed, or plan the removal of the file`,
          at: employeeAt(e),
          employee: e.name,
        });
      }
      for (const g of e.grants) {
        // A grant that ends with or after the person is covered by the finding above.
        if (!soon(g.expires) || (e.expires !== undefined && e.expires <= g.expires)) continue;
        report({
          message: `employee ${e.name}'s grant ${describeGrant(g)} on ${clustersOf(g)} expires on ${g.expires}, within ${EXPIRING_WITHIN_DAYS} days. Renew it with a new expires and reason if it is still needed, or remove it then`,
          at: g.at,
          employee: e.name,
          ...(g.clusters.length === 1 && { cluster: g.clusters[0]! }),
        });
      }
    }
  },
};
