import type { Rule } from '../../types.js';
import { onList, personPolicyGrants, holder } from './util.js';

const NAMESPACE_POLICIES = ['AmazonEKSAdminPolicy', 'AmazonEKSEditPolicy'];

/**
 * AmazonEKSAdminPolicy and AmazonEKSEditPolicy are the `admin` and `edit` roles, written for a
 * namespace (EKS: "access scope is typically one or more Kubernetes namespaces"). At cluster scope
 * they give write access, Secrets included, in every namespace: kube-system and those created later.
 */
export const adminPolicyClusterScope: Rule = {
  meta: {
    id: 'admin-policy-cluster-scope',
    code: 'EKS002',
    description: 'Disallow AmazonEKSAdminPolicy and AmazonEKSEditPolicy at cluster scope',
    severity: 'warning',
    risk: 'medium',
    category: 'access-entry',
  },
  check(input, report) {
    for (const { at, value, clusters } of personPolicyGrants(input, (p) => NAMESPACE_POLICIES.includes(p.policy) && p.namespaces === undefined)) {
      const what = value.policy === 'AmazonEKSAdminPolicy' ? 'admin' : 'edit';
      report({
        message: `${holder(value)} gets ${value.policy} at cluster scope${onList(clusters)}: the ${what} role (writes, Secrets included) in every namespace, kube-system and namespaces created later included. Add namespaces: [...] to the grant`,
        at,
        ...(value.employee !== undefined && { employee: value.employee }),
        ...(clusters.length === 1 && { cluster: clusters[0]! }),
      });
    }
  },
};
