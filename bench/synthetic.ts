import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes a dump of `objects` RBAC objects (a quarter Roles, half RoleBindings, the rest ClusterRoles
 * and ClusterRoleBindings) over 40 namespaces, in files of 500 objects, as `kubectl get -o yaml` prints.
 */
export function writeSyntheticRbac(out: string, objects: number): void {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const items: string[] = [];
  const verbs = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
  const resources = ['pods', 'services', 'configmaps', 'secrets', 'deployments', 'jobs', 'pods/log', 'pods/exec'];
  for (let i = 0; i < objects; i++) {
    const ns = `ns-${i % 40}`;
    const kind = i % 4 === 0 ? 'Role' : i % 4 === 1 || i % 4 === 2 ? 'RoleBinding' : i % 8 === 3 ? 'ClusterRole' : 'ClusterRoleBinding';
    const n = Math.floor(i / 4);
    const rule = (k: number) =>
      `  - apiGroups: ["", apps, batch]\n    resources: [${resources[k % resources.length]}, ${resources[(k + 3) % resources.length]}]\n    verbs: [${verbs.slice(0, 1 + (k % verbs.length)).join(', ')}]`;
    if (kind === 'Role')
      items.push(
        `- apiVersion: rbac.authorization.k8s.io/v1\n  kind: Role\n  metadata: {name: role-${n}, namespace: ${ns}}\n  rules:\n${[rule(n), rule(n + 1)].join('\n').replace(/^/gm, '  ')}`,
      );
    else if (kind === 'ClusterRole')
      items.push(`- apiVersion: rbac.authorization.k8s.io/v1\n  kind: ClusterRole\n  metadata: {name: crole-${n}}\n  rules:\n${rule(n).replace(/^/gm, '  ')}`);
    else if (kind === 'RoleBinding')
      items.push(
        `- apiVersion: rbac.authorization.k8s.io/v1\n  kind: RoleBinding\n  metadata: {name: rb-${i}, namespace: ${ns}}\n  roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ${i % 3 ? 'Role' : 'ClusterRole'}, name: ${i % 3 ? `role-${n}` : `crole-${n}`}}\n  subjects:\n  - {kind: User, name: user-${i % 997}, apiGroup: rbac.authorization.k8s.io}\n  - {kind: Group, name: team-${i % 13}, apiGroup: rbac.authorization.k8s.io}`,
      );
    else
      items.push(
        `- apiVersion: rbac.authorization.k8s.io/v1\n  kind: ClusterRoleBinding\n  metadata: {name: crb-${i}}\n  roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: crole-${n}}\n  subjects:\n  - {kind: User, name: user-${i % 997}, apiGroup: rbac.authorization.k8s.io}`,
      );
  }
  for (let f = 0; f * 500 < items.length; f++) {
    writeFileSync(join(out, `dump-${f}.yaml`), `apiVersion: v1\nkind: List\nitems:\n${items.slice(f * 500, (f + 1) * 500).join('\n')}\n`);
  }
}
