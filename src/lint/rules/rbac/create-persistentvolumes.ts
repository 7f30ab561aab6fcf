import { reportGroup, via, where, who } from '../../analysis.js';
import type { Rule } from '../../types.js';
import { groupsReaching, type Target } from './util.js';

const TARGETS: readonly Target[] = [{ verbs: ['create'], group: '', resource: 'persistentvolumes', clusterScoped: true }];

/**
 * A PersistentVolume can point at any hostPath of a node; claiming it from a pod mounts the
 * node's filesystem (kubelet credentials, other pods' volumes, the container runtime socket).
 * resourceNames cannot restrict create, so every create grant counts.
 */
export const createPersistentvolumes: Rule = {
  meta: {
    id: 'create-persistentvolumes',
    code: 'RBAC020',
    description: 'Disallow creating PersistentVolumes',
    severity: 'error',
    risk: 'high',
    category: 'rbac',
  },
  check(input, report) {
    for (const g of groupsReaching(input, TARGETS)) {
      reportGroup(
        report,
        g,
        `${who(g)} can create PersistentVolumes ${where(g)} ${via(g.grants)}: a hostPath volume mounts a node's filesystem into any pod that claims it. Let people create PersistentVolumeClaims against a StorageClass instead`,
      );
    }
  },
};
