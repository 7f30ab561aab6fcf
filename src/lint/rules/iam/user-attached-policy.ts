import type { Rule } from '../../types.js';
import { isGeneratedDescribePolicy, managedPolicyName, userLabel } from './util.js';

/**
 * Policies on individual users drift apart and are reviewed one person at a time (CIS AWS 1.15).
 * The describe-only inline policy eks-access generates for its own IAM users is skipped: it is the
 * least a person needs for `aws eks update-kubeconfig` (eks:DescribeCluster on exactly their
 * clusters), it is regenerated from the access files, and Kubernetes rights come from RBAC.
 */
export const userAttachedPolicy: Rule = {
  meta: {
    id: 'user-attached-policy',
    code: 'IAM011',
    description: 'Disallow policies attached to or inlined on IAM users (use groups or roles)',
    severity: 'info',
    risk: 'low',
    category: 'iam',
  },
  check(input, report) {
    for (const u of input.iamUsers) {
      const employee = u.employee !== undefined ? { employee: u.employee } : {};
      for (const p of u.managedPolicies) {
        report({
          message: `${userLabel(u)} has the managed policy ${managedPolicyName(p.arn)} attached directly: per-user attachments drift apart and are reviewed person by person. Attach it to a group or, better, to an Identity Center permission set the person assumes`,
          at: p.at,
          ...employee,
        });
      }
      for (const p of u.inlinePolicies) {
        if (isGeneratedDescribePolicy(p)) continue;
        report({
          message: `${userLabel(u)} has the inline policy ${p.name}: per-user policies drift apart and are reviewed person by person. Move the permissions to a group or an Identity Center permission set`,
          at: p.at,
          ...employee,
        });
      }
    }
  },
};
