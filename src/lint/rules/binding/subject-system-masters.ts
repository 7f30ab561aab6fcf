import { bindingName, roleRefName, subjectRule } from './util.js';

/**
 * Members of `system:masters` bypass RBAC and every authorization webhook, so a binding to the
 * group grants nothing they lack. What it does show is a cluster that relies on the superuser
 * group (which no binding can take away), and it keeps working for whoever is mapped there later.
 */
export const subjectSystemMasters = subjectRule(
  {
    id: 'subject-system-masters',
    code: 'BIND001',
    description: 'Disallow bindings whose subject is the system:masters group',
    severity: 'error',
    risk: 'critical',
    category: 'binding',
  },
  (b, s) => {
    if (s.kind === 'ServiceAccount' || s.name !== 'system:masters') return undefined;
    return `${bindingName(b)} binds ${roleRefName(b)} to system:masters, the superuser group that bypasses RBAC: the binding adds nothing for its members and signals that people are mapped into it, which no RBAC change can revoke. Remove the subject, and give people a named group bound to the role they need`;
  },
);
