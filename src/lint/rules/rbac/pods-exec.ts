import { via, where, who } from '../../analysis.js';
import { resourceAccessRule } from './util.js';

/**
 * `kubectl exec` is `create` (and, over websockets, `get`) on `pods/exec`: a shell in any container
 * of the namespace, with its service-account token, mounted Secrets and network position.
 */
export const podsExec = resourceAccessRule({
  meta: {
    id: 'pods-exec',
    code: 'RBAC008',
    description: 'Disallow exec into pods (create or get on pods/exec)',
    severity: 'error',
    risk: 'high',
    category: 'rbac',
  },
  targets: [{ verbs: ['create', 'get'], group: '', resource: 'pods', subresource: 'exec' }],
  message: (g) =>
    `${who(g)} can exec into pods ${where(g)} ${via(g.grants)}: a shell with the pod's service-account token and Secrets. Grant it for an incident with expires, or use a profile without pods/exec`,
});
