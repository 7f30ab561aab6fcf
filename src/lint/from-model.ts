import {
  DESCRIBE_POLICY_NAME,
  describeClustersPolicy,
  employeeRbac,
  grantPermissions,
  identityMappings,
  principalArn,
  profileRoleName,
  roleMembers,
} from '../model/resolve.js';
import type { Source } from '../diagnostics.js';
import { IAM_USER_PATH, ROLE_USERNAME_TEMPLATE } from '../model/identity.js';
import type { AccessModel, Cluster, Employee, Grant as ModelGrant } from '../model/types.js';
import { indexAsMade } from './grant-index.js';
import type { BindingObject, Grant, IamUserView, IdentityMapping, LintInput, RoleObject, Subject } from './types.js';

function employeeGrants(
  model: AccessModel,
  c: Cluster,
  e: Employee,
  grants: readonly ModelGrant[],
  out: { grants: Grant[]; bindings: BindingObject[] },
  made: (g: Grant) => void,
  boundRoles: Set<string>,
): void {
  const subject: Subject = { kind: 'User', name: e.kubernetesUser };
  const cluster = c.name;
  const employee = e.name;
  // The bindings as generate writes them, named as written: one per grant and namespace here, so a
  // finding points at the grant line that asks for it.
  const { byGrant } = employeeRbac(model, c, e);
  // The same for every binding of the employee on this cluster; nothing changes them after.
  const subjects = [{ ...subject, at: e.identity.at }];
  for (const g of grants) {
    const expires = [g.expires, e.expires].filter((x): x is string => x !== undefined).sort()[0];
    const at = g.at;
    for (const { role, rules, rulesAt, namespaces } of grantPermissions(model, g)) {
      if (rules.length > 0) boundRoles.add(role.name);
      for (const namespace of namespaces ?? [undefined]) {
        for (let i = 0; i < rules.length; i++) {
          const rule = rules[i]!;
          const ruleAt = rulesAt?.[i];
          // Written out rather than spread: this runs for every rule of every grant in every namespace.
          const grant: Grant =
            namespace !== undefined ? { cluster, subject, employee, namespace, rule, role, at } : { cluster, subject, employee, rule, role, at };
          if (ruleAt) grant.ruleAt = ruleAt;
          if (expires !== undefined) grant.expires = expires;
          out.grants.push(grant);
          made(grant);
        }
      }
    }
    for (const b of byGrant.get(g) ?? []) {
      const roleRef = { kind: b.roleKind, name: b.roleName };
      const binding: BindingObject =
        b.namespace === undefined
          ? { cluster, kind: 'ClusterRoleBinding', name: b.name, roleRef, subjects, at, builtin: false, employee, roleFound: true }
          : { cluster, kind: 'RoleBinding', name: b.name, namespace: b.namespace, roleRef, subjects, at, builtin: false, employee, roleFound: true };
      if (expires !== undefined) binding.expires = expires;
      out.bindings.push(binding);
    }
  }
}

/** Where a group came from: the `groups` grant that names it. */
function groupSources(grants: readonly ModelGrant[]): { name: string; at: Source }[] {
  const out: { name: string; at: Source }[] = [];
  for (const g of grants) if (g.kind === 'groups') for (const name of g.groups) out.push({ name, at: g.at });
  return out;
}

/** An employee with grants on the cluster, and those grants. */
interface OnCluster {
  e: Employee;
  grants: ModelGrant[];
}

/**
 * Every cluster's people and their grants there (what `grantsOn` gives, for everyone at once), by
 * cluster name; people in the model's order.
 */
function peopleByCluster(model: AccessModel): Map<string, Map<Employee, ModelGrant[]>> {
  const out = new Map<string, Map<Employee, ModelGrant[]>>();
  for (const e of model.employees.values()) {
    for (const g of e.grants) {
      for (const name of g.clusters) {
        let people = out.get(name);
        if (!people) out.set(name, (people = new Map()));
        const list = people.get(e);
        if (list) list.push(g);
        else people.set(e, [g]);
      }
    }
  }
  return out;
}

/**
 * The identity mappings of a cluster: its preserved aws-auth entries, and the role and user mappings
 * generate writes for its people (`people` in the model's order), as aws-auth and access entries.
 */
