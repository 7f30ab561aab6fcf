import { reportGroup, via, where, who } from '../../analysis.js';
import type { Rule } from '../../types.js';
import { lowerRisk, onlyNamed, pairedGroups, pairWhere, partnersElsewhere, RBAC_GROUP, type Pair } from './util.js';

const WRITE = ['create', 'update', 'patch'];

/**
 * The API server refuses to let anyone write a Role with permissions they do not hold, unless they
 * have `escalate` on roles (or clusterroles): with it, and write access to the role, they can give
 * it — and so themselves — anything. escalate on clusterroles is checked cluster-wide, so only a
 * cluster-wide grant of it counts.
 */
export const ESCALATE_PAIRS: readonly Pair[] = [
  { first: { verbs: ['escalate'], group: RBAC_GROUP, resource: 'roles' }, second: [{ verbs: WRITE, group: RBAC_GROUP, resource: 'roles' }] },
  {
    first: { verbs: ['escalate'], group: RBAC_GROUP, resource: 'clusterroles', clusterScoped: true },
    second: [{ verbs: WRITE, group: RBAC_GROUP, resource: 'clusterroles', clusterScoped: true }],
  },
];

export const escalateVerb: Rule = {
  meta: {
    id: 'escalate-verb',
    code: 'RBAC013',
    description: 'Disallow the escalate verb on roles and clusterroles',
    severity: 'error',
    risk: 'critical',
    category: 'rbac',
  },
  check(input, report, context) {
    for (const r of pairedGroups(context, ESCALATE_PAIRS)) {
      const g = r.group;
      const named = onlyNamed(
        g.grants,
        ESCALATE_PAIRS.map((p) => p.first),
      );
      const which = named ? 'the named roles' : 'any role';
      if (r.scopes.length > 0) {
        reportGroup(
          report,
          g,
          `${who(g)} can escalate ${which} ${pairWhere(r)} ${via(g.grants)}${partnersElsewhere(r)}: with escalate and write access to Roles or ClusterRoles they can put any permission, cluster-admin's included, into a role they are bound to. Remove the escalate verb; grant the permissions people need directly through eks-access`,
          named ? 'high' : 'critical',
        );
      } else {
        reportGroup(
          report,
          g,
          `${who(g)} holds escalate on ${which} ${where(g)} ${via(g.grants)}: any grant that lets them create or update roles there turns it into unlimited permissions. Remove the escalate verb; grant the permissions people need directly through eks-access`,
          lowerRisk(named ? 'high' : 'critical'),
        );
      }
    }
  },
};
