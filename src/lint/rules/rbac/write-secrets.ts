import { via, where, who } from '../../analysis.js';
import type { Grant, Risk } from '../../types.js';
import { maxRisk, named, namesOf, resourceAccessRule, wideOrKubeSystem } from './util.js';

function riskOf(g: Grant): Risk {
  if (named(g.rule)) return 'medium';
  return wideOrKubeSystem(g) ? 'critical' : 'high';
}

/**
 * Creating a Secret of type kubernetes.io/service-account-token for any service account of the
 * namespace makes the token controller fill in a token for it; changing a Secret swaps the
 * credentials or certificates that workloads trust. Cluster-wide or in kube-system it reaches the
 * control components' service accounts: critical.
 */
export const writeSecrets = resourceAccessRule({
  meta: {
    id: 'write-secrets',
    code: 'RBAC006',
    description: 'Disallow creating or changing Secrets (create, update or patch on secrets)',
    severity: 'error',
    risk: 'high',
    category: 'rbac',
  },
  // `create` is never limited by resourceNames (the name is not known when it is authorized), so a
  // named rule only counts for update and patch (see `reach`).
  targets: [{ verbs: ['create', 'update', 'patch'], group: '', resource: 'secrets' }],
  message: (g, _, allNamed) =>
    allNamed
      ? `${who(g)} can change the Secrets ${namesOf(g)} ${where(g)} ${via(g.grants)}: workloads that mount them trust whatever is written there. Keep the list short and the grant time-boxed with expires, or rotate them from a pipeline`
      : `${who(g)} can create or change Secrets ${where(g)} ${via(g.grants)}: a new Secret of type kubernetes.io/service-account-token gets a token for any service account there, and changed credentials or certificates redirect the workloads that use them. Name the Secrets with resourceNames (update, patch), or manage them from a pipeline`,
  risk: (g) => maxRisk(g.grants.map(riskOf)),
});
