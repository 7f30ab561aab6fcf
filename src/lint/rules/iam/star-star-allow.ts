import { isAllow, isStarStar, statementRule, userLabel } from './util.js';

/**
 * `Allow` of Action `*` on Resource `*` is AdministratorAccess written by hand, which the
 * managed-policy checks do not see (Trivy's AWS-0057 no longer fires on it).
 */
export const starStarAllow = statementRule(
  {
    id: 'star-star-allow',
    code: 'IAM002',
    description: 'Disallow policy statements that allow every action on every resource',
    severity: 'error',
    risk: 'critical',
    category: 'iam',
  },
  (s, p, u) => {
    if (!isAllow(s) || !isStarStar(s)) return undefined;
    return `${userLabel(u)}'s inline policy ${p.name} allows Action "*" on Resource "*"${s.hasCondition ? ' (with a condition, which does not narrow what is allowed)' : ''}: full administrator of the account, IAM included. List the actions and resources the person needs; for cluster access that is eks:DescribeCluster on their clusters`;
  },
);
