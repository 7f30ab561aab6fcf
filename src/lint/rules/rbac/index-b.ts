import type { Rule } from '../../types.js';

/** Escalation, cluster control planes and the rest (RBAC013-RBAC033). */
export const RBAC_RULES_B: readonly Rule[] = [];
