import { groupsWhere, leftToAdminRules, reportGroup, via, where, who } from '../../analysis.js';
import { apiGroupMatches, verbMatches } from '../../../rbac/match.js';
import type { CaseView, RuleView } from '../../grant-index.js';
import type { Rule } from '../../types.js';
import { grantReach, listWords, privilegedScope, reachedBy, type Target } from './util.js';

const AUTHN = 'authentication.k8s.io';
const TARGETS: readonly Target[] = [
  { verbs: ['impersonate'], group: '', resource: 'users', clusterScoped: true },
  { verbs: ['impersonate'], group: '', resource: 'groups', clusterScoped: true },
  { verbs: ['impersonate'], group: AUTHN, resource: 'uids', clusterScoped: true },
];
const IMPERSONATE_SERVICE_ACCOUNTS: Target = { verbs: ['impersonate'], group: '', resource: 'serviceaccounts' };

/** Extra fields are checked as `userextras/<key>`: a bare `userextras` matches none of them. */
function reachesUserExtras(g: RuleView): boolean {
  if (g.namespace !== undefined || !verbMatches(g.rule, 'impersonate') || !apiGroupMatches(g.rule, AUTHN)) return false;
  // `*/scale` and the like would match only an extra of that key: no one sends one, so they are left out.
  return (g.rule.resources ?? []).some((r) => r === '*' || r.startsWith('userextras/'));
}

/** What the grant lets its subject impersonate, as findings name it. */
function impersonated(g: CaseView): string[] {
  const out = reachedBy(g, TARGETS);
  // Service accounts are namespaced: the impersonation filter asks for impersonate on
  // serviceaccounts in the account's namespace, so a Role grants its own namespace's accounts.
  if (grantReach(g, IMPERSONATE_SERVICE_ACCOUNTS) !== false) out.push(g.namespace === undefined ? 'service accounts' : `service accounts of ${g.namespace}`);
  if (reachesUserExtras(g)) out.push('user extra fields');
  return out;
}

/**
 * Impersonation makes every request look like someone else's: impersonating a user or a group
 * (system:masters) is cluster-admin, and so are the service accounts of kube-system.
 */
export const impersonate: Rule = {
  meta: {
    id: 'impersonate',
    code: 'RBAC016',
    description: 'Disallow impersonating users, groups, uids, user extras and service accounts',
    severity: 'error',
    risk: 'critical',
    category: 'rbac',
  },
  check(input, report) {
    for (const g of groupsWhere(input, (x) => !leftToAdminRules(x) && impersonated(x).length > 0)) {
      const names = g.grants.flatMap((x) => x.rule.resourceNames ?? []);
      const named = g.grants.every((x) => (x.rule.resourceNames ?? []).length > 0) && !names.some((n) => n.startsWith('system:') || n.startsWith('eks:'));
      const what = g.grants.flatMap(impersonated);
      // Extra fields go with an impersonated user: without users, groups or service accounts they change nobody.
      const extrasOnly = what.every((w) => w === 'user extra fields');
      if (extrasOnly) {
        reportGroup(
          report,
          g,
          `${who(g)} can impersonate user extra fields only ${where(g)} ${via(g.grants)}: on its own that impersonates no one (extras are sent with an impersonated user), but together with impersonate on users or groups it forges scopes and session data that webhooks trust. Remove the impersonate verb unless a proxy needs it`,
          'low',
        );
        continue;
      }
      const identities = what.some((w) => w === 'users' || w === 'groups' || w === 'uids');
      // The service accounts of an ordinary namespace hold what its workloads hold (the reach of
      // the built-in edit role): high. Cluster-wide or in kube-system they include the controllers'.
      const privileged = identities || g.grants.some((x) => privilegedScope(x));
      const why = identities
        ? 'they can send any request as another user or group, system:masters included'
        : privileged
          ? "they can send requests as the cluster's own controllers and add-ons, which hold far more than this grant"
          : "they can send requests as that namespace's workloads, with whatever those service accounts hold";
      reportGroup(
        report,
        g,
        `${who(g)} can impersonate ${listWords(what)}${named ? ` (${[...new Set(names)].sort().join(', ')})` : ''} ${where(g)} ${via(g.grants)}: ${why}. Remove the impersonate verb; grant the permissions themselves through eks-access`,
        named ? (privileged ? 'high' : 'medium') : privileged ? 'critical' : 'high',
      );
    }
  },
};
