import { via, where, who } from '../../analysis.js';
import { resourceAccessRule } from './util.js';

/**
 * `kubectl attach` is `create` (or `get` over websockets) on `pods/attach`: the terminal of a
 * running container, typically a shell or a REPL, with everything that process can reach.
 */
export const podsAttach = resourceAccessRule({
  meta: {
    id: 'pods-attach',
    code: 'RBAC009',
    description: 'Disallow attaching to running containers (create or get on pods/attach)',
    severity: 'error',
    risk: 'high',
    category: 'rbac',
  },
  targets: [{ verbs: ['create', 'get'], group: '', resource: 'pods', subresource: 'attach' }],
  message: (g) =>
    `${who(g)} can attach to running containers ${where(g)} ${via(g.grants)}: their stdin and terminal, often a shell, with the pod's service-account token and Secrets. Grant it for an incident with expires, or use a profile without pods/attach`,
});
