import type { Rule } from '../../types.js';

export const ACCESS_ENTRY_RULES: readonly Rule[] = [];
