import { groupsWhere, isSystemSubject, reportGroup, UNBOUND, via, who } from '../../analysis.js';
import type { PolicyRule } from '../../../model/types.js';
import type { Grant, Rule } from '../../types.js';

/**
 * Resources that exist only inside namespaces, by API group. A rule naming only these gains
 * nothing from a ClusterRoleBinding except the same rights in every other namespace (kube-system
 * included). Anything not listed (cluster-scoped kinds, custom resources, `*`) is given the
 * benefit of the doubt.
 */
const NAMESPACED: Record<string, readonly string[]> = {
  '': [
    'bindings',
    'configmaps',
    'endpoints',
    'events',
    'limitranges',
    'persistentvolumeclaims',
    'pods',
    'podtemplates',
    'replicationcontrollers',
    'resourcequotas',
    'secrets',
    'serviceaccounts',
    'services',
  ],
  apps: ['controllerrevisions', 'daemonsets', 'deployments', 'replicasets', 'statefulsets'],
  autoscaling: ['horizontalpodautoscalers'],
  batch: ['cronjobs', 'jobs'],
  'coordination.k8s.io': ['leases'],
  'discovery.k8s.io': ['endpointslices'],
  'events.k8s.io': ['events'],
  extensions: ['daemonsets', 'deployments', 'ingresses', 'networkpolicies', 'replicasets'],
  'networking.k8s.io': ['ingresses', 'networkpolicies'],
  policy: ['poddisruptionbudgets'],
  'rbac.authorization.k8s.io': ['rolebindings', 'roles'],
  'authorization.k8s.io': ['localsubjectaccessreviews'],
  'storage.k8s.io': ['csistoragecapacities'],
};

/** Handled by their own rules: cluster-admin-binding, builtin-admin-edit-binding, map-to-system-masters. */
const OTHER_RULES = new Set(['cluster-admin', 'admin', 'edit', 'system:masters']);

/** Does the rule name only namespaced resources (so a RoleBinding could grant all of it)? */
function onlyNamespaced(rule: PolicyRule): boolean {
  if (rule.nonResourceURLs && rule.nonResourceURLs.length > 0) return false;
  const groups = rule.apiGroups ?? [];
  const resources = rule.resources ?? [];
  if (groups.length === 0 || resources.length === 0) return false;
  return resources.every((r) => {
    const base = r.split('/')[0]!;
    return base !== '*' && groups.some((g) => (NAMESPACED[g] ?? []).includes(base));
  });
}

function resourcesOf(grants: readonly Grant[]): string {
  const all = [...new Set(grants.flatMap((g) => g.rule.resources ?? []))].sort();
  return all.length > 6 ? `${all.slice(0, 6).join(', ')}, ...` : all.join(', ');
}

/**
 * A person (not a service account or a system group) bound cluster-wide to rules that only name
 * namespaced resources: the work happens in some namespaces, the grant covers all of them.
 */
export const clusterScopeWhenNamespaceSuffices: Rule = {
  meta: {
    id: 'cluster-scope-when-namespace-suffices',
    code: 'BIND006',
    description: 'Disallow cluster-wide bindings of people to roles that only name namespaced resources',
    severity: 'warning',
    risk: 'medium',
    category: 'binding',
  },
  check(input, report) {
    for (const group of groupsWhere(input, (g) => g.namespace === undefined && g.role.kind === 'ClusterRole')) {
      const s = group.subject;
      if (s.kind === 'ServiceAccount' || isSystemSubject(s) || s.name.startsWith(UNBOUND)) continue;
      if (group.grants.some((g) => OTHER_RULES.has(g.role.name))) continue;
      if (!group.grants.every((g) => onlyNamespaced(g.rule))) continue;
      const fix =
        input.mode === 'access'
          ? 'Grant it with namespaces: [...] (a RoleBinding per namespace) instead of scope: cluster'
          : 'Bind the role with a RoleBinding in each namespace that needs it';
      reportGroup(
        report,
        group,
        `${who(group)} is bound cluster-wide${group.cluster ? ` on ${group.cluster}` : ''} ${via(group.grants)}, whose rules only name namespaced resources (${resourcesOf(group.grants)}): the ClusterRoleBinding grants them in every namespace, kube-system included. ${fix}`,
      );
    }
  },
};
