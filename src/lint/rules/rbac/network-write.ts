import { via, where, who } from '../../analysis.js';
import { listWords, resourceAccessRule, WRITE_VERBS, type Target } from './util.js';

const GATEWAY = 'gateway.networking.k8s.io';
const TARGETS: readonly Target[] = [
  { verbs: WRITE_VERBS, group: '', resource: 'services' },
  { verbs: WRITE_VERBS, group: '', resource: 'endpoints' },
  { verbs: WRITE_VERBS, group: 'discovery.k8s.io', resource: 'endpointslices' },
  { verbs: WRITE_VERBS, group: 'networking.k8s.io', resource: 'networkpolicies' },
  { verbs: WRITE_VERBS, group: 'extensions', resource: 'networkpolicies', label: 'networkpolicies' },
  { verbs: WRITE_VERBS, group: 'networking.k8s.io', resource: 'ingresses' },
  { verbs: WRITE_VERBS, group: 'extensions', resource: 'ingresses', label: 'ingresses' },
  ...['gateways', 'httproutes', 'grpcroutes', 'tlsroutes', 'tcproutes', 'udproutes', 'referencegrants'].map((resource) => ({
    verbs: WRITE_VERBS,
    group: GATEWAY,
    resource,
  })),
  { verbs: WRITE_VERBS, group: GATEWAY, resource: 'gatewayclasses', clusterScoped: true },
];

/**
 * Services, endpoints, ingresses, routes and network policies decide where traffic goes and what
 * may reach what: pointing a Service's endpoints elsewhere intercepts its traffic, deleting a
 * NetworkPolicy opens the namespace.
 */
export const networkWrite = resourceAccessRule({
  meta: {
    id: 'network-write',
    code: 'RBAC023',
    description: 'Disallow changing Services, endpoints, ingresses, Gateway API routes and NetworkPolicies',
    severity: 'warning',
    risk: 'medium',
    category: 'rbac',
  },
  targets: TARGETS,
  message: (g, reached) =>
    `${who(g)} can create, change or delete ${listWords(reached)} ${where(g)} ${via(g.grants)}: they can redirect or intercept traffic and remove network isolation. Deploy networking objects through the delivery pipeline, or grant read access only`,
  namedRisk: 'low',
});
