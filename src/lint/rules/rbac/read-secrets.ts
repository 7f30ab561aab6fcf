import { via, where, who } from '../../analysis.js';
import type { Grant, Risk } from '../../types.js';
import { maxRisk, named, namesOf, resourceAccessRule, type Target } from './util.js';

/** One target per verb, labelled with it: findings list the read verbs granted. */
const READ: readonly Target[] = ['get', 'list', 'watch'].map((verb) => ({ verbs: [verb], group: '', resource: 'secrets', label: verb }));

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
export const readSecrets = resourceAccessRule({
  meta: {
    id: 'read-secrets',
    code: 'RBAC005',
    description: 'Disallow reading Secrets (get, list or watch on secrets)',
    severity: 'error',
    risk: 'critical',
    category: 'rbac',
  },
  targets: READ,
  message: (g, verbs, allNamed) =>
    allNamed
      ? `${who(g)} can read the Secrets ${namesOf(g)} (${verbs.join(', ')}) ${where(g)} ${via(g.grants)}. Named Secrets are the narrow way to do it; keep the list short and the grant time-boxed with expires`
      : `${who(g)} can read every Secret (${verbs.join(', ')}) ${where(g)} ${via(g.grants)}: service-account tokens, database and registry passwords, TLS keys, now and in future. Name the Secrets needed with resourceNames, or use a role without secrets (the built-in view role has none)`,
  risk: (g) => maxRisk(g.grants.map(riskOf)),
});
