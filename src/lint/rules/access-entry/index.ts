import type { Rule } from '../../types.js';
import { adminPolicyClusterScope } from './admin-policy-cluster-scope.js';
import { clusterAdminAccessPolicy } from './cluster-admin-access-policy.js';
import { serviceAccessPolicyOnPerson } from './service-access-policy-on-person.js';

export const ACCESS_ENTRY_RULES: readonly Rule[] = [adminPolicyClusterScope, clusterAdminAccessPolicy, serviceAccessPolicyOnPerson];
