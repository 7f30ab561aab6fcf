import { UsageError } from '../diagnostics.js';
import { didYouMean } from '../text.js';
import type { Request } from './engine.js';

/** A resource type as API discovery lists it. */
export interface DiscoveredResource {
  group: string;
  resource: string;
  namespaced: boolean;
  shortNames: string[];
}

const r = (group: string, namespaced: boolean, list: string): DiscoveredResource[] =>
  list.split(' ').map((entry) => {
    const [resource, ...shortNames] = entry.split(',');
    return { group, resource: resource!, namespaced, shortNames };
  });

/**
 * The resource types of a current Kubernetes API server (`kubectl api-resources`) plus the CRDs every
 * EKS cluster has, core group first: kubectl resolves a name to the first group that serves it.
 */
const BUILTIN_RESOURCES: readonly DiscoveredResource[] = [
  ...r(
    '',
    true,
    'bindings configmaps,cm endpoints,ep events,ev limitranges,limits persistentvolumeclaims,pvc pods,po podtemplates replicationcontrollers,rc resourcequotas,quota secrets serviceaccounts,sa services,svc',
  ),
  ...r('', false, 'componentstatuses,cs namespaces,ns nodes,no persistentvolumes,pv'),
  ...r(
    'admissionregistration.k8s.io',
    false,
    'mutatingwebhookconfigurations validatingwebhookconfigurations validatingadmissionpolicies validatingadmissionpolicybindings mutatingadmissionpolicies mutatingadmissionpolicybindings',
  ),
  ...r('apiextensions.k8s.io', false, 'customresourcedefinitions,crd,crds'),
  ...r('apiregistration.k8s.io', false, 'apiservices'),
  ...r('apps', true, 'controllerrevisions daemonsets,ds deployments,deploy replicasets,rs statefulsets,sts'),
  ...r('authentication.k8s.io', false, 'selfsubjectreviews tokenreviews'),
  ...r('authorization.k8s.io', true, 'localsubjectaccessreviews'),
  ...r('authorization.k8s.io', false, 'selfsubjectaccessreviews selfsubjectrulesreviews subjectaccessreviews'),
  ...r('autoscaling', true, 'horizontalpodautoscalers,hpa'),
  ...r('batch', true, 'cronjobs,cj jobs'),
  ...r('certificates.k8s.io', false, 'certificatesigningrequests,csr clustertrustbundles'),
  ...r('coordination.k8s.io', true, 'leases leasecandidates'),
  ...r('discovery.k8s.io', true, 'endpointslices'),
  ...r('events.k8s.io', true, 'events,ev'),
  ...r('flowcontrol.apiserver.k8s.io', false, 'flowschemas prioritylevelconfigurations'),
  ...r('networking.k8s.io', true, 'ingresses,ing networkpolicies,netpol'),
  ...r('networking.k8s.io', false, 'ingressclasses ipaddresses,ip servicecidrs'),
  ...r('node.k8s.io', false, 'runtimeclasses'),
  ...r('policy', true, 'poddisruptionbudgets,pdb'),
  ...r('rbac.authorization.k8s.io', true, 'rolebindings roles'),
  ...r('rbac.authorization.k8s.io', false, 'clusterrolebindings clusterroles'),
  ...r('resource.k8s.io', true, 'resourceclaims resourceclaimtemplates'),
  ...r('resource.k8s.io', false, 'deviceclasses resourceslices'),
  ...r('scheduling.k8s.io', false, 'priorityclasses,pc'),
  ...r('storage.k8s.io', true, 'csistoragecapacities'),
  ...r('storage.k8s.io', false, 'csidrivers csinodes storageclasses,sc volumeattachments volumeattributesclasses,vac'),
  ...r('crd.k8s.amazonaws.com', false, 'eniconfigs'),
  ...r('networking.k8s.aws', true, 'policyendpoints'),
  ...r('vpcresources.k8s.aws', true, 'securitygrouppolicies,sgp'),
  ...r('vpcresources.k8s.aws', false, 'cninodes,cnd'),
];

/** Resources the API server authorizes but discovery does not list (kubectl's `nonStandardResourceNames`, impersonation's). */
const NON_STANDARD = new Set(['users', 'groups', 'userextras', 'uids', 'signers']);

/** kubectl auth can-i's `resourceVerbs` and `nonResourceURLVerbs`. */
const RESOURCE_VERBS: readonly string[] = [
  'get',
  'list',
  'watch',
  'create',
  'update',
  'patch',
  'delete',
  'deletecollection',
  'use',
  'bind',
  'impersonate',
  '*',
  'approve',
  'sign',
  'escalate',
  'attest',
];
const NON_RESOURCE_VERBS: readonly string[] = ['get', 'put', 'post', 'head', 'options', 'delete', 'patch', '*'];

/** Namespaces every cluster has. */
const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export interface RequestArgs {
  namespace?: string;
  allNamespaces?: boolean;
  subresource?: string;
}

/** What the target cluster is known to serve: extra resource types (CRDs, those its rules name) and its namespaces. */
export interface Discovery {
  resources?: readonly DiscoveredResource[];
  /** Empty or undefined: not known, no namespace warning. */
  namespaces?: readonly string[];
  /** For messages: "cluster prod". */
  where?: string;
}

