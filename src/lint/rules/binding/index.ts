import type { Rule } from '../../types.js';

export const BINDING_RULES: readonly Rule[] = [];
