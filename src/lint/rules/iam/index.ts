import type { Rule } from '../../types.js';
import { actionWildcard } from './action-wildcard.js';
import { administratorAccess } from './administrator-access.js';
import { allowNotactionNotresource } from './allow-notaction-notresource.js';
import { eksWildcardForHumans } from './eks-wildcard-for-humans.js';
import { iamUsersExist } from './iam-users-exist.js';
import { policySize } from './policy-size.js';
import { serviceRolePolicyOnHuman } from './service-role-policy-on-human.js';
import { starStarAllow } from './star-star-allow.js';
import { userAttachedPolicy } from './user-attached-policy.js';

/** Sorted by rule id. */
export const IAM_RULES: readonly Rule[] = [
  actionWildcard,
  administratorAccess,
  allowNotactionNotresource,
  eksWildcardForHumans,
  iamUsersExist,
  policySize,
  serviceRolePolicyOnHuman,
  starStarAllow,
  userAttachedPolicy,
];
