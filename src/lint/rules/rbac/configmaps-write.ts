import { via, where, who } from '../../analysis.js';
import { CONFIGMAPS_WRITE, writesAwsAuth } from './aws-auth-write.js';
import { resourceAccessRule } from './util.js';

/**
 * ConfigMaps configure workloads and add-ons (CoreDNS, proxies, feature flags, scripts mounted
 * into pods): changing one changes what runs. Grants that reach aws-auth are aws-auth-write's.
 */
export const configmapsWrite = resourceAccessRule({
  meta: {
    id: 'configmaps-write',
    code: 'RBAC022',
    description: 'Disallow creating, changing or deleting ConfigMaps',
    severity: 'warning',
    risk: 'medium',
    category: 'rbac',
  },
  targets: [CONFIGMAPS_WRITE],
  skip: (context) => (x) => writesAwsAuth(context.input, x),
  message: (g, _, named) =>
    `${who(g)} can create, change or delete ${named ? 'the named ConfigMaps' : 'ConfigMaps'} ${where(g)} ${via(g.grants)}: the configuration workloads read, and scripts mounted into pods, change what runs. Deploy configuration through the delivery pipeline, or name the ConfigMaps with resourceNames`,
  namedRisk: 'low',
});
