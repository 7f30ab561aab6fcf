import { via, where, who, type GrantGroup } from '../../analysis.js';
import { lowerRisk, privilegedScope, resourceAccessRule } from './util.js';

/** Cluster-wide or in kube-system: the accounts there run the cluster. */
function privileged(g: GrantGroup): boolean {
  return g.clusterWide || g.namespaces.some((n) => privilegedScope({ namespace: n }));
}

/**
 * `create` on serviceaccounts/token (the TokenRequest API) mints a bearer token for any service
 * account in scope, usable from anywhere and for as long as the token lives (impersonating one
 * reaches the same permissions, and is impersonate's finding). In kube-system, or cluster-wide,
 * those accounts run the cluster.
 */
export const tokenRequest = resourceAccessRule({
  meta: {
    id: 'token-request',
    code: 'RBAC019',
    description: 'Disallow minting service-account tokens: create on serviceaccounts/token',
    severity: 'error',
    risk: 'high',
    category: 'rbac',
  },
  targets: [{ verbs: ['create'], group: '', resource: 'serviceaccounts', subresource: 'token' }],
  message: (g, _, named) =>
    `${who(g)} can create tokens for ${named ? 'the named' : 'any'} service accounts ${where(g)} ${via(g.grants)}: they act with those accounts' permissions, from anywhere${privileged(g) ? ", including the accounts that run the cluster's controllers" : ''}. Use a profile without create on serviceaccounts/token (the built-in edit role has it)`,
  risk: (g, named) => {
    const risk = privileged(g) ? 'critical' : 'high';
    return named ? lowerRisk(risk) : risk;
  },
});
