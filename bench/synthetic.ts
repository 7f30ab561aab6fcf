import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes a large, realistic and deterministic access folder: clusters in all three authentication
 * modes, rule-based profiles, and employees with SSO roles, IAM users and a mix of grant forms.
 */
export function writeSyntheticAccess(out: string, opts: { employees: number; clusters: number; namespaces: number; seed?: number }): void {
  let state = (opts.seed ?? 1) >>> 0 || 1;
  const random = () => (state = (state * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const sample = <T>(list: readonly T[], n: number): T[] => [...new Set(Array.from({ length: n }, () => pick(list)))];

  rmSync(out, { recursive: true, force: true });
  for (const sub of ['clusters', 'profiles', 'employees']) mkdirSync(join(out, sub), { recursive: true });
  const teams = ['payments', 'checkout', 'search', 'identity', 'data', 'ml', 'platform', 'mobile', 'web', 'growth'];
  const namespaces = Array.from({ length: opts.namespaces }, (_, i) => `${teams[i % teams.length]}-${Math.floor(i / teams.length)}`);
  const modes = ['aws-auth', 'access-entries', 'both'];
  const regions = ['eu-west-1', 'us-east-1', 'ap-southeast-2'];
  const clusters = Array.from({ length: opts.clusters }, (_, i) => ({
    name: `${i % 2 ? 'staging' : 'prod'}-${regions[i % regions.length]}-${i}`,
    accountId: String(111111111111 + (i % 3) * 111111111),
    region: regions[i % regions.length]!,
    authentication: modes[i % modes.length]!,
  }));
  for (const c of clusters) {
    writeFileSync(join(out, 'clusters', `${c.name}.yaml`), [
      'apiVersion: eks-access/v1', 'kind: Cluster', `name: ${c.name}`, `accountId: "${c.accountId}"`, `region: ${c.region}`,
      `authentication: ${c.authentication}`, 'namespaces:', ...namespaces.map((n) => `  - ${n}`),
      'awsAuth:', '  mapRoles:', `    - rolearn: arn:aws:iam::${c.accountId}:role/${c.name}-node-group`,
      '      username: system:node:{{EC2PrivateDNSName}}', '      groups: [system:bootstrappers, system:nodes]', '',
    ].join('\n'));
  }
  const profiles: [string, [string, string, string][]][] = [
    ['developer', [['""', 'pods, services, configmaps', 'get, list, watch'], ['""', 'pods/log', 'get']]],
    ['deployer', [['apps', 'deployments, statefulsets', 'get, list, watch, update, patch'], ['""', 'services', 'get, list']]],
    ['debugger', [['""', 'pods, pods/log, events', 'get, list, watch']]],
    ['batch-viewer', [['batch', 'jobs, cronjobs', 'get, list, watch']]],
  ];
  for (const [name, rules] of profiles) {
    writeFileSync(join(out, 'profiles', `${name}.yaml`), [
      'apiVersion: eks-access/v1', 'kind: Profile', `name: ${name}`, `description: ${name} access for application teams`, 'rules:',
      ...rules.flatMap(([g, r, v]) => [`  - apiGroups: [${g}]`, `    resources: [${r}]`, `    verbs: [${v}]`]), '',
    ].join('\n'));
  }
  const ssoRoles = Array.from({ length: 6 }, (_, i) =>
    `arn:aws:iam::${clusters[i % clusters.length]!.accountId}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_${teams[i]}_${(0xabc123 + i).toString(16)}`);
  const profileNames = [...profiles.map(([n]) => n), 'view'];
  for (let i = 0; i < opts.employees; i++) {
    const name = `user-${String(i).padStart(6, '0')}`;
    const lines = ['apiVersion: eks-access/v1', 'kind: Employee', `name: ${name}`, `email: ${name}@example.com`, `team: ${pick(teams)}`, 'identity:'];
    const kind = random();
    if (kind < 0.6) lines.push('  role:', `    arn: ${pick(ssoRoles)}`);
    else if (kind < 0.95) lines.push(`  iamUser: ${name}`);
    else lines.push(`  iamUserArn: arn:aws:iam::${clusters[0]!.accountId}:user/${name}`);
    if (random() < 0.3) lines.push(`expires: 2031-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-15`);
    lines.push('access:');
    const grants = 1 + Math.floor(random() * 4);
    for (let g = 0; g < grants; g++) {
      const cluster = pick(clusters).name;
      const roll = random();
      if (roll < 0.05) lines.push(`  - cluster: ${cluster}`, '    level: read-only');
      else if (roll < 0.8) lines.push(`  - cluster: ${cluster}`, `    profile: ${pick(profileNames)}`, `    namespaces: [${sample(namespaces, 1 + Math.floor(random() * 4)).join(', ')}]`);
      else lines.push(`  - cluster: ${cluster}`, `    namespaces: [${pick(namespaces)}]`, '    rules:', '      - apiGroups: [""]', '        resources: [pods, services]', '        verbs: [get, list, watch]');
    }
    writeFileSync(join(out, 'employees', `${name}.yaml`), lines.join('\n') + '\n');
  }
}

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
    const rule = (k: number) => `  - apiGroups: ["", apps, batch]\n    resources: [${resources[k % resources.length]}, ${resources[(k + 3) % resources.length]}]\n    verbs: [${verbs.slice(0, 1 + (k % verbs.length)).join(', ')}]`;
    if (kind === 'Role') items.push(`- apiVersion: rbac.authorization.k8s.io/v1\n  kind: Role\n  metadata: {name: role-${n}, namespace: ${ns}}\n  rules:\n${[rule(n), rule(n + 1)].join('\n').replace(/^/gm, '  ')}`);
    else if (kind === 'ClusterRole') items.push(`- apiVersion: rbac.authorization.k8s.io/v1\n  kind: ClusterRole\n  metadata: {name: crole-${n}}\n  rules:\n${rule(n).replace(/^/gm, '  ')}`);
    else if (kind === 'RoleBinding') items.push(`- apiVersion: rbac.authorization.k8s.io/v1\n  kind: RoleBinding\n  metadata: {name: rb-${i}, namespace: ${ns}}\n  roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ${i % 3 ? 'Role' : 'ClusterRole'}, name: ${i % 3 ? `role-${n}` : `crole-${n}`}}\n  subjects:\n  - {kind: User, name: user-${i % 997}, apiGroup: rbac.authorization.k8s.io}\n  - {kind: Group, name: team-${i % 13}, apiGroup: rbac.authorization.k8s.io}`);
    else items.push(`- apiVersion: rbac.authorization.k8s.io/v1\n  kind: ClusterRoleBinding\n  metadata: {name: crb-${i}}\n  roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: crole-${n}}\n  subjects:\n  - {kind: User, name: user-${i % 997}, apiGroup: rbac.authorization.k8s.io}`);
  }
  for (let f = 0; f * 500 < items.length; f++) {
    writeFileSync(join(out, `dump-${f}.yaml`), `apiVersion: v1\nkind: List\nitems:\n${items.slice(f * 500, (f + 1) * 500).join('\n')}\n`);
  }
}
