import type { Rule } from '../../types.js';
import { bindingName, customBindings, reportSubject, roleRefName, subjectName } from './util.js';

/**
 * `system:anonymous` (the user) and `system:unauthenticated` (its group) are every request that
 * carries no credentials: anything bound to them is open to whoever can reach the API endpoint,
 * which on EKS is often the internet. The defaults (`system:public-info-viewer`) are builtin.
 */
export const subjectAnonymous: Rule = {
  meta: {
    id: 'subject-anonymous',
    code: 'BIND002',
    description: 'Disallow bindings to system:anonymous or system:unauthenticated',
    severity: 'error',
    risk: 'critical',
    category: 'binding',
  },
  check(input, report) {
    for (const b of customBindings(input)) {
      for (const s of b.subjects) {
        if (s.kind === 'ServiceAccount' || (s.name !== 'system:anonymous' && s.name !== 'system:unauthenticated')) continue;
        reportSubject(
          report,
          b,
          s,
          `${bindingName(b)} binds ${roleRefName(b)} to ${subjectName(s)}: every request without credentials gets it, from anyone who can reach the API server endpoint. Bind the role to the authenticated users or groups that need it`,
        );
      }
    }
  },
};
