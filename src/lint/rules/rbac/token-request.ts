import { groupsWhere, leftToAdminRules, reportGroup, via, where, who } from '../../analysis.js';
import type { Grant, Rule } from '../../types.js';
import { grantReach, listWords, lowerRisk, privilegedScope, type Target } from './util.js';

const TOKEN: Target = { verbs: ['create'], group: '', resource: 'serviceaccounts', subresource: 'token' };

/** How the grant lets its subject act as a service account (impersonating one is impersonate's). */
function ways(g: Grant): string[] {
  return grantReach(g, TOKEN) !== false ? ['create tokens for'] : [];
}

/**
 * `create` on serviceaccounts/token (the TokenRequest API) mints a bearer token for any service
 * account in scope, usable from anywhere and for as long as the token lives (impersonating one
 * reaches the same permissions, and is impersonate's finding). In kube-system, or cluster-wide,
 * those accounts run the cluster.
 */
export const tokenRequest: Rule = {
  meta: {
    id: 'token-request',
    code: 'RBAC019',
    description: 'Disallow minting service-account tokens: create on serviceaccounts/token',
    severity: 'error',
    risk: 'high',
    category: 'rbac',
  },
  check(input, report) {
    for (const g of groupsWhere(input, (x) => !leftToAdminRules(x) && ways(x).length > 0)) {
      const privileged = g.clusterWide || g.namespaces.some((n) => privilegedScope({ namespace: n }));
      const named = g.grants.every((x) => (x.rule.resourceNames ?? []).length > 0);
      const risk = privileged ? 'critical' : 'high';
      reportGroup(
        report,
        g,
        `${who(g)} can ${listWords(g.grants.flatMap(ways))} ${named ? 'the named' : 'any'} service accounts ${where(g)} ${via(g.grants)}: they act with those accounts' permissions, from anywhere${privileged ? ", including the accounts that run the cluster's controllers" : ''}. Use a profile without create on serviceaccounts/token (the built-in edit role has it)`,
        named ? lowerRisk(risk) : risk,
      );
    }
  },
};
