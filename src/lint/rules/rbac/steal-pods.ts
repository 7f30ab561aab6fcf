import { reportGroup, via, who } from '../../analysis.js';
import type { Rule } from '../../types.js';
import { pairedGroups, partnersElsewhere, PRIVILEGED_NAMESPACES, type Pair } from './util.js';

const PAIRS: readonly Pair[] = [
  {
    first: { verbs: ['update', 'patch'], group: '', resource: 'nodes', clusterScoped: true },
    second: [
      { verbs: ['delete', 'deletecollection'], group: '', resource: 'pods' },
      { verbs: ['create'], group: '', resource: 'pods', subresource: 'eviction' },
    ],
  },
];

/**
 * Tainting or cordoning every node but one they control, then deleting or evicting kube-system's
 * pods, makes the scheduler move the cluster's controllers (and their service-account tokens)
 * onto that node. The two permissions often come from different roles, so they are judged over
 * the subject's permissions in kube-system.
 */
export const stealPods: Rule = {
  meta: {
    id: 'steal-pods',
    code: 'RBAC026',
    description: 'Disallow updating nodes together with deleting or evicting pods in kube-system',
    severity: 'error',
    risk: 'high',
    category: 'rbac',
  },
  check(input, report, context) {
    const sets = (s: { namespace?: string | undefined }) => s.namespace === undefined || PRIVILEGED_NAMESPACES.includes(s.namespace);
    for (const r of pairedGroups(context, PAIRS, { sets })) {
      if (r.scopes.length === 0) continue;
      const g = r.group;
      reportGroup(
        report,
        g,
        `${who(g)} can taint or cordon nodes and delete or evict the pods of kube-system ${g.cluster ? `on ${g.cluster} ` : ''}${via(g.grants)}${partnersElsewhere(r)}: they can make the scheduler move the cluster's controllers, with their tokens, onto a node they control. Leave node maintenance to the node-group tooling, or drop pod deletion in kube-system`,
      );
    }
  },
};
