import type { Rule } from '../../types.js';
import { onList, personPolicyGrants, holder } from './util.js';

/**
 * AmazonEKSClusterAdminPolicy at cluster scope is cluster-admin: every verb on every resource,
 * Secrets and RBAC included. Granted through the EKS API it appears in no RoleBinding, so
 * Kubernetes-side audits miss it.
 */
export const clusterAdminAccessPolicy: Rule = {
  meta: {
    id: 'cluster-admin-access-policy',
    code: 'EKS001',
    description: 'Disallow AmazonEKSClusterAdminPolicy at cluster scope for people',
    severity: 'error',
    risk: 'critical',
    category: 'access-entry',
  },
  check(input, report) {
    for (const { at, value, clusters } of personPolicyGrants(input, (p) => p.policy === 'AmazonEKSClusterAdminPolicy' && p.namespaces === undefined)) {
      report({
        message: `${holder(value)} gets AmazonEKSClusterAdminPolicy at cluster scope${onList(clusters)}: cluster-admin (every verb on every resource, Secrets and RBAC included) granted through the EKS API, where no RoleBinding shows it. Use AmazonEKSAdminPolicy or AmazonEKSEditPolicy with namespaces, or keep it for an incident with expires and a waiver`,
        at,
        ...(value.employee !== undefined && { employee: value.employee }),
        ...(clusters.length === 1 && { cluster: clusters[0]! }),
      });
    }
  },
};
