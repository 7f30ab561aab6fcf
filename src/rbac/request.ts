import { UsageError } from '../diagnostics.js';
import type { Request } from './engine.js';

/** Short names and default API groups of well-known resources, as `kubectl` resolves them through discovery. */
const SHORT_NAMES: Record<string, string> = {
  po: 'pods', svc: 'services', cm: 'configmaps', ns: 'namespaces', sa: 'serviceaccounts', no: 'nodes', pv: 'persistentvolumes',
  pvc: 'persistentvolumeclaims', ep: 'endpoints', ev: 'events', deploy: 'deployments', ds: 'daemonsets', sts: 'statefulsets',
  rs: 'replicasets', rc: 'replicationcontrollers', cj: 'cronjobs', ing: 'ingresses', netpol: 'networkpolicies', crd: 'customresourcedefinitions',
  csr: 'certificatesigningrequests', hpa: 'horizontalpodautoscalers', pdb: 'poddisruptionbudgets', sc: 'storageclasses', quota: 'resourcequotas', limits: 'limitranges',
};
const DEFAULT_GROUPS: Record<string, string> = {
  deployments: 'apps', daemonsets: 'apps', statefulsets: 'apps', replicasets: 'apps', controllerrevisions: 'apps',
  jobs: 'batch', cronjobs: 'batch',
  ingresses: 'networking.k8s.io', networkpolicies: 'networking.k8s.io', ingressclasses: 'networking.k8s.io',
  roles: 'rbac.authorization.k8s.io', rolebindings: 'rbac.authorization.k8s.io', clusterroles: 'rbac.authorization.k8s.io', clusterrolebindings: 'rbac.authorization.k8s.io',
  customresourcedefinitions: 'apiextensions.k8s.io', certificatesigningrequests: 'certificates.k8s.io',
  mutatingwebhookconfigurations: 'admissionregistration.k8s.io', validatingwebhookconfigurations: 'admissionregistration.k8s.io',
  horizontalpodautoscalers: 'autoscaling', poddisruptionbudgets: 'policy', storageclasses: 'storage.k8s.io', leases: 'coordination.k8s.io',
  endpointslices: 'discovery.k8s.io', priorityclasses: 'scheduling.k8s.io',
};

/**
 * kubectl's `VERB RESOURCE [NAME]` with `-n`, `-A` and `--subresource`: `pods`, `deployments.apps`,
 * `pods/log`, a short name (`deploy`), or a non-resource URL (`/healthz`).
 */
export function parseRequest(verb: string, resource: string, name: string | undefined, opts: { namespace?: string; allNamespaces?: boolean; subresource?: string }): Request {
  if (!/^[a-z*]+$/.test(verb)) throw new UsageError(`invalid verb "${verb}"`);
  if (resource.startsWith('/')) {
    if (name !== undefined || opts.subresource !== undefined) throw new UsageError('a non-resource URL takes no NAME or --subresource');
    return { verb, path: resource };
  }
  let [res, sub] = resource.split('/', 2) as [string, string | undefined];
  if (opts.subresource !== undefined) sub = opts.subresource;
  const dot = res.indexOf('.');
  let group = dot === -1 ? undefined : res.slice(dot + 1);
  res = dot === -1 ? res : res.slice(0, dot);
  res = SHORT_NAMES[res] ?? res;
  if (!/^(\*|[a-z0-9-]+)$/.test(res)) throw new UsageError(`invalid resource "${resource}"`);
  group ??= DEFAULT_GROUPS[res] ?? '';
  return {
    verb,
    group,
    resource: res,
    ...(sub !== undefined && { subresource: sub }),
    ...(name !== undefined && { name }),
    ...(!opts.allNamespaces && { namespace: opts.namespace ?? 'default' }),
  };
}

export function describeRequest(r: Request): string {
  if ('path' in r) return `${r.verb} ${r.path}`;
  const what = `${r.resource}${r.subresource ? `/${r.subresource}` : ''}${r.group ? `.${r.group}` : ''}${r.name ? ` ${r.name}` : ''}`;
  return `${r.verb} ${what} ${r.namespace === undefined ? 'in all namespaces' : `in namespace ${r.namespace}`}`;
}
