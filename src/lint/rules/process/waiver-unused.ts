import type { Rule } from '../../types.js';

/** Reported by the runner, which knows which findings each waiver covers; listed here for the catalogue. */
export const waiverUnused: Rule = {
  meta: {
    id: 'waiver-unused',
    code: 'META005',
    description: 'Disallow waivers that match no finding or name an unknown rule',
    severity: 'warning',
    risk: 'low',
    category: 'process',
  },
  check() {},
};
