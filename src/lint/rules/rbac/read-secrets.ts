import { matching, reportGroup, ruleGrants, via, where, who } from '../../analysis.js';
import type { Grant, Risk, Rule } from '../../types.js';
import { allNamed, maxRisk, named, namesOf } from './util-a.js';

const READ = ['get', 'list', 'watch'] as const;

/** Named Secrets of one namespace are the narrow way (an app's own credentials): low, info. */
function riskOf(g: Grant): Risk {
  if (named(g.rule)) return g.namespace === undefined ? 'medium' : 'low';
  return g.namespace === undefined ? 'critical' : 'high';
}

/**
 * Secrets hold service-account tokens, registry and database credentials and TLS keys: reading
 * them is acting as whoever they belong to. `list` and `watch` return the values too. Without
 * resourceNames a rule covers every Secret, present and future. The risk (critical cluster-wide,
 * high in a namespace; with resourceNames medium cluster-wide, where the names match in every
 * namespace, and low in one namespace) decides the severity: a named Secret granted on purpose
 * does not fail CI (Checkov's ReadAllSecrets passes it too).
 */
export const readSecrets: Rule = {
  meta: {
    id: 'read-secrets',
    code: 'RBAC005',
    description: 'Disallow reading Secrets (get, list or watch on secrets)',
    severity: 'error',
    risk: 'critical',
    category: 'rbac',
  },
  check(input, report) {
    for (const g of matching(input, (rule) => ruleGrants(rule, { verbs: READ, group: '', resource: 'secrets' }), { judged: 'rule' })) {
      const verbs = READ.filter((verb) => g.grants.some((x) => ruleGrants(x.rule, { verbs: [verb], group: '', resource: 'secrets' })));
      const risk = maxRisk(g.grants.map(riskOf));
      const message = allNamed(g)
        ? `${who(g)} can read the Secrets ${namesOf(g)} (${verbs.join(', ')}) ${where(g)} ${via(g.grants)}. Named Secrets are the narrow way to do it; keep the list short and the grant time-boxed with expires`
        : `${who(g)} can read every Secret (${verbs.join(', ')}) ${where(g)} ${via(g.grants)}: service-account tokens, database and registry passwords, TLS keys, now and in future. Name the Secrets needed with resourceNames, or use a role without secrets (the built-in view role has none)`;
      reportGroup(report, g, message, risk);
    }
  },
};
