import { bindingName, roleRefName, subjectName, subjectRule } from './util.js';

/**
 * `system:authenticated` is everyone the cluster knows: on EKS every mapped IAM principal, every
 * node and every pod's service account; `system:serviceaccounts[:ns]` is every pod (of a
 * namespace). A role bound to them reaches far beyond the people meant, on any platform, not only
 * GKE where any Google account authenticates.
 */
export const subjectAllAuthenticated = subjectRule(
  {
    id: 'subject-all-authenticated',
    code: 'BIND003',
    description: 'Disallow bindings to system:authenticated or to all service accounts (system:serviceaccounts[:namespace])',
    severity: 'error',
    risk: 'critical',
    category: 'binding',
  },
  (b, s) => {
    if (s.kind === 'ServiceAccount') return undefined;
    const everyone = s.name === 'system:authenticated';
    const allServiceAccounts = s.name === 'system:serviceaccounts' || s.name.startsWith('system:serviceaccounts:');
    if (!everyone && !allServiceAccounts) return undefined;
    const reach = everyone
      ? 'every identity the cluster authenticates gets it: every mapped IAM principal, every node and every service account of every pod'
      : s.name === 'system:serviceaccounts'
        ? 'every pod in every namespace gets it through its service account, including any pod an attacker manages to start'
        : `every pod in namespace ${s.name.slice('system:serviceaccounts:'.length)} gets it through its service account`;
    return `${bindingName(b)} binds ${roleRefName(b)} to ${subjectName(s)}: ${reach}. Bind the role to the named users, groups or service accounts that need it`;
  },
);
