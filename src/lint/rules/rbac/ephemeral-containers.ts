import { via, where, who } from '../../analysis.js';
import { resourceAccessRule } from './util.js';

/**
 * `kubectl debug` adds an ephemeral container through `update`/`patch` on
 * `pods/ephemeralcontainers`: a new container of any image inside a running pod, sharing its
 * service account, volumes and network, and its process namespace if asked. It is exec without
 * needing a shell in the image, and it is not covered by pods/exec rules.
 */
export const ephemeralContainers = resourceAccessRule({
  meta: {
    id: 'ephemeral-containers',
    code: 'RBAC011',
    description: 'Disallow adding ephemeral containers to pods (update or patch on pods/ephemeralcontainers)',
    severity: 'error',
    risk: 'high',
    category: 'rbac',
  },
  targets: [{ verbs: ['update', 'patch'], group: '', resource: 'pods', subresource: 'ephemeralcontainers' }],
  message: (g) =>
    `${who(g)} can add ephemeral containers to running pods (kubectl debug) ${where(g)} ${via(g.grants)}: a container of any image inside the pod, with its service-account token, volumes and network. Grant it for an incident with expires, or debug a copy of the pod instead (kubectl debug --copy-to: create and attach on pods, the running pod left alone)`,
});
