import { bindingName, roleRefName, subjectRule } from './util.js';

/**
 * Every pod that names no service account runs as its namespace's `default` one, so a role bound
 * to `default` goes to every such workload, present and future, including ones started by anyone
 * who can create pods there.
 */
export const defaultServiceaccountBinding = subjectRule(
  {
    id: 'default-serviceaccount-binding',
    code: 'BIND008',
    description: 'Disallow bindings to the default service account of a namespace',
    severity: 'warning',
    risk: 'medium',
    category: 'binding',
  },
  (b, s) => {
    if (s.kind !== 'ServiceAccount' || s.name !== 'default') return undefined;
    const ns = s.namespace ?? b.namespace ?? '';
    return `${bindingName(b)} binds ${roleRefName(b)} to ServiceAccount ${ns}/default, which every pod in ${ns} runs as unless it names another: all of them get the role, including pods created later by anyone who can. Create a dedicated ServiceAccount for the workload that needs the role and bind that`;
  },
);
