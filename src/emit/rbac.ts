import type { V1ClusterRole, V1ClusterRoleBinding, V1PolicyRule, V1Role, V1RoleBinding, RbacV1Subject } from '@kubernetes/client-node';
import { employeeRbac, grantsOn, profileClusterRoleName } from '../model/resolve.js';
import type { AccessModel, Cluster, Employee, PolicyRule, Profile } from '../model/types.js';
import { compareStrings } from '../text.js';
import { ANNOTATION, employeeMeta, MANAGED_BY } from './common.js';

const RBAC_API = 'rbac.authorization.k8s.io/v1';
const RBAC_GROUP = 'rbac.authorization.k8s.io';

function toPolicyRule(r: PolicyRule): V1PolicyRule {
  return {
    ...(r.apiGroups && { apiGroups: [...r.apiGroups] }),
    ...(r.resources && { resources: [...r.resources] }),
    ...(r.resourceNames && { resourceNames: [...r.resourceNames] }),
    verbs: [...r.verbs],
    ...(r.nonResourceURLs && { nonResourceURLs: [...r.nonResourceURLs] }),
  };
}

const kindOrder = (k: string | undefined) => (k === 'Role' ? 0 : 1);

/** All RBAC objects of one employee on one cluster: their bindings and the Roles of their inline rules. */
export function emitEmployeeRbac(model: AccessModel, c: Cluster, e: Employee): object[] {
  if (grantsOn(e, c).length === 0) return [];
  const { bindings, roles } = employeeRbac(model, c, e);
  const subject: RbacV1Subject = { kind: 'User', apiGroup: RBAC_GROUP, name: e.kubernetesUser };
  const clusterBindings: V1ClusterRoleBinding[] = [];
  const byNamespace = new Map<string, (V1Role | V1RoleBinding)[]>();
  for (const b of bindings) {
    const roleRef = { apiGroup: RBAC_GROUP, kind: b.roleKind, name: b.roleName };
    if (b.namespace === undefined) {
      clusterBindings.push({
        apiVersion: RBAC_API,
        kind: 'ClusterRoleBinding',
        metadata: employeeMeta(b.name, e, { grants: b.grants }),
        roleRef,
        subjects: [subject],
      });
    } else {
      const list = byNamespace.get(b.namespace) ?? [];
      list.push({
        apiVersion: RBAC_API,
        kind: 'RoleBinding',
        metadata: employeeMeta(b.name, e, { namespace: b.namespace, grants: b.grants }),
        roleRef,
        subjects: [subject],
      });
      byNamespace.set(b.namespace, list);
    }
  }
  for (const r of roles) {
    const list = byNamespace.get(r.namespace) ?? [];
    list.push({
      apiVersion: RBAC_API,
      kind: 'Role',
      metadata: employeeMeta(r.name, e, { namespace: r.namespace, grants: r.grants }),
      rules: r.rules.map(toPolicyRule),
    });
    byNamespace.set(r.namespace, list);
  }
  const objects: object[] = clusterBindings.sort((a, b) => compareStrings(a.metadata!.name!, b.metadata!.name!));
  for (const ns of [...byNamespace.keys()].sort()) {
    objects.push(...byNamespace.get(ns)!.sort((a, b) => kindOrder(a.kind) - kindOrder(b.kind) || compareStrings(a.metadata!.name!, b.metadata!.name!)));
  }
  return objects;
}

/** The ClusterRole generated for a rule-based profile. */
export function emitProfileClusterRole(p: Profile): V1ClusterRole {
  return {
    apiVersion: RBAC_API,
    kind: 'ClusterRole',
    metadata: {
      name: profileClusterRoleName(p.name),
      labels: { ...MANAGED_BY },
      annotations: { [ANNOTATION.source]: p.file ?? '', 'eks-access/description': p.description },
    },
    rules: (p.rules ?? []).map(toPolicyRule),
  };
}
