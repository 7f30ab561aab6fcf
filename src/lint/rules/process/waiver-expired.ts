import type { Rule } from '../../types.js';

/** Reported by the runner, which knows which findings each waiver covers; listed here for the catalogue. */
export const waiverExpired: Rule = {
  meta: {
    id: 'waiver-expired',
    code: 'META002',
    description: 'Disallow waivers past their expiry date (they stop waiving)',
    severity: 'error',
    risk: 'high',
    category: 'process',
  },
  check() {},
};
