import { isUnknownPlatformRole } from '../../../rbac/builtin.js';
import type { Rule } from '../../types.js';
import { bindingName, customBindings, groupBindings, reportBinding, roleRefName, whom } from './util.js';

/**
 * A binding whose role does not exist grants nothing today, but it is a loaded gun: whoever later
 * creates a role of that name (a chart, a typo fixed, a namespace admin with `create roles`)
 * hands its rules to the binding's subjects without touching the binding. (A `system:` or `eks:`
 * name is unknown-platform-role's.)
 */
export const danglingRoleref: Rule = {
  meta: {
    id: 'dangling-roleref',
    code: 'BIND007',
    description: 'Disallow bindings to a Role or ClusterRole that is neither in the input nor a Kubernetes default',
    severity: 'warning',
    risk: 'medium',
    category: 'binding',
  },
  check(input, report, context) {
    // A ClusterRoleBinding can only refer to a ClusterRole: the API server refuses one whose roleRef is a Role.
    for (const g of groupBindings(customBindings(context).filter((b) => b.kind === 'ClusterRoleBinding' && b.roleRef.kind === 'Role'))) {
      const b = g.first;
      reportBinding(
        report,
        g,
        `${bindingName(b)} is invalid: a ClusterRoleBinding's roleRef must be a ClusterRole, and this one names ${roleRefName(b)}, so the API server refuses it and ${whom(b)} get nothing from it. Refer to a ClusterRole, or make it a RoleBinding in the Role's namespace`,
        'medium',
        true,
      );
    }
    for (const g of groupBindings(
      customBindings(context).filter(
        (b) =>
          !b.roleFound &&
          !(b.kind === 'ClusterRoleBinding' && b.roleRef.kind === 'Role') &&
          !((b.roleRef.kind === 'Role' || b.roleRef.kind === 'ClusterRole') && isUnknownPlatformRole(b.roleRef.kind, b.roleRef.name, b.namespace)),
      ),
    )) {
      const b = g.first;
      reportBinding(
        report,
        g,
        `${bindingName(b)} binds ${roleRefName(b)} to ${whom(b)}, but no such role is in the input or among the Kubernetes defaults: it grants nothing now, and a role created later under that name grants its rules to them. Add the role to the input, fix the roleRef, or remove the binding`,
      );
    }
  },
};
