import type { Rule } from '../../types.js';
import { podsExec } from './pods-exec.js';

export const RBAC_RULES: readonly Rule[] = [podsExec];
