import type { Rule } from '../../types.js';
import { RBAC_RULES_A } from './index-a.js';
import { RBAC_RULES_B } from './index-b.js';

export const RBAC_RULES: readonly Rule[] = [...RBAC_RULES_A, ...RBAC_RULES_B];
