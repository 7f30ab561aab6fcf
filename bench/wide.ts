import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface WideOptions {
  /** Namespaces of the one cluster. */
  namespaces: number;
  employees: number;
  /** Namespaced grants per employee. */
  grants: number;
  /** Namespaces each namespaced grant names. */
  namespacesPerGrant: number;
}

export const WIDE_CLUSTER = 'wide';

/** The i-th namespace of the wide cluster. */
export const wideNamespace = (i: number) => `ns-${String(i).padStart(6, '0')}`;

/**
 * Writes an access folder with one cluster listing `namespaces` namespaces and `employees` employees,
 * each with `grants` namespaced grants (profiles, inline rules and EKS access policies, in turn) of
 * `namespacesPerGrant` namespaces spread over the whole list: the input on which a scan of the
 * cluster's namespaces per grant, or of a grant's namespaces per namespace, shows. Valid and
 * lint-clean under the default policy, so generate writes it.
 */
export function writeWideAccess(out: string, o: WideOptions): { files: number; namespaceGrants: number } {
  rmSync(out, { recursive: true, force: true });
  for (const sub of ['clusters', 'profiles', 'employees']) mkdirSync(join(out, sub), { recursive: true });
  const account = '111111111111';
  const cluster = [
    'apiVersion: eks-access/v1',
    'kind: Cluster',
    `name: ${WIDE_CLUSTER}`,
    `accountId: "${account}"`,
    'region: eu-west-1',
    'authentication: both',
    'namespaces:',
  ];
  for (let i = 0; i < o.namespaces; i++) cluster.push(`  - ${wideNamespace(i)}`);
  cluster.push(
    'awsAuth:',
    '  mapRoles:',
    `    - rolearn: arn:aws:iam::${account}:role/${WIDE_CLUSTER}-node-group`,
    '      username: system:node:{{EC2PrivateDNSName}}',
    '      groups: [system:bootstrappers, system:nodes]',
    '',
  );
  writeFileSync(join(out, 'clusters', `${WIDE_CLUSTER}.yaml`), cluster.join('\n'));
  const profiles = ['reader', 'jobs'];
  writeFileSync(
    join(out, 'profiles', 'reader.yaml'),
    'apiVersion: eks-access/v1\nkind: Profile\nname: reader\ndescription: reads workloads\nrules:\n  - apiGroups: ["", apps]\n    resources: [pods, services, deployments]\n    verbs: [get, list, watch]\n',
  );
  writeFileSync(
    join(out, 'profiles', 'jobs.yaml'),
    'apiVersion: eks-access/v1\nkind: Profile\nname: jobs\ndescription: reads jobs\nrules:\n  - apiGroups: [batch]\n    resources: [jobs, cronjobs]\n    verbs: [get, list, watch]\n',
  );
  let namespaceGrants = 0;
  const per = Math.min(o.namespacesPerGrant, o.namespaces);
  for (let e = 0; e < o.employees; e++) {
    const name = `user-${String(e).padStart(6, '0')}`;
    const lines = ['apiVersion: eks-access/v1', 'kind: Employee', `name: ${name}`, `email: ${name}@example.com`, 'team: wide', 'identity:'];
    if (e % 2 === 0) lines.push(`  iamUser: ${name}`);
    else lines.push('  role:', `    arn: arn:aws:iam::${account}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_wide_0123456789abcdef`);
    lines.push('access:');
    for (let g = 0; g < o.grants; g++) {
      // EKS access policies only for people with their own IAM user: on a shared role they warn.
      const kind = (e + g) % 3 === 2 && e % 2 === 1 ? 0 : (e + g) % 3;
      lines.push(`  - cluster: ${WIDE_CLUSTER}`);
      if (kind === 0) lines.push(`    profile: ${profiles[g % profiles.length]}`);
      else if (kind === 1) lines.push('    rules:', '      - apiGroups: [""]', '        resources: [configmaps]', '        verbs: [get, list]');
      else lines.push('    accessPolicy: AmazonEKSViewPolicy');
      lines.push('    namespaces:');
      // Spread over the whole list, a different stretch for each grant of each employee.
      const first = ((e * o.grants + g) * 7919 * per) % o.namespaces;
      for (let k = 0; k < per; k++) lines.push(`      - ${wideNamespace((first + k * Math.max(1, Math.floor(o.namespaces / per))) % o.namespaces)}`);
      namespaceGrants += per;
    }
    writeFileSync(join(out, 'employees', `${name}.yaml`), lines.join('\n') + '\n');
  }
  return { files: 1 + profiles.length + o.employees, namespaceGrants };
}
