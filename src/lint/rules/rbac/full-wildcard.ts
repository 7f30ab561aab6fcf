import { isFullWildcard, reportGroup, via, where, who } from '../../analysis.js';
import type { Rule } from '../../types.js';
import { authoredGroups } from './util.js';

/**
 * `*` verbs on `*` resources in `*` API groups is cluster-admin written by hand (or namespace admin
 * with RBAC and escalate, from which cluster-admin is a RoleBinding away). The built-in grants of
 * everything (cluster-admin, system:masters, AmazonEKSClusterAdminPolicy) have their own rules;
 * this one reports roles and rules someone wrote.
 */
export const fullWildcard: Rule = {
  meta: {
    id: 'full-wildcard',
    code: 'RBAC001',
    description: 'Disallow rules that allow every verb on every resource in every API group',
    severity: 'error',
    risk: 'critical',
    category: 'rbac',
  },
  check(input, report) {
    for (const g of authoredGroups(input, isFullWildcard)) {
      const clusterWide = g.clusterWide;
      const consequence = clusterWide
        ? 'that is cluster-admin: every Secret, RBAC, nodes, webhooks and every resource added later'
        : 'that is full control of the namespace, its Secrets and RoleBindings included, from which escalate and bind lead to more';
      const fix =
        input.mode === 'access'
          ? 'Name the API groups, resources and verbs needed; if admin is really meant, use level: admin with expires'
          : 'Name the API groups, resources and verbs needed; if admin is really meant, bind cluster-admin or admin visibly';
      reportGroup(
        report,
        g,
        `${who(g)} can do anything to any resource in any API group ${where(g)} ${via(g.grants)} (apiGroups and resources "*", every verb): ${consequence}. ${fix}`,
        clusterWide ? 'critical' : 'high',
      );
    }
  },
};
