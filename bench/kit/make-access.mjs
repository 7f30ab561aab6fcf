#!/usr/bin/env node
// Copied from the project's benchmark kit (only the comments adapted), so that npm run bench runs from
// a fresh clone.
// Writes a large, realistic, deterministic access folder in the format of the project's specification,
// for benchmarks and scale tests. No dependencies.
//   node bench/kit/make-access.mjs --out DIR [--employees 10000] [--clusters 5] [--namespaces 40] [--seed 1]
import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []),
);
const out = args.out;
if (!out) {
  console.error('usage: make-access.mjs --out DIR [--employees N] [--clusters N] [--namespaces N] [--seed N]');
  process.exit(2);
}
const employees = Number(args.employees ?? 10000);
const clusterCount = Number(args.clusters ?? 5);
const namespaceCount = Number(args.namespaces ?? 40);
let state = Number(args.seed ?? 1) >>> 0 || 1;
const random = () => ((state = (state * 1103515245 + 12345) >>> 0) / 2 ** 32);
const pick = (list) => list[Math.floor(random() * list.length)];
const sample = (list, n) => [...new Set(Array.from({ length: n }, () => pick(list)))];

rmSync(out, { recursive: true, force: true });
for (const sub of ['clusters', 'profiles', 'employees']) mkdirSync(join(out, sub), { recursive: true });

const teams = ['payments', 'checkout', 'search', 'identity', 'data', 'ml', 'platform', 'mobile', 'web', 'growth'];
const namespaces = Array.from({ length: namespaceCount }, (_, i) => `${teams[i % teams.length]}-${Math.floor(i / teams.length)}`);
const modes = ['aws-auth', 'access-entries', 'both'];
const regions = ['eu-west-1', 'us-east-1', 'ap-southeast-2'];
const clusters = Array.from({ length: clusterCount }, (_, i) => ({
  name: `${i % 2 ? 'staging' : 'prod'}-${regions[i % regions.length]}-${i}`,
  accountId: String(111111111111 + (i % 3) * 111111111),
  region: regions[i % regions.length],
  authentication: modes[i % modes.length],
}));
for (const c of clusters) {
  writeFileSync(join(out, 'clusters', `${c.name}.yaml`), [
    'apiVersion: eks-access/v1',
    'kind: Cluster',
    `name: ${c.name}`,
    `accountId: "${c.accountId}"`,
    `region: ${c.region}`,
    `authentication: ${c.authentication}`,
    'namespaces:',
    ...namespaces.map((n) => `  - ${n}`),
    'awsAuth:',
    '  mapRoles:',
    `    - rolearn: arn:aws:iam::${c.accountId}:role/${c.name}-node-group`,
    '      username: system:node:{{EC2PrivateDNSName}}',
    '      groups: [system:bootstrappers, system:nodes]',
    '',
  ].join('\n'));
}

const profiles = [
  ['developer', [['""', 'pods, services, configmaps', 'get, list, watch'], ['""', 'pods/log', 'get']]],
  ['deployer', [['apps', 'deployments, statefulsets', 'get, list, watch, update, patch'], ['""', 'services', 'get, list']]],
  ['debugger', [['""', 'pods, pods/log, events', 'get, list, watch']]],
  ['batch-viewer', [['batch', 'jobs, cronjobs', 'get, list, watch']]],
];
for (const [name, rules] of profiles) {
  writeFileSync(join(out, 'profiles', `${name}.yaml`), [
    'apiVersion: eks-access/v1',
    'kind: Profile',
    `name: ${name}`,
    `description: ${name} access for application teams`,
    'rules:',
    ...rules.flatMap(([g, r, v]) => [`  - apiGroups: [${g}]`, `    resources: [${r}]`, `    verbs: [${v}]`]),
    '',
  ].join('\n'));
}

const ssoRoles = Array.from({ length: 6 }, (_, i) =>
  `arn:aws:iam::${clusters[i % clusters.length].accountId}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_${teams[i]}_${(0xabc123 + i).toString(16)}`);
// Grants stay within what a sensible default policy accepts, so lint and generate both pass.
const profileNames = [...profiles.map(([n]) => n), 'view'];
for (let i = 0; i < employees; i++) {
  const name = `user-${String(i).padStart(6, '0')}`;
  const team = pick(teams);
  const lines = ['apiVersion: eks-access/v1', 'kind: Employee', `name: ${name}`, `email: ${name}@example.com`, `team: ${team}`, 'identity:'];
  const kind = random();
  if (kind < 0.6) lines.push('  role:', `    arn: ${pick(ssoRoles)}`);
  else if (kind < 0.95) lines.push(`  iamUser: ${name}`);
  else lines.push(`  iamUserArn: arn:aws:iam::${clusters[0].accountId}:user/${name}`);
  if (random() < 0.3) lines.push(`expires: 2031-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-15`);
  lines.push('access:');
  const grants = 1 + Math.floor(random() * 4);
  for (let g = 0; g < grants; g++) {
    const cluster = pick(clusters).name;
    const roll = random();
    if (roll < 0.05) lines.push(`  - cluster: ${cluster}`, '    level: read-only');
    else if (roll < 0.8) lines.push(`  - cluster: ${cluster}`, `    profile: ${pick(profileNames)}`, `    namespaces: [${sample(namespaces, 1 + Math.floor(random() * 4)).join(', ')}]`);
    else lines.push(
      `  - cluster: ${cluster}`,
      `    namespaces: [${pick(namespaces)}]`,
      '    rules:',
      '      - apiGroups: [""]',
      '        resources: [pods, services]',
      '        verbs: [get, list, watch]',
    );
  }
  writeFileSync(join(out, 'employees', `${name}.yaml`), lines.join('\n') + '\n');
}
console.log(`wrote ${employees} employees, ${clusters.length} clusters, ${namespaces.length} namespaces, ${profiles.length} profiles to ${out}`);
