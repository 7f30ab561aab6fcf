import { via, where, who } from '../../analysis.js';
import { resourceAccessRule } from './util.js';

/**
 * Pod Security Admission reads its level from the namespace's labels
 * (`pod-security.kubernetes.io/enforce`), and many network policies and webhooks select
 * namespaces by label: whoever relabels a namespace can run privileged pods in it.
 */
export const namespaceWrite = resourceAccessRule({
  meta: {
    id: 'namespace-write',
    code: 'RBAC031',
    description: 'Disallow updating Namespace objects (their labels decide Pod Security)',
    severity: 'warning',
    risk: 'medium',
    category: 'rbac',
  },
  // Namespaced on purpose: a RoleBinding in a namespace authorizes updating that namespace object.
  targets: [{ verbs: ['update', 'patch'], group: '', resource: 'namespaces' }],
  message: (g, _, named) => {
    const scope = g.clusterWide ? 'any namespace' : `the namespace${g.namespaces.length > 1 ? 's' : ''} ${g.namespaces.join(', ')}`;
    return `${who(g)} can update ${named ? 'the named namespaces' : scope} ${where(g)} ${via(g.grants)}: relabelling a namespace lowers its Pod Security level to privileged and moves it out of label-selected network policies and webhooks. Manage namespaces and their labels through the platform pipeline`;
  },
  namedRisk: 'low',
});
