import { isUnknownPlatformRole } from '../../../rbac/builtin.js';
import type { Rule } from '../../types.js';
import { bindingName, customBindings, groupBindings, reportBinding, roleRefName, whom } from './util.js';

/**
 * `system:` and `eks:` are the names Kubernetes and EKS give their own roles. eks-access ships every
 * role the Kubernetes API server bootstraps, so a binding to one of those is judged by what the role
 * holds; a binding to any other name under those prefixes cannot be judged at all: its content is
 * whatever the platform (or whoever can write ClusterRoles) puts there, now or later, and reviewers
 * read the reserved prefix as "nothing to see".
 */
export const unknownPlatformRole: Rule = {
  meta: {
    id: 'unknown-platform-role',
    code: 'BIND010',
    description: 'Disallow bindings to a system: or eks: role that is not one of the Kubernetes defaults',
    severity: 'error',
    risk: 'high',
    category: 'binding',
  },
  check(input, report, context) {
    const unknown = customBindings(context).filter(
      (b) =>
        !b.roleFound && (b.roleRef.kind === 'Role' || b.roleRef.kind === 'ClusterRole') && isUnknownPlatformRole(b.roleRef.kind, b.roleRef.name, b.namespace),
    );
    for (const g of groupBindings(unknown)) {
      const b = g.first;
      reportBinding(
        report,
        g,
        `${bindingName(b)} binds ${roleRefName(b)} to ${whom(b)}: a name Kubernetes and EKS keep for their own roles, but not one of the Kubernetes defaults, so what it grants cannot be reviewed here and can change without any pull request. Bind a role whose rules are in the input, or a Kubernetes default`,
      );
    }
  },
};
