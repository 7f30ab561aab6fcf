import { bindingName, roleRefName, subjectName, subjectRule } from './util.js';

/**
 * `system:anonymous` (the user) and `system:unauthenticated` (its group) are every request that
 * carries no credentials: anything bound to them is open to whoever can reach the API endpoint,
 * which on EKS is often the internet. The defaults (`system:public-info-viewer`) are builtin.
 */
export const subjectAnonymous = subjectRule(
  {
    id: 'subject-anonymous',
    code: 'BIND002',
    description: 'Disallow bindings to system:anonymous or system:unauthenticated',
    severity: 'error',
    risk: 'critical',
    category: 'binding',
  },
  (b, s) => {
    if (s.kind === 'ServiceAccount' || (s.name !== 'system:anonymous' && s.name !== 'system:unauthenticated')) return undefined;
    return `${bindingName(b)} binds ${roleRefName(b)} to ${subjectName(s)}: every request without credentials gets it, from anyone who can reach the API server endpoint. Bind the role to the authenticated users or groups that need it`;
  },
);
