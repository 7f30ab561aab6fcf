import { reportGroup, via, where, who } from '../../analysis.js';
import type { Rule } from '../../types.js';
import { groupsReaching, type Target } from './util.js';

const TARGETS: readonly Target[] = [{ verbs: ['create', 'get'], group: '', resource: 'pods', subresource: 'exec' }];

/**
 * `kubectl exec` is `create` (and, over websockets, `get`) on `pods/exec`: a shell in any container
 * of the namespace, with its service-account token, mounted Secrets and network position.
 */
export const podsExec: Rule = {
  meta: {
    id: 'pods-exec',
    code: 'RBAC008',
    description: 'Disallow exec into pods (create or get on pods/exec)',
    severity: 'error',
    risk: 'high',
    category: 'rbac',
  },
  check(input, report) {
    for (const g of groupsReaching(input, TARGETS)) {
      reportGroup(report, g, `${who(g)} can exec into pods ${where(g)} ${via(g.grants)}: a shell with the pod's service-account token and Secrets. Grant it for an incident with expires, or use a profile without pods/exec`);
    }
  },
};
