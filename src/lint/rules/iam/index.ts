import type { Rule } from '../../types.js';

export const IAM_RULES: readonly Rule[] = [];
