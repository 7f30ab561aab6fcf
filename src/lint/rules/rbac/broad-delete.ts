import { reportGroup, via, where, who } from '../../analysis.js';
import type { Rule } from '../../types.js';
import { groupsReaching, listWords, onlyNamed, reachedLabels, type Target } from './util.js';

const DELETE = ['delete', 'deletecollection'];
const TARGETS: readonly Target[] = [
  // Services are network-write's (deleting one is rerouting traffic), so they are not reported twice.
  ...['secrets', 'pods', 'replicationcontrollers'].map((resource) => ({ verbs: DELETE, group: '', resource })),
  ...['deployments', 'daemonsets', 'statefulsets', 'replicasets'].map((resource) => ({ verbs: DELETE, group: 'apps', resource })),
  ...['jobs', 'cronjobs'].map((resource) => ({ verbs: DELETE, group: 'batch', resource })),
];

/**
 * Deleting Secrets, pods or workloads is an outage in one command (deletecollection takes a whole
 * namespace's worth), and a deleted Secret is often unrecoverable.
 */
export const broadDelete: Rule = {
  meta: {
    id: 'broad-delete',
    code: 'RBAC028',
    description: 'Disallow deleting Secrets, pods and workloads',
    severity: 'warning',
    risk: 'medium',
    category: 'rbac',
  },
  check(input, report) {
    for (const g of groupsReaching(input, TARGETS)) {
      reportGroup(
        report,
        g,
        `${who(g)} can delete ${listWords(reachedLabels(g.grants, TARGETS))} ${where(g)} ${via(g.grants)}: one command takes the application down, and deleted Secrets may not come back. Let the delivery pipeline delete objects, or grant delete on named objects only`,
        onlyNamed(g.grants, TARGETS) ? 'low' : 'medium',
      );
    }
  },
};
