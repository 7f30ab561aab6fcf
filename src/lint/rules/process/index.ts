import type { Rule } from '../../types.js';
import { waiverExpired } from './waiver-expired.js';
import { waiverUnused } from './waiver-unused.js';

export const PROCESS_RULES: readonly Rule[] = [waiverExpired, waiverUnused];