function identitiesOf(model: AccessModel, c: Cluster, people: readonly OnCluster[]): IdentityMapping[] {
  const out: IdentityMapping[] = [];
  const vias: IdentityMapping['via'][] =
    c.authentication === 'aws-auth' ? ['aws-auth'] : c.authentication === 'access-entries' ? ['access-entry'] : ['aws-auth', 'access-entry'];
  // The role mappings as generate writes them, with everyone who signs in through each, in the model's order.
  const position = new Map(people.map((p, i) => [p.e, i]));
  const members = roleMembers(model, c);
  const roles = identityMappings(model, c).roles.map((r) => ({
    rolearn: r.rolearn,
    members: [...members.get(r.rolearn.toLowerCase())!].sort((a, b) => position.get(a)! - position.get(b)!).map((e) => people[position.get(e)!]!),
  }));
  for (const via of vias) {
    if (via === 'aws-auth') {
      for (const m of c.awsAuth.mapRoles)
        out.push({
          cluster: c.name,
          via,
          kind: 'role',
          arn: m.rolearn,
          username: m.username,
          groups: (m.groups ?? []).map((name) => ({ name, at: m.at })),
          at: m.at,
          employees: [],
          preserved: true,
        });
      for (const m of c.awsAuth.mapUsers)
        out.push({
          cluster: c.name,
          via,
          kind: 'user',
          arn: m.userarn,
          username: m.username,
          groups: (m.groups ?? []).map((name) => ({ name, at: m.at })),
          at: m.at,
          employees: [],
          preserved: true,
        });
    }
    for (const { rolearn, members } of roles) {
      const first = members[0]!.e;
      out.push({
        cluster: c.name,
        via,
        kind: 'role',
        arn: via === 'aws-auth' ? rolearn : (first.identity as { arn: string }).arn,
        username: ROLE_USERNAME_TEMPLATE,
        groups: members.flatMap((p) => groupSources(p.grants)),
        at: first.identity.at,
        employee: first.name,
        employees: members.map((p) => p.e.name),
        preserved: false,
      });
    }
    for (const { e, grants } of people) {
      if (e.identity.kind === 'role') continue;
      out.push({
        cluster: c.name,
        via,
        kind: 'user',
        arn: principalArn(e, c),
        username: e.kubernetesUser,
        groups: groupSources(grants),
        at: e.identity.at,
        employee: e.name,
        employees: [e.name],
        preserved: false,
      });
    }
  }
  return out;
}

/** The lint view of a valid access folder: what every cluster would really grant once generated. */
export function inputFromModel(model: AccessModel, today: string): LintInput {
  const input: LintInput = { mode: 'access', today, model, grants: [], identities: [], awsAuth: [], accessPolicies: [], roles: [], bindings: [], iamUsers: [] };
  const clusters = [...model.clusters.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  const employees = [...model.employees.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  const byCluster = peopleByCluster(model);
  const boundRoles = new Set<string>();
  const made = indexAsMade(input);
  for (const c of clusters) {
    const on = byCluster.get(c.name) ?? new Map<Employee, ModelGrant[]>();
    for (const e of employees) {
      const grants = on.get(e);
      if (!grants) continue;
      employeeGrants(model, c, e, grants, input, made, boundRoles);
      for (const g of grants) {
        if (g.kind === 'accessPolicy')
          input.accessPolicies.push({
            cluster: c.name,
            principalArn: principalArn(e, c),
            policy: g.accessPolicy,
            ...(g.namespaces && { namespaces: g.namespaces }),
            at: g.at,
            employee: e.name,
          });
      }
    }
    const people = [...on].map(([e, grants]) => ({ e, grants }));
    for (const m of identitiesOf(model, c, people)) input.identities.push(m);
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
      bound: boundRoles.has(profileRoleName(p)),
    };
    input.roles.push(role);
  }
  for (const e of employees) {
    if (e.identity.kind !== 'iamUser') continue;
    const theirs = clusters.filter((c) => byCluster.get(c.name)?.has(e));
    const { arns, document } = describeClustersPolicy(theirs);
    const user: IamUserView = {
      name: `${IAM_USER_PATH}${e.identity.userName}`,
      employee: e.name,
      at: e.identity.at,
      managedPolicies: [],
      inlinePolicies: [
        {
          name: DESCRIBE_POLICY_NAME,
          text: document,
          statements: [
            { effect: 'Allow', actions: ['eks:DescribeCluster'], notActions: [], resources: arns, notResources: [], hasCondition: false, at: e.identity.at },
          ],
          at: e.identity.at,
        },
      ],
    };
    input.iamUsers.push(user);
  }
  return input;
}
