import { via, where, who } from '../../analysis.js';
import { resourceAccessRule } from './util.js';

/**
 * A PersistentVolume can point at any hostPath of a node; claiming it from a pod mounts the
 * node's filesystem (kubelet credentials, other pods' volumes, the container runtime socket).
 * resourceNames cannot restrict create, so every create grant counts.
 */
export const createPersistentvolumes = resourceAccessRule({
  meta: {
    id: 'create-persistentvolumes',
    code: 'RBAC020',
    description: 'Disallow creating PersistentVolumes',
    severity: 'error',
    risk: 'high',
    category: 'rbac',
  },
  targets: [{ verbs: ['create'], group: '', resource: 'persistentvolumes', clusterScoped: true }],
  message: (g) =>
    `${who(g)} can create PersistentVolumes ${where(g)} ${via(g.grants)}: a hostPath volume mounts a node's filesystem into any pod that claims it. Let people create PersistentVolumeClaims against a StorageClass instead`,
});
