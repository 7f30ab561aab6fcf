import { awsManagedPolicy, managedPolicyRule, userLabel } from './util.js';

/**
 * AdministratorAccess is `*` on `*`: every AWS action in the account, including IAM itself, so the
 * holder can grant themselves anything and erase the trail. Cloudsplaining even excludes it by
 * default, so it needs its own rule.
 */
export const administratorAccess = managedPolicyRule(
  {
    id: 'administrator-access',
    code: 'IAM001',
    description: 'Disallow attaching the AdministratorAccess managed policy to a person',
    severity: 'error',
    risk: 'critical',
    category: 'iam',
  },
  (p, u) => {
    if (awsManagedPolicy(p.arn)?.name !== 'AdministratorAccess') return undefined;
    return `${userLabel(u)} has the AWS managed policy AdministratorAccess attached: every action on every resource of the account, IAM included, with long-lived user credentials. Detach it; for cluster access a person needs only eks:DescribeCluster and an eks-access grant, and account administration belongs to a short-lived Identity Center role`;
  },
);
