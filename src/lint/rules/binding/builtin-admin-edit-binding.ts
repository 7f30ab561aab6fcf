import type { Rule } from '../../types.js';
import { customBindings, groupBindings, reportBinding, scopeOf, whom } from './util.js';

/**
 * `admin` and `edit` are built to be bound in a namespace. Bound cluster-wide they apply in every
 * namespace, kube-system included: every Secret there, exec into its pods, workloads running as
 * its service accounts (and for admin, its RoleBindings). The aggregated rules are seen through.
 */
export const builtinAdminEditBinding: Rule = {
  meta: {
    id: 'builtin-admin-edit-binding',
    code: 'BIND005',
    description: 'Disallow binding the built-in admin or edit ClusterRole cluster-wide',
    severity: 'warning',
    risk: 'medium',
    category: 'binding',
  },
  check(input, report, context) {
    const wide = customBindings(context).filter(
      (b) => b.kind === 'ClusterRoleBinding' && b.roleRef.kind === 'ClusterRole' && (b.roleRef.name === 'admin' || b.roleRef.name === 'edit'),
    );
    for (const g of groupBindings(wide)) {
      const b = g.first;
      const role = b.roleRef.name;
      const fix =
        input.mode === 'access'
          ? `Grant profile ${role} with namespaces: [...] instead of scope: cluster`
          : `Bind it with a RoleBinding in each namespace that needs it`;
      reportBinding(
        report,
        g,
        `${whom(b)} has ClusterRole ${role} ${scopeOf(g)} through ClusterRoleBinding ${b.name}: a namespace role applied to every namespace, kube-system included, with their Secrets, exec into their pods and workloads running as their service accounts${role === 'admin' ? ', and their Roles and RoleBindings' : ''}. ${fix}`,
      );
    }
  },
};
