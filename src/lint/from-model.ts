import type { Source } from '../diagnostics.js';
import { identityMappings, principalArn } from '../emit/aws-auth.js';
import { grantsOn, profileRoleName } from '../emit/rbac.js';
import { describePolicy } from '../emit/terraform.js';
import { IAM_USER_PATH, clusterArn, partitionOf, stripRolePath } from '../model/identity.js';
import type { AccessModel, Cluster, Employee, Grant as ModelGrant, PolicyRule } from '../model/types.js';
import { builtinAccessPolicies, builtinClusterRoles, SUPERUSER_RULES } from '../rbac/builtin.js';
import type { BindingObject, Grant, IamUserView, IdentityMapping, LintInput, RoleObject, RoleRef, Subject } from './types.js';

interface Bound {
  role: RoleRef;
  rules: PolicyRule[];
  rulesAt?: Source[];
}

/** The rules a profile (or `level`) binds, and where they are written when eks-access knows. */
function boundByProfile(model: AccessModel, name: string): Bound {
  const p = model.profiles.get(name)!;
  if (p.rules) return { role: { kind: 'ClusterRole', name: profileRoleName(p), builtin: false }, rules: p.rules, ...(p.rulesAt && { rulesAt: p.rulesAt }) };
  const data = builtinClusterRoles().get(p.clusterRole!);
  return { role: { kind: 'ClusterRole', name: p.clusterRole!, builtin: true }, rules: data?.rules ?? [] };
}

/** What one grant of the access file binds: a role, its rules, and the namespaces (none: cluster-wide). */
function bindingsOf(model: AccessModel, g: ModelGrant): { bound: Bound; namespaces?: string[] }[] {
  switch (g.kind) {
    case 'level':
      return [{ bound: boundByProfile(model, g.level === 'admin' ? 'cluster-admin' : 'view') }];
    case 'profile':
      return [{ bound: boundByProfile(model, g.profile), ...(g.scope === 'namespaces' && { namespaces: g.namespaces }) }];
    case 'rules':
      return [{ bound: { role: { kind: 'Role', name: 'eks-access:<employee>', builtin: false }, rules: g.rules, rulesAt: g.rulesAt }, namespaces: g.namespaces }];
    case 'groups':
      // system:masters bypasses RBAC altogether; other groups are bound outside eks-access's view.
      return g.groups.includes('system:masters') ? [{ bound: { role: { kind: 'ClusterRole', name: 'system:masters', builtin: true }, rules: SUPERUSER_RULES } }] : [];
    case 'accessPolicy': {
      const data = builtinAccessPolicies().get(g.accessPolicy);
      return [{ bound: { role: { kind: 'AccessPolicy', name: g.accessPolicy, builtin: true }, rules: data?.rules ?? [] }, ...(g.namespaces && { namespaces: g.namespaces }) }];
    }
  }
}

function employeeGrants(model: AccessModel, c: Cluster, e: Employee, out: { grants: Grant[]; bindings: BindingObject[] }): void {
  const subject: Subject = { kind: 'User', name: e.kubernetesUser };
  for (const g of grantsOn(e, c)) {
    const expires = [g.expires, e.expires].filter((x): x is string => x !== undefined).sort()[0];
    for (const { bound, namespaces } of bindingsOf(model, g)) {
      for (const namespace of namespaces ?? [undefined]) {
        bound.rules.forEach((rule, i) => {
          const ruleAt = bound.rulesAt?.[i];
          out.grants.push({
            cluster: c.name,
            subject,
            employee: e.name,
            ...(namespace !== undefined && { namespace }),
            rule,
            role: bound.role,
            at: g.at,
            ...(ruleAt && { ruleAt }),
            ...(expires !== undefined && { expires }),
          });
        });
        if (bound.role.kind !== 'AccessPolicy' && g.kind !== 'groups') {
          const roleName = bound.role.name === 'eks-access:<employee>' ? `eks-access:${e.name}` : bound.role.name;
          out.bindings.push({
            cluster: c.name,
            kind: namespace === undefined ? 'ClusterRoleBinding' : 'RoleBinding',
            name: `eks-access:${e.name}`,
            ...(namespace !== undefined && { namespace }),
            roleRef: { kind: g.kind === 'rules' ? 'Role' : 'ClusterRole', name: roleName },
            subjects: [{ ...subject, at: e.identity.at }],
            at: g.at,
            builtin: false,
            employee: e.name,
            roleFound: true,
          });
        }
      }
    }
  }
}

/** Where a group came from: the `groups` grant that names it. */
function groupSources(e: Employee, c: Cluster): { name: string; at: Source }[] {
  const out: { name: string; at: Source }[] = [];
  for (const g of grantsOn(e, c)) if (g.kind === 'groups') for (const name of g.groups) out.push({ name, at: g.at });
  return out;
}

