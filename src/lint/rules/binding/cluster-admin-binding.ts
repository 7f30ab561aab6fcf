import type { Rule } from '../../types.js';
import { customBindings, grantAt, groupBindings, reportBinding, roleRefName, scopeOf, whom } from './util.js';

/**
 * `cluster-admin` is every verb on every resource: bound cluster-wide it is the whole cluster,
 * bound in a namespace it is the namespace's Secrets, RBAC and custom resources of any API group.
 *
 * In the access folder, cluster-wide admin (`level: admin`, `profile: cluster-admin` with
 * `scope: cluster`) is how eks-access expresses admin on purpose: time-boxed it is accepted
 * practice and reported as `info`, so reviewers still see every admin; without `expires` it is
 * `require-expiry-for-admin`'s error, so it is not reported here a second time. cluster-admin
 * bound in namespaces is reported as usual, since the `admin` profile is the role made for that
 * job. Manifests have no expiry: every binding is reported.
 */
export const clusterAdminBinding: Rule = {
  meta: {
    id: 'cluster-admin-binding',
    code: 'BIND004',
    description: 'Disallow binding the cluster-admin ClusterRole',
    severity: 'error',
    risk: 'critical',
    category: 'binding',
  },
  check(input, report, context) {
    // A RoleBinding to a *Role* called cluster-admin that is not there: meant as admin, granting nothing yet.
    for (const g of groupBindings(
      customBindings(context).filter((b) => b.kind === 'RoleBinding' && b.roleRef.kind === 'Role' && b.roleRef.name === 'cluster-admin' && !b.roleFound),
    )) {
      const b = g.first;
      reportBinding(
        report,
        g,
        `RoleBinding ${b.namespace ? `${b.namespace}/` : ''}${b.name} binds a Role named cluster-admin to ${whom(b)}: no such Role exists, so it grants nothing now, but it reads as admin of the namespace, and whoever creates a Role of that name decides what they get. Bind the ClusterRole you mean (kind: ClusterRole), or a Role with the permissions needed`,
        'medium',
      );
    }
    const toClusterAdmin = customBindings(context).filter((b) => b.roleRef.kind === 'ClusterRole' && b.roleRef.name === 'cluster-admin');
    for (const g of groupBindings(toClusterAdmin)) {
      const b = g.first;
      if (b.kind === 'ClusterRoleBinding') {
        if (input.mode === 'access') {
          const expires = grantAt(context, b.at, b.employee)?.expires;
          if (expires === undefined) continue;
          report({
            message: `${whom(b)} has cluster-admin ${scopeOf(g)} until ${expires} (time-boxed): every verb on every resource and URL until then. Keep it no longer than the task needs`,
            at: b.at,
            severity: 'info',
            risk: 'critical',
            ...(b.employee !== undefined && { employee: b.employee }),
            cluster: b.cluster,
            object: `ClusterRoleBinding/${b.name}`,
          });
          continue;
        }
        reportBinding(
          report,
          g,
          `${whom(b)} has ClusterRole cluster-admin ${scopeOf(g)} through ClusterRoleBinding ${b.name}: every verb on every resource and URL, which includes changing RBAC, reading every Secret and running privileged pods on any node. Bind a ClusterRole with the permissions needed, or give people time-boxed admin (eks-access level: admin with expires)`,
          'critical',
        );
      } else {
        const fix =
          input.mode === 'access'
            ? 'Use profile: admin for the namespaces (the role made for namespace administrators), or a narrower profile'
            : 'Bind the admin ClusterRole (made for namespace administrators) or a narrower role instead';
        reportBinding(
          report,
          g,
          `${whom(b)} has ${roleRefName(b)} ${scopeOf(g)} through a RoleBinding: everything in the namespace, its Secrets, Roles and RoleBindings and custom resources of every API group included. ${fix}`,
          'high',
        );
      }
    }
  },
};
