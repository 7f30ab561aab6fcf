import { via, where, who } from '../../analysis.js';
import { resourceAccessRule, WRITE_VERBS } from './util.js';

/**
 * A CustomResourceDefinition defines an API for the whole cluster: replacing or deleting one
 * deletes every object of that kind (certificates, policies, backups), and a conversion webhook
 * in it sees every such object.
 */
export const crdWrite = resourceAccessRule({
  meta: {
    id: 'crd-write',
    code: 'RBAC029',
    description: 'Disallow creating, changing or deleting CustomResourceDefinitions',
    severity: 'warning',
    risk: 'medium',
    category: 'rbac',
  },
  targets: [{ verbs: WRITE_VERBS, group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions', clusterScoped: true }],
  message: (g) =>
    `${who(g)} can create, change or delete CustomResourceDefinitions ${where(g)} ${via(g.grants)}: deleting one deletes every object of its kind, and a conversion webhook sees them all. Install CRDs with the add-ons that own them, through the platform pipeline`,
  namedRisk: 'low',
});
