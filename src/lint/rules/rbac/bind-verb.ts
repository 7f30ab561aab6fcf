import { reportGroup, via, where, who } from '../../analysis.js';
import type { Rule } from '../../types.js';
import { lowerRisk, onlyNamed, pairedGroups, pairWhere, partnersElsewhere, RBAC_GROUP, type Pair, type Target } from './util.js';

const WRITE = ['create', 'update', 'patch'];
const BIND_ROLES: Target = { verbs: ['bind'], group: RBAC_GROUP, resource: 'roles' };
// Checked in the namespace of the RoleBinding that refers to the ClusterRole, so a namespaced grant counts.
const BIND_CLUSTER_ROLES: Target = { verbs: ['bind'], group: RBAC_GROUP, resource: 'clusterroles' };
const WRITE_ROLE_BINDINGS: Target = { verbs: WRITE, group: RBAC_GROUP, resource: 'rolebindings' };
const WRITE_CLUSTER_ROLE_BINDINGS: Target = { verbs: WRITE, group: RBAC_GROUP, resource: 'clusterrolebindings', clusterScoped: true };

/**
 * The API server refuses a binding to a role whose permissions the creator does not hold, unless
 * the creator has `bind` on that role (checked on roles/clusterroles, not on bindings). bind with
 * create on rolebindings or clusterrolebindings is the full path: bind cluster-admin to yourself.
 * Absent resourceNames means every role; `resourceNames: ["*"]` is not a wildcard.
 */
export const BIND_PAIRS: readonly Pair[] = [
  { first: BIND_ROLES, second: [WRITE_ROLE_BINDINGS] },
  { first: BIND_CLUSTER_ROLES, second: [WRITE_ROLE_BINDINGS, WRITE_CLUSTER_ROLE_BINDINGS] },
];

export const bindVerb: Rule = {
  meta: {
    id: 'bind-verb',
    code: 'RBAC014',
    description: 'Disallow the bind verb on roles and clusterroles',
    severity: 'error',
    risk: 'critical',
    category: 'rbac',
  },
  check(input, report, context) {
    for (const r of pairedGroups(context, BIND_PAIRS)) {
      const g = r.group;
      const named = onlyNamed(g.grants, [BIND_ROLES, BIND_CLUSTER_ROLES]);
      const which = named ? 'the roles named in resourceNames' : 'any role (cluster-admin included)';
      if (r.scopes.length > 0) {
        reportGroup(
          report,
          g,
          `${who(g)} can bind ${which} and create or update the bindings ${pairWhere(r)} ${via(g.grants)}${partnersElsewhere(r)}: they can grant themselves or anyone else permissions they do not hold. Remove the bind verb; grant the roles people need through eks-access instead`,
          named ? 'high' : 'critical',
        );
      } else {
        reportGroup(
          report,
          g,
          `${who(g)} holds bind on ${which} ${where(g)} ${via(g.grants)}: any grant that lets them create RoleBindings or ClusterRoleBindings turns it into permissions they do not hold. Remove the bind verb; grant the roles people need through eks-access instead`,
          // Named roles and no way to create bindings: nothing can be granted with it as it stands.
          named ? 'low' : lowerRisk('critical'),
        );
      }
    }
  },
};
