import { via, where, who } from '../../analysis.js';
import { listWords, resourceAccessRule, WORKLOADS, type Target } from './util.js';

const DELETE = ['delete', 'deletecollection'];
const TARGETS: readonly Target[] = [
  // Services are network-write's (deleting one is rerouting traffic), so they are not reported twice.
  ...[['', 'secrets'] as const, ...WORKLOADS].map(([group, resource]) => ({ verbs: DELETE, group, resource })),
];

/**
 * Deleting Secrets, pods or workloads is an outage in one command (deletecollection takes a whole
 * namespace's worth), and a deleted Secret is often unrecoverable.
 */
export const broadDelete = resourceAccessRule({
  meta: {
    id: 'broad-delete',
    code: 'RBAC028',
    description: 'Disallow deleting Secrets, pods and workloads',
    severity: 'warning',
    risk: 'medium',
    category: 'rbac',
  },
  targets: TARGETS,
  message: (g, reached) =>
    `${who(g)} can delete ${listWords(reached)} ${where(g)} ${via(g.grants)}: one command takes the application down, and deleted Secrets may not come back. Let the delivery pipeline delete objects, or grant delete on named objects only`,
  namedRisk: 'low',
});
