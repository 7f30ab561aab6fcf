import { via, where, who } from '../../analysis.js';
import { resourceAccessRule } from './util.js';

/**
 * The verbs the API server authorizes a proxied request with: GET is get, POST create, PUT update,
 * PATCH patch, DELETE delete. list and watch never authorize a proxy request.
 */
const VERBS = ['get', 'create', 'update', 'patch', 'delete'];

/**
 * `nodes/proxy` opens the kubelet API of every node through the API server: /run, /exec and /attach
 * on any pod of any namespace (even with only `get`, over websockets), outside pods/exec RBAC and
 * with little in the audit log. Nodes are cluster-scoped, so only cluster-wide grants give it; in
 * a RoleBinding the rule grants nothing and is not reported.
 */
export const nodesProxy = resourceAccessRule({
  meta: {
    id: 'nodes-proxy',
    code: 'RBAC012',
    description: 'Disallow access to the kubelet API through nodes/proxy',
    severity: 'error',
    risk: 'high',
    category: 'rbac',
  },
  targets: [{ verbs: VERBS, group: '', resource: 'nodes', subresource: 'proxy', clusterScoped: true }],
  message: (g) =>
    `${who(g)} can reach the kubelet API of every node through nodes/proxy ${where(g)} ${via(g.grants)}: it runs commands in any pod on those nodes, past pods/exec RBAC and with little in the audit log. Read node metrics through metrics.k8s.io or a monitoring agent instead`,
});
