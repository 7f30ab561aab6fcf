import { isAllActions, isPlainAllow, isStarStar, serviceWildcard, statementRule, userLabel } from './util.js';

/**
 * `Action: "*"` or a service-wide `iam:*` / `s3:*` grants every action a service has today and
 * every one it adds later, including the permissions-management ones (`iam:*` is full admin).
 * `*` on `*` is star-star-allow's, `eks:*` is eks-wildcard-for-humans', and statements with
 * NotAction/NotResource are allow-notaction-notresource's: each problem is reported once.
 */
export const actionWildcard = statementRule(
  {
    id: 'action-wildcard',
    code: 'IAM003',
    description: 'Disallow wildcard actions ("*" or a whole service such as "iam:*") in policies',
    severity: 'error',
    risk: 'high',
    category: 'iam',
  },
  (s, p, u) => {
    if (!isPlainAllow(s) || isStarStar(s)) return undefined;
    const wild = s.actions.filter((a) => isAllActions(a) || (serviceWildcard(a) !== undefined && serviceWildcard(a) !== 'eks'));
    if (wild.length === 0) return undefined;
    const iam = wild.some((a) => isAllActions(a) || serviceWildcard(a) === 'iam');
    return {
      message: `${userLabel(u)}'s inline policy ${p.name} allows ${wild.map((a) => `"${a}"`).join(', ')} on ${s.resources.join(', ') || 'its resources'}: every action of ${wild.some(isAllActions) ? 'every service' : 'the service'}, now and as AWS adds them${iam ? ', including IAM itself (the person can grant themselves anything)' : ''}. List the actions the person needs`,
      risk: iam ? 'critical' : undefined,
    };
  },
);
