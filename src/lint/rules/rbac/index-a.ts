import type { Rule } from '../../types.js';
import { podsExec } from './pods-exec.js';

/** Wildcards, secrets, workloads and pod access (RBAC001-RBAC012). */
export const RBAC_RULES_A: readonly Rule[] = [podsExec];