function identitiesOf(model: AccessModel, c: Cluster): IdentityMapping[] {
  const out: IdentityMapping[] = [];
  const vias: IdentityMapping['via'][] = c.authentication === 'aws-auth' ? ['aws-auth'] : c.authentication === 'access-entries' ? ['access-entry'] : ['aws-auth', 'access-entry'];
  const people = [...model.employees.values()].filter((e) => grantsOn(e, c).length > 0);
  for (const via of vias) {
    if (via === 'aws-auth') {
      for (const m of c.awsAuth.mapRoles) out.push({ cluster: c.name, via, kind: 'role', arn: m.rolearn, username: m.username, groups: (m.groups ?? []).map((name) => ({ name, at: m.at })), at: m.at, employees: [], preserved: true });
      for (const m of c.awsAuth.mapUsers) out.push({ cluster: c.name, via, kind: 'user', arn: m.userarn, username: m.username, groups: (m.groups ?? []).map((name) => ({ name, at: m.at })), at: m.at, employees: [], preserved: true });
    }
    const { roles } = identityMappings(model, c);
    for (const r of roles) {
      const members = people.filter((e) => e.identity.kind === 'role' && stripRolePath(e.identity.arn).toLowerCase() === r.rolearn.toLowerCase());
      const first = members[0]!;
      out.push({
        cluster: c.name,
        via,
        kind: 'role',
        arn: via === 'aws-auth' ? r.rolearn : (first.identity as { arn: string }).arn,
        username: r.username,
        groups: members.flatMap((e) => groupSources(e, c)),
        at: first.identity.at,
        employee: first.name,
        employees: members.map((e) => e.name),
        preserved: false,
      });
    }
    for (const e of people) {
      if (e.identity.kind === 'role') continue;
      out.push({ cluster: c.name, via, kind: 'user', arn: principalArn(e, c), username: e.kubernetesUser, groups: groupSources(e, c), at: e.identity.at, employee: e.name, employees: [e.name], preserved: false });
    }
  }
  return out;
}

/** The lint view of a valid access folder: what every cluster would really grant once generated. */
export function inputFromModel(model: AccessModel, today: string): LintInput {
  const input: LintInput = { mode: 'access', today, model, grants: [], identities: [], awsAuth: [], accessPolicies: [], roles: [], bindings: [], iamUsers: [] };
  const clusters = [...model.clusters.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  const employees = [...model.employees.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const c of clusters) {
    for (const e of employees) {
      employeeGrants(model, c, e, input);
      for (const g of grantsOn(e, c)) {
        if (g.kind === 'accessPolicy') input.accessPolicies.push({ cluster: c.name, principalArn: principalArn(e, c), policy: g.accessPolicy, ...(g.namespaces && { namespaces: g.namespaces }), at: g.at, employee: e.name });
      }
    }
    input.identities.push(...identitiesOf(model, c));
    if (c.authentication !== 'access-entries') {
      input.awsAuth.push({
        cluster: c.name,
        at: c.at,
        hasNodeMapping: c.awsAuth.mapRoles.some((m) => (m.groups ?? []).includes('system:nodes')),
        nodeMappingNotRequired: !c.awsAuth.requireNodeMapping,
        ignoredKeys: [],
        invalidEntries: [],
      });
    }
  }
  for (const p of [...model.profiles.values()].filter((p) => p.rules).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const role: RoleObject = {
      cluster: '',
      kind: 'ClusterRole',
      name: profileRoleName(p),
      labels: {},
      rules: p.rules!.map((rule, i) => ({ rule, at: p.rulesAt?.[i] ?? p.at! })),
      at: p.at!,
      builtin: false,
      bound: input.grants.some((g) => g.role.name === profileRoleName(p)),
    };
    input.roles.push(role);
  }
  for (const e of employees) {
    if (e.identity.kind !== 'iamUser') continue;
    const theirs = clusters.filter((c) => grantsOn(e, c).length > 0);
    const arns = theirs.map((c) => clusterArn(partitionOf(c.region), c.region, c.accountId, c.name));
    const user: IamUserView = {
      name: `${IAM_USER_PATH}${e.identity.userName}`,
      employee: e.name,
      at: e.identity.at,
      managedPolicies: [],
      inlinePolicies: [{ name: 'eks-access-describe-clusters', text: describePolicy(arns), statements: [{ effect: 'Allow', actions: ['eks:DescribeCluster'], notActions: [], resources: arns, notResources: [], hasCondition: false, at: e.identity.at }], at: e.identity.at }],
    };
    input.iamUsers.push(user);
  }
  return input;
}
