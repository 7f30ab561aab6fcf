import { placeKey } from '../../../diagnostics.js';
import { grantsWhere, isFullWildcard } from '../../analysis.js';
import type { Rule } from '../../types.js';
import { describeGrant, employeesByName } from './util.js';

/**
 * Cluster-admin is meant to be just-in-time: a permanent grant outlives the incident or migration
 * it was for and is never reviewed again. An `expires` (on the grant or the person) makes the
 * access end by itself, and `expired-access` reports it once it is past.
 */
export const requireExpiryForAdmin: Rule = {
  meta: {
    id: 'require-expiry-for-admin',
    code: 'META003',
    description: 'Require an expiry date on cluster-admin-equivalent grants',
    severity: 'error',
    risk: 'high',
    category: 'process',
  },
  check(input, report) {
    if (!input.model) return;
    // Which grant lines give everything cluster-wide, and on which clusters: judged on what the
    // grant really binds (level: admin, profile cluster-admin, system:masters, a custom profile
    // of `*`, AmazonEKSClusterAdminPolicy at cluster scope), not on its spelling.
    const adminClusters = new Map<string, Set<string>>();
    for (const g of grantsWhere(input, (x) => x.namespace === undefined && isFullWildcard(x.rule), undefined, 'rule')) {
      const key = placeKey(g.at);
      const clusters = adminClusters.get(key) ?? new Set<string>();
      clusters.add(g.cluster);
      adminClusters.set(key, clusters);
    }
    for (const e of employeesByName(input)) {
      if (e.expires !== undefined) continue;
      for (const g of e.grants) {
        if (g.expires !== undefined) continue;
        const clusters = adminClusters.get(placeKey(g.at));
        if (!clusters) continue;
        const on = [...clusters].sort().join(', ');
        report({
          message: `employee ${e.name} has cluster-admin on ${on} through ${describeGrant(g)} with no expires on the grant or the person: permanent, unreviewed full control of the cluster. Add expires: YYYY-MM-DD to the grant (days or weeks, renewed on request), or grant a narrower profile`,
          at: g.at,
          employee: e.name,
          ...(clusters.size === 1 && { cluster: on }),
        });
      }
    }
  },
};
