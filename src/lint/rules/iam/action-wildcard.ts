import type { Rule } from '../../types.js';
import { isAllActions, isAllow, serviceWildcard, userLabel } from './util.js';

/**
 * `Action: "*"` or a service-wide `iam:*` / `s3:*` grants every action a service has today and
 * every one it adds later, including the permissions-management ones (`iam:*` is full admin).
 * `*` on `*` is star-star-allow's, `eks:*` is eks-wildcard-for-humans', and statements with
 * NotAction/NotResource are allow-notaction-notresource's: each problem is reported once.
 */
export const actionWildcard: Rule = {
  meta: {
    id: 'action-wildcard',
    code: 'IAM003',
    description: 'Disallow wildcard actions ("*" or a whole service such as "iam:*") in policies',
    severity: 'error',
    risk: 'high',
    category: 'iam',
  },
  check(input, report) {
    for (const u of input.iamUsers) {
      for (const p of u.inlinePolicies) {
        for (const s of p.statements) {
          if (!isAllow(s) || s.notActions.length > 0 || s.notResources.length > 0) continue;
          const starStar = s.actions.some(isAllActions) && s.resources.some((r) => r.trim() === '*');
          if (starStar) continue;
          const wild = s.actions.filter((a) => isAllActions(a) || (serviceWildcard(a) !== undefined && serviceWildcard(a) !== 'eks'));
          if (wild.length === 0) continue;
          const iam = wild.some((a) => isAllActions(a) || serviceWildcard(a) === 'iam');
          report({
            message: `${userLabel(u)}'s inline policy ${p.name} allows ${wild.map((a) => `"${a}"`).join(', ')} on ${s.resources.join(', ') || 'its resources'}: every action of ${wild.some(isAllActions) ? 'every service' : 'the service'}, now and as AWS adds them${iam ? ', including IAM itself (the person can grant themselves anything)' : ''}. List the actions the person needs`,
            at: s.at,
            ...(iam && { risk: 'critical' as const }),
            ...(u.employee !== undefined && { employee: u.employee }),
          });
        }
      }
    }
  },
};
