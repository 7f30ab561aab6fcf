import type { Rule } from '../../types.js';
import { isGeneratedDescribePolicy, policyCharacters, policyText, userLabel } from './util.js';

/** AWS quota: all inline policies of one IAM user together, white space not counted. */
const INLINE_USER_POLICY_LIMIT = 2048;
/** AWS quota for one managed policy (checked where the input carries a managed policy's text). */
const MANAGED_POLICY_LIMIT = 6144;

/**
 * Over the quota, `terraform apply` fails half-way (LimitExceeded) and the person's access is left
 * as it was, while the files say otherwise. The generated describe policy grows by one ARN per
 * cluster, so a person on many clusters can reach the limit.
 */
export const policySize: Rule = {
  meta: {
    id: 'policy-size',
    code: 'IAM020',
    description: 'Enforce the AWS size quotas of IAM policies (2,048 characters inline per user, 6,144 per managed policy)',
    severity: 'warning',
    risk: 'medium',
    category: 'iam',
  },
  check(input, report) {
    for (const u of input.iamUsers) {
      if (u.inlinePolicies.length === 0) continue;
      const sizes = u.inlinePolicies.map((p) => ({ p, size: policyCharacters(policyText(p)) }));
      const total = sizes.reduce((n, x) => n + x.size, 0);
      if (total <= INLINE_USER_POLICY_LIMIT) continue;
      const only = u.inlinePolicies.length === 1 ? u.inlinePolicies[0]! : undefined;
      const detail = only
        ? `inline policy ${only.name} is ${total} characters`
        : `inline policies (${sizes.map((x) => `${x.p.name}: ${x.size}`).join(', ')}) total ${total} characters`;
      // The generated policy names one cluster ARN per cluster: only fewer clusters or a role identity shrink it.
      const fix =
        only && isGeneratedDescribePolicy(only)
          ? 'eks-access writes one cluster ARN per cluster the person has a grant on: give the person identity: role (an Identity Center role needs no generated policy), or fewer clusters'
          : `Shorten or merge the statements, or move the permissions to a managed policy (up to ${MANAGED_POLICY_LIMIT} characters) on a group or role`;
      report({
        message: `${userLabel(u)}'s ${detail} without white space, over the ${INLINE_USER_POLICY_LIMIT}-character quota for a user's inline policies: terraform apply fails with LimitExceeded. ${fix}`,
        at: only ? only.at : u.at,
        ...(u.employee !== undefined && { employee: u.employee }),
      });
    }
  },
};