/** Looks a lower-cased resource name up as kubectl's REST mapper does: plural, short name, singular; in `group` when given. */
function lookup(all: readonly DiscoveredResource[], name: string, group: string | undefined): DiscoveredResource | undefined {
  const inGroup = all.filter((d) => group === undefined || d.group === group);
  const singular = (d: DiscoveredResource) => [d.resource.replace(/ies$/, 'y'), d.resource.replace(/es$/, ''), d.resource.replace(/s$/, '')];
  return inGroup.find((d) => d.resource === name) ?? inGroup.find((d) => d.shortNames.includes(name)) ?? inGroup.find((d) => singular(d).includes(name));
}

/**
 * kubectl's `VERB RESOURCE [NAME]` with `-n`, `-A` and `--subresource`: `pods`, `deployments.apps`,
 * `pods/log`, a short name (`deploy`), or a non-resource URL (`/healthz`). Like kubectl, the resource is
 * lower-cased and resolved through discovery, and what kubectl would only warn about (an unknown verb
 * or resource) is a warning, not an error: the API server is asked anyway. A cluster-scoped resource
 * is asked cluster-wide, as a real request for it is: RoleBindings do not count for it.
 */
export function prepareRequest(
  verb: string,
  resource: string,
  name: string | undefined,
  opts: RequestArgs,
  discovery: Discovery = {},
): { request: Request; warnings: string[] } {
  const warnings: string[] = [];
  if (resource.startsWith('/')) {
    if (name !== undefined || opts.subresource !== undefined) throw new UsageError('a non-resource URL takes no NAME or --subresource');
    if (!NON_RESOURCE_VERBS.includes(verb)) warnings.push(`verb '${verb}' is not a known verb`);
    return { request: { verb, path: resource }, warnings };
  }
  const lower = resource.toLowerCase();
  let [res, sub] = lower.split('/', 2) as [string, string | undefined];
  if (opts.subresource !== undefined) sub = opts.subresource;
  const dot = res.indexOf('.');
  let group = dot === -1 ? undefined : res.slice(dot + 1);
  res = dot === -1 ? res : res.slice(0, dot);
  // deployments.v1.apps: a fully specified resource names its version before the group.
  if (group !== undefined && /^v\d+((alpha|beta)\d+)?\./.test(group)) group = group.slice(group.indexOf('.') + 1);
  if (res === '' || /\s/.test(res)) throw new UsageError(`invalid resource "${resource}"`);
  const all = [...BUILTIN_RESOURCES, ...(discovery.resources ?? [])];
  const found = res === '*' ? undefined : lookup(all, res, group);
  let namespaced = true;
  if (found) {
    res = found.resource;
    group = found.group;
    namespaced = found.namespaced;
  } else if (res !== '*' && !NON_STANDARD.has(res)) {
    const candidates = [...new Set(all.filter((d) => group === undefined || d.group === group).map((d) => d.resource))];
    warnings.push(`the server doesn't have a resource type '${res}'${group ? ` in group '${group}'` : ''}${didYouMean(res, candidates)}`);
  }
  group ??= '';
  if (!opts.allNamespaces && !namespaced) warnings.push(`resource '${res}' is not namespace scoped${group ? ` in group '${group}'` : ''}`);
  if (!RESOURCE_VERBS.includes(verb)) warnings.push(`verb '${verb}' is not a known verb`);
  const namespace = opts.namespace ?? 'default';
  if (
    !opts.allNamespaces &&
    namespaced &&
    discovery.namespaces &&
    discovery.namespaces.length > 0 &&
    !discovery.namespaces.includes(namespace) &&
    !SYSTEM_NAMESPACES.includes(namespace)
  ) {
    warnings.push(
      `namespace '${namespace}' is not one of the namespaces of ${discovery.where ?? 'the cluster'}${didYouMean(namespace, [...discovery.namespaces, ...SYSTEM_NAMESPACES])}`,
    );
  }
  // A namespace is the one cluster-scoped object whose requests carry a namespace: its own name
  // (`RequestInfoFactory.NewRequestInfo`: /api/v1/namespaces/NAME), so a RoleBinding in it counts.
  const own = group === '' && res === 'namespaces' && name !== undefined ? name : undefined;
  return {
    request: {
      verb,
      group,
      resource: res,
      ...(sub !== undefined && { subresource: sub }),
      ...(name !== undefined && { name }),
      ...(own !== undefined ? { namespace: own } : !opts.allNamespaces && namespaced && { namespace }),
    },
    warnings,
  };
}

/** `prepareRequest` without discovery beyond the built-in resource types, warnings dropped. */
export function parseRequest(verb: string, resource: string, name: string | undefined, opts: RequestArgs): Request {
  return prepareRequest(verb, resource, name, opts).request;
}

/** Resource types that the rules of a bundle name, as discovery would list them (scope unknown: namespaced). */
export function resourcesNamedBy(rules: Iterable<{ apiGroups?: string[]; resources?: string[] }>): DiscoveredResource[] {
  const out = new Map<string, DiscoveredResource>();
  for (const rule of rules) {
    for (const g of rule.apiGroups ?? []) {
      if (g === '*') continue;
      for (const res of rule.resources ?? []) {
        const base = res.split('/')[0]!;
        if (base === '*' || base === '') continue;
        out.set(`${g}/${base}`, { group: g, resource: base, namespaced: true, shortNames: [] });
      }
    }
  }
  return [...out.values()];
}

export function describeRequest(r: Request): string {
  if ('path' in r) return `${r.verb} ${r.path}`;
  const what = `${r.resource}${r.subresource ? `/${r.subresource}` : ''}${r.group ? `.${r.group}` : ''}${r.name ? ` ${r.name}` : ''}`;
  return `${r.verb} ${what} ${r.namespace === undefined ? 'in all namespaces' : `in namespace ${r.namespace}`}`;
}
