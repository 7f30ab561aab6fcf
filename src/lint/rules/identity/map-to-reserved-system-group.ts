import type { Risk, Rule } from '../../types.js';
import { describeMapping, isNodeMapping, NODE_GROUPS, OncePerPlace, onClusters } from './util.js';

/** What membership of a reserved group means, and how bad it is. */
function meaning(group: string): { why: string; risk: Risk } {
  if (group === 'system:authenticated')
    return { why: 'every signed-in user is in it already, so listing it does nothing but suggests a grant that is not there', risk: 'low' };
  if (group === 'system:unauthenticated')
    return { why: 'it is the group of anonymous requests, so whatever is bound for anonymous users applies to this signed-in identity too', risk: 'high' };
  if (group === 'system:serviceaccounts' || group.startsWith('system:serviceaccounts:')) {
    return {
      why: `every binding made for ${group === 'system:serviceaccounts' ? 'all service accounts' : `the service accounts of namespace ${group.slice('system:serviceaccounts:'.length)}`} applies to this identity, and it is hidden among workload permissions`,
      risk: 'high',
    };
  }
  return {
    why: 'the name belongs to Kubernetes itself (a control-plane component or built-in role), so its bindings apply to this identity and a future Kubernetes or EKS version may bind it to more',
    risk: 'high',
  };
}

/**
 * `system:` groups are Kubernetes' own: the API server, controllers and EKS bind them for their
 * components. A person (or any identity that is not a node) put in one inherits those bindings,
 * invisibly to a reader of RBAC. `system:masters` and the node groups have their own rules.
 */
export const mapToReservedSystemGroup: Rule = {
  meta: {
    id: 'map-to-reserved-system-group',
    code: 'AUTH002',
    description: 'Disallow mapping an IAM identity into a reserved system: group other than through a node mapping',
    severity: 'error',
    risk: 'high',
    category: 'identity',
  },
  check(input, report, context) {
    const found = new OncePerPlace<{ group: string; whom: string }>();
    for (const m of input.identities) {
      // Node and Fargate mappings legitimately carry system:node-proxier and the like.
      if (m.kind === 'account' || isNodeMapping(m)) continue;
      for (const g of m.groups) {
        if (!g.name.startsWith('system:') || g.name === 'system:masters' || NODE_GROUPS.includes(g.name)) continue;
        found.add(g.at, m.cluster, { group: g.name, whom: describeMapping(m) }, g.name);
      }
    }
    found.reportEach(
      report,
      context,
      (value, clusters) =>
        `${value.whom} is mapped into the reserved group ${value.group}${onClusters(clusters)}: ${meaning(value.group).why}. Map it to a group of your own (e.g. team-readers) and bind that group to the role it needs`,
      (value) => ({ risk: meaning(value.group).risk }),
    );
  },
};
