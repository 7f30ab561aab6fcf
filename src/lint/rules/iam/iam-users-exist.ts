import type { Rule } from '../../types.js';
import { userLabel } from './util.js';

/**
 * An IAM user is a long-lived identity: its password and access keys work until someone rotates or
 * deletes them, outside any SSO offboarding. A role assumed through IAM Identity Center gives
 * short-lived credentials and ends with the person's directory account.
 */
export const iamUsersExist: Rule = {
  meta: {
    id: 'iam-users-exist',
    code: 'IAM012',
    description: 'Disallow IAM users for people where an Identity Center (SSO) role would do',
    severity: 'info',
    risk: 'low',
    category: 'iam',
  },
  check(input, report) {
    for (const u of input.iamUsers) {
      report({
        message: `${userLabel(u)} is a long-lived identity: its password and access keys work until someone rotates or deletes them, outside SSO offboarding. Prefer identity: role with an IAM Identity Center permission set (short-lived credentials, one place to remove a person)`,
        at: u.at,
        ...(u.employee !== undefined && { employee: u.employee }),
      });
    }
  },
};
