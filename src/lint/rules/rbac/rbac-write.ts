import { via, where, who } from '../../analysis.js';
import { BIND_PAIRS } from './bind-verb.js';
import { ESCALATE_PAIRS } from './escalate-verb.js';
import { grantReach, listWords, pairedGroups, RBAC_GROUP, resourceAccessRule, type Target } from './util.js';

const WRITE = ['create', 'update', 'patch'];
const TARGETS: readonly Target[] = [
  { verbs: WRITE, group: RBAC_GROUP, resource: 'roles' },
  { verbs: WRITE, group: RBAC_GROUP, resource: 'rolebindings' },
  { verbs: WRITE, group: RBAC_GROUP, resource: 'clusterroles', clusterScoped: true },
  { verbs: WRITE, group: RBAC_GROUP, resource: 'clusterrolebindings', clusterScoped: true },
];
const ESCALATION = [...ESCALATE_PAIRS, ...BIND_PAIRS].map((p) => p.first);

/**
 * Writing RBAC objects is capped by the API server's escalation check (only permissions the writer
 * holds), but it still lets one person hand their access to anyone, and RBAC objects they create
 * outlive the grant that allowed it. Rules that carry escalate or bind, and the writes that complete
 * such a path, are left to escalate-verb and bind-verb.
 */
export const rbacWrite = resourceAccessRule({
  meta: {
    id: 'rbac-write',
    code: 'RBAC015',
    description: 'Disallow creating or changing Roles, ClusterRoles and their bindings',
    severity: 'warning',
    risk: 'medium',
    category: 'rbac',
  },
  targets: TARGETS,
  skip: (context) => {
    // The other half of an escalate or bind path is part of that finding.
    const partners = new Set(
      [...pairedGroups(context, ESCALATE_PAIRS), ...pairedGroups(context, BIND_PAIRS)].filter((r) => r.scopes.length > 0).flatMap((r) => r.partners),
    );
    return (x) => partners.has(x) || ESCALATION.some((t) => grantReach(x, t) !== false);
  },
  message: (g, reached) =>
    `${who(g)} can create or change ${listWords(reached)} ${where(g)} ${via(g.grants)}: they can pass their permissions to anyone, and what they create outlives this grant. Let eks-access generate RBAC objects from the access files instead`,
  // The API server's escalation check caps what they can write at what they hold: sharing, not escalation.
  namedRisk: 'low',
});
