/**
 * The lint view of Kubernetes RBAC manifests, aws-auth ConfigMaps and Terraform JSON as given with
 * `--manifests`: bindings followed to the rules they grant (aggregated ClusterRoles resolved, the
 * Kubernetes defaults known), aws-auth strings read the way aws-iam-authenticator reads them.
 */
import { isScalar, Scalar } from 'yaml';
import { readAwsAuth, type AwsAuthSection, type InnerPosition } from '../rbac/aws-auth.js';
import { positionOf, type Diagnostic, type Source } from '../diagnostics.js';
import { locate, nodeAt, type LoadedDocument, type PathSegment } from '../load/load.js';
import { at, strings, type Located } from '../rbac/objects.js';
import { dataAsKubectlReadsIt } from '../rbac/manifest-bundle.js';
import { graphFromDocuments, type GraphBinding, type Subject } from '../rbac/graph.js';
import type { PolicyRule } from '../model/types.js';
import { apiGroupMatches, nonResourceURLMatches, resourceMatches, verbMatches } from '../rbac/match.js';
import { builtinAccessPolicies, builtinClusterRoles, builtinNamespaceRoles, resolveAggregation, type ClusterRoleData } from '../rbac/builtin.js';
import { UNBOUND } from './analysis.js';
import type { AwsAuthView, BindingObject, Grant, IamStatement, IamUserView, LintInput, RoleObject } from './types.js';

/** Objects Kubernetes or EKS create in every cluster without a `system:`/`eks:` prefix. */
const PLATFORM_OBJECTS = new Set(['aws-node', 'extension-apiserver-authentication-reader', 'vpc-resource-controller-role', 'eks-vpc-resource-controller-role']);

/* ---------- aws-auth ---------- */

/**
 * Where line `innerLine` (1-based) of a string value lies in the file: for a block scalar (`|`) the
 * content starts on the line after the header, indented; other styles map to the value itself.
 */
function innerPosition(l: Located, path: PathSegment[], innerLine: number, innerCol: number): Source {
  const { doc, lineCounter } = l.d.syntax();
  const node = nodeAt(doc, [...l.base, ...path]);
  const outer = at(l, path);
  if (!isScalar(node) || (node.type !== Scalar.BLOCK_LITERAL && node.type !== Scalar.BLOCK_FOLDED)) return outer;
  const outerLine = positionOf(outer).line;
  const contentLine = outerLine + innerLine;
  // The block's indentation, read off its first content line (lineStarts is 0-based).
  const start = lineCounter.lineStarts[outerLine] ?? 0;
  const indent = /^ */.exec(l.d.text.slice(start, start + 200))![0].length;
  return { file: outer.file, line: contentLine, column: indent + innerCol };
}

function parseAwsAuth(l: Located, out: LintInput): void {
  const read = readAwsAuth(dataAsKubectlReadsIt(l.d, l.base, l.obj.data));
  const where = (section: AwsAuthSection, pos: InnerPosition | undefined): Source =>
    pos ? innerPosition(l, ['data', section], pos.line, pos.column) : at(l, ['data', section]);
  const view: AwsAuthView = {
    cluster: '',
    at: at(l),
    // The authenticator looks every ARN up in both sections: a node role written under mapUsers works too.
    hasNodeMapping: read.entries.some((e) => e.groups.some((g) => g.name === 'system:nodes')),
    nodeMappingNotRequired: false,
    ignoredKeys: read.ignoredKeys.map((key) => ({ key, at: at(l, ['data', key], true) })),
    invalidEntries: [
      ...(read.invalid !== undefined
        ? [{ reason: read.invalid, at: at(l, read.invalidKey !== undefined ? ['data', read.invalidKey] : ['data']), wholeSection: true, refused: true }]
        : []),
      ...read.problems.map((p) => ({ reason: p.reason, at: where(p.section, p.pos), wholeSection: p.wholeSection, ...(p.kept && { kept: true }) })),
    ],
  };
  for (const e of read.entries) {
    // What the ARN names decides what it is, not the section it is written in (both are looked up).
    const type = /^arn:[^:]*:iam::[^:]*:(role|user)\//.exec(e.arn)?.[1];
    out.identities.push({
      cluster: '',
      via: 'aws-auth',
      kind: type === 'role' || type === 'user' ? type : e.section === 'mapRoles' ? 'role' : 'user',
      section: e.section,
      arn: e.arn,
      ...(e.username !== undefined && { username: e.username }),
      groups: e.groups.map((g) => ({ name: g.name, at: where(e.section, g.pos) })),
      at: where(e.section, e.pos),
      employees: [],
      preserved: true,
    });
  }
  for (const a of read.accounts) {
    out.identities.push({
      cluster: '',
      via: 'aws-auth',
      kind: 'account',
      section: 'mapAccounts',
      arn: a.id,
      groups: [],
      at: where('mapAccounts', a.pos),
      employees: [],
      preserved: true,
    });
  }
  out.awsAuth.push(view);
}

/* ---------- Terraform JSON ---------- */

function statementsOf(policy: string, where: Source): IamStatement[] | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(policy);
  } catch {
    return undefined;
  }
  const list = (doc as { Statement?: unknown }).Statement;
  const statements = Array.isArray(list) ? list : list ? [list] : [];
  const arr = (v: unknown) => (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)]);
  return statements.map((s: Record<string, unknown>) => ({
    effect: String(s.Effect ?? ''),
    actions: arr(s.Action),
    notActions: arr(s.NotAction),
    resources: arr(s.Resource),
    notResources: arr(s.NotResource),
    hasCondition: s.Condition !== undefined,
    at: where,
  }));
}

function parseTerraform(d: LoadedDocument, out: LintInput): void {
  const resources = ((d.data as { resource?: Record<string, Record<string, Record<string, unknown>>> }).resource ?? {}) as Record<
    string,
    Record<string, Record<string, unknown>>
  >;
  const users = new Map<string, IamUserView>();
  const userFor = (ref: unknown, where: Source): IamUserView => {
    const text = String(ref ?? '');
    const m = /^\$\{aws_iam_user\.([^.}]+)\.(name|id)\}$/.exec(text);
    const key = m ? m[1]! : `name:${text}`;
    let u = users.get(key);
    if (!u) {
      u = { name: m ? m[1]! : text, at: where, managedPolicies: [], inlinePolicies: [] };
      users.set(key, u);
    }
    return u;
  };
  for (const [name, body] of Object.entries(resources.aws_iam_user ?? {})) {
    const u = userFor(`\${aws_iam_user.${name}.name}`, locate(d, ['resource', 'aws_iam_user', name], true));
    u.name = String(body.name ?? name);
  }
  for (const [name, body] of Object.entries(resources.aws_iam_user_policy ?? {})) {
    const where = locate(d, ['resource', 'aws_iam_user_policy', name], true);
    const u = userFor(body.user, where);
    const text = typeof body.policy === 'string' ? body.policy : JSON.stringify(body.policy ?? {});
    const statements = statementsOf(text.replace(/\$\$\{/g, '${'), locate(d, ['resource', 'aws_iam_user_policy', name, 'policy']));
    u.inlinePolicies.push({ name: String(body.name ?? name), text, statements: statements ?? [], at: where });
  }
  for (const [name, body] of Object.entries(resources.aws_iam_user_policy_attachment ?? {})) {
    const where = locate(d, ['resource', 'aws_iam_user_policy_attachment', name], true);
    userFor(body.user, where).managedPolicies.push({ arn: String(body.policy_arn ?? ''), at: where });
  }
  for (const [name, body] of Object.entries(resources.aws_iam_policy_attachment ?? {})) {
    const where = locate(d, ['resource', 'aws_iam_policy_attachment', name], true);
    for (const user of strings(body.users)) userFor(user, where).managedPolicies.push({ arn: String(body.policy_arn ?? ''), at: where });
  }
  out.iamUsers.push(...users.values());
  parseAccessPolicyAssociations(d, resources.aws_eks_access_policy_association ?? {}, out);
  parseAccessEntries(d, resources.aws_eks_access_entry ?? {}, out);
}

/** `aws_eks_access_entry` resources: identity mappings as EKS reads them (username, Kubernetes groups). */
function parseAccessEntries(d: LoadedDocument, entries: Record<string, Record<string, unknown>>, out: LintInput): void {
  for (const [name, body] of Object.entries(entries)) {
    if (!body || typeof body !== 'object') continue;
    const at = locate(d, ['resource', 'aws_eks_access_entry', name], true);
    const arn = String(body.principal_arn ?? '');
    const type = /^arn:[^:]*:iam::[^:]*:(role|user)\//.exec(arn)?.[1];
    const cluster = typeof body.cluster_name === 'string' && !body.cluster_name.includes('${') ? body.cluster_name : '';
    const groups = strings(body.kubernetes_groups).map((g, i) => ({
      name: g,
      at: locate(d, ['resource', 'aws_eks_access_entry', name, 'kubernetes_groups', i]),
    }));
    out.identities.push({
      cluster,
      via: 'access-entry',
      kind: type === 'user' ? 'user' : 'role',
      arn,
      ...(typeof body.user_name === 'string' && { username: body.user_name }),
      groups,
      at,
      employees: [],
      preserved: false,
    });
  }
}

/**
 * `aws_eks_access_policy_association` resources: judged like an access entry's grants, the policy
 * expanded to the rules EKS documents for it, cluster-wide unless `access_scope` names namespaces.
 */
function parseAccessPolicyAssociations(d: LoadedDocument, associations: Record<string, Record<string, unknown>>, out: LintInput): void {
  for (const [name, body] of Object.entries(associations)) {
    if (!body || typeof body !== 'object') continue;
    const at = locate(d, ['resource', 'aws_eks_access_policy_association', name], true);
    const arn = String(body.policy_arn ?? '');
    const policy = /cluster-access-policy\/([^/]+)$/.exec(arn)?.[1] ?? (arn === '' ? '(no policy_arn)' : arn);
    const scopes = Array.isArray(body.access_scope) ? body.access_scope : body.access_scope !== undefined ? [body.access_scope] : [];
    const scope = (scopes[0] ?? {}) as Record<string, unknown>;
    const namespaces = scope.type === 'namespace' ? strings(scope.namespaces) : undefined;
    const principal = String(body.principal_arn ?? name);
    const cluster = typeof body.cluster_name === 'string' && !body.cluster_name.includes('${') ? body.cluster_name : '';
    out.accessPolicies.push({ cluster, principalArn: principal, policy, ...(namespaces !== undefined && { namespaces }), at });
    const data = builtinAccessPolicies().get(policy);
    for (const rule of data?.rules ?? []) {
      for (const namespace of namespaces ?? [undefined]) {
        out.grants.push({
          cluster,
          subject: { kind: 'User', name: principal },
          ...(namespace !== undefined && { namespace }),
          rule,
          role: { kind: 'AccessPolicy', name: policy, builtin: true },
          at,
        });
      }
    }
  }
}

/* ---------- RBAC ---------- */

/** A rule written canonically (sorted lists), so two copies of a role compare equal. */
function ruleKey(r: PolicyRule): string {
  const sorted = (v: readonly string[] | undefined) => (v === undefined ? null : [...v].sort());
  return JSON.stringify([sorted(r.apiGroups), sorted(r.resources), sorted(r.resourceNames), sorted(r.verbs), sorted(r.nonResourceURLs)]);
}

const shippedKeys = new Map<string, Set<string>>();

/**
 * Does the default rule `d` allow at least what `r` allows? Each value of `r` must be matched by
 * `d` as the RBAC authorizer matches a request (`*`, star-slash-subresource, URL prefixes); a
 * wildcard in `r` only by the same wildcard or a wider one.
 */
function covers(d: PolicyRule, r: PolicyRule): boolean {
  const has = (list: readonly string[] | undefined, x: string) => (list ?? []).includes(x) || (list ?? []).includes('*');
  const groups = (r.apiGroups ?? []).every((g) => (g === '*' ? has(d.apiGroups, '*') : apiGroupMatches(d, g)));
  const verbs = r.verbs.every((v) => (v === '*' ? has(d.verbs, '*') : verbMatches(d, v)));
  const resources = (r.resources ?? []).every((x) => {
    if (x === '*' || x.startsWith('*/')) return has(d.resources, x);
    const slash = x.indexOf('/');
    return slash < 0 ? resourceMatches(d, x) : resourceMatches(d, x.slice(0, slash), x.slice(slash + 1));
  });
  const urls = (r.nonResourceURLs ?? []).every((u) =>
    u.endsWith('*')
      ? (d.nonResourceURLs ?? []).some((v) => v === '*' || v === u || (v.endsWith('*') && u.startsWith(v.replace(/\*+$/, ''))))
      : nonResourceURLMatches(d, u),
  );
  const within = (a: readonly string[] | undefined, b: readonly string[] | undefined) => (a ?? []).every((x) => (b ?? []).includes(x));
  const names = (d.resourceNames ?? []).length === 0 || ((r.resourceNames ?? []).length > 0 && within(r.resourceNames, d.resourceNames));
  return groups && verbs && resources && urls && names;
}

/**
 * Is this ClusterRole a copy of the Kubernetes default of its name, by content: no rule the shipped
 * role (aggregated) lacks, and its aggregation or none? Names alone say nothing: anyone can call a
 * role system:x.
 */
function isShippedCopy(
  name: string,
  rules: readonly PolicyRule[],
  aggregationRule: RoleObject['aggregationRule'] | undefined,
  labels: Readonly<Record<string, string>>,
): boolean {
  const shipped = builtinClusterRoles().get(name);
  if (!shipped) return false;
  // An aggregation label the default lacks pours its rules into another role (aggregate-to-view:
  // into what everyone holds): not a copy.
  if (Object.entries(labels).some(([k, v]) => k.startsWith('rbac.authorization.k8s.io/aggregate-to-') && shipped.labels[k] !== v)) return false;
  let keys = shippedKeys.get(name);
  if (!keys) {
    keys = new Set(shipped.rules.map(ruleKey));
    shippedKeys.set(name, keys);
  }
  // Without an aggregationRule the API server puts the default's back (as it does the rules, below);
  // a different one is a different role.
  if (
    aggregationRule !== undefined &&
    JSON.stringify(aggregationRule.clusterRoleSelectors ?? null) !== JSON.stringify(shipped.aggregationRule?.clusterRoleSelectors ?? null)
  )
    return false;
  return rules.every((r) => keys.has(ruleKey(r)) || shipped.rules.some((d) => covers(d, r)));
}

const PLATFORM_PREFIX = /^(system|eks|kubeadm):/;
/** Groups every request or every service account is in: defaults bind only discovery roles to them. */
const EVERYONE = /^system:(authenticated|unauthenticated|anonymous|serviceaccounts)(:|$)/;
const DISCOVERY_ROLES = new Set(['system:basic-user', 'system:discovery', 'system:public-info-viewer', 'system:service-account-issuer-discovery']);
const USER_FACING = new Set(['cluster-admin', 'admin', 'edit', 'view']);

/**
 * A binding Kubernetes or EKS creates, by content: the default `cluster-admin` binding of the group
 * system:masters; a `system:`/`eks:`/`kubeadm:` binding of an unchanged default ClusterRole to
 * platform identities only (discovery roles alone to everyone); the EKS add-on bindings of
 * kube-system service accounts. A binding of yours called system:x is judged like any other.
 */
function isPlatformBinding(name: string, subjects: Subject[], roleRef: { kind: string; name: string }, roleIsDefault: boolean): boolean {
  if (name === 'cluster-admin' && roleRef.kind === 'ClusterRole' && roleRef.name === 'cluster-admin')
    return roleIsDefault && subjects.length > 0 && subjects.every((s) => s.kind === 'Group' && s.name === 'system:masters');
  if (PLATFORM_PREFIX.test(name)) {
    if ((roleRef.kind !== 'ClusterRole' && roleRef.kind !== 'Role') || !roleIsDefault || USER_FACING.has(roleRef.name)) return false;
    return subjects.every((s) =>
      s.kind === 'ServiceAccount'
        ? s.namespace === 'kube-system'
        : PLATFORM_PREFIX.test(s.name) && (!EVERYONE.test(s.name) || DISCOVERY_ROLES.has(roleRef.name)) && s.name !== 'system:masters',
    );
  }
  return PLATFORM_OBJECTS.has(name) && subjects.every((s) => s.kind === 'ServiceAccount' && s.namespace === 'kube-system');
}

/** A binding's subjects, ServiceAccounts' namespace defaulting to the binding's, each at its place. */
function subjectsOf(b: GraphBinding<LoadedDocument>, l: Located): (Subject & { at: Source })[] {
  return b.subjects.map((s) => {
    const namespace = s.kind === 'ServiceAccount' ? (s.namespace ?? b.namespace) : undefined;
    return { kind: s.kind, name: s.name, ...(namespace !== undefined && { namespace }), at: at(l, ['subjects', s.index ?? 0]) };
  });
}

/** Builds the lint input from loaded manifest documents; unknown kinds are ignored. */
export function inputFromManifests(documents: readonly LoadedDocument[], today: string): { input: LintInput; diagnostics: Diagnostic[] } {
  const input: LintInput = { mode: 'manifests', today, grants: [], identities: [], awsAuth: [], accessPolicies: [], roles: [], bindings: [], iamUsers: [] };
  const diagnostics: Diagnostic[] = [];
  const roleObjs: { l: Located; role: RoleObject; annotations: Record<string, unknown> }[] = [];
  const bindingObjs: { l: Located; b: GraphBinding<LoadedDocument> }[] = [];
  for (const d of documents) {
    const data = d.data as Record<string, unknown> | null;
    if (data && typeof data === 'object' && !Array.isArray(data) && 'resource' in data && !('kind' in data)) {
      parseTerraform(d, input);
      continue;
    }
    const graph = graphFromDocuments([d]);
    for (const r of graph.roles) {
      const l = r.from!;
      const rules = r.rules.map(({ rule, index }) => ({ rule, at: at(l, ['rules', index]) }));
      const { kind, name, namespace, labels, aggregationRule } = r;
      const role: RoleObject = {
        cluster: '',
        kind,
        name,
        ...(namespace !== undefined && { namespace }),
        labels,
        ...(aggregationRule && { aggregationRule }),
        rules,
        at: at(l),
        // A namespaced Role called `admin` is the user's own; only the ClusterRoles are the defaults.
        // Only unchanged copies of the defaults are the platform's; a role named like one is judged as written.
        builtin:
          kind === 'ClusterRole'
            ? isShippedCopy(
                name,
                rules.map((x) => x.rule),
                aggregationRule,
                labels,
              ) || PLATFORM_OBJECTS.has(name)
            : PLATFORM_OBJECTS.has(name) || (namespace === 'kube-system' && PLATFORM_PREFIX.test(name)),
        platformName: PLATFORM_PREFIX.test(name) || PLATFORM_OBJECTS.has(name) || (kind === 'ClusterRole' && USER_FACING.has(name)),
        bound: false,
      };
      roleObjs.push({ l, role, annotations: r.annotations });
    }
    for (const b of graph.bindings) bindingObjs.push({ l: b.from!, b });
    for (const l of graph.awsAuth) parseAwsAuth(l, input);
  }

  // ClusterRoles: the defaults first, then the given ones over them; aggregation over both.
  const clusterData = new Map<string, ClusterRoleData & { given?: RoleObject }>();
  for (const [name, r] of builtinClusterRoles()) clusterData.set(name, r);
  for (const { role, annotations } of roleObjs) {
    if (role.kind !== 'ClusterRole') continue;
    const rules = role.rules.map((r) => r.rule);
    // A ClusterRole written under the name of a bootstrap role does not replace it: at every start the
    // API server puts the bootstrap rules back into it, keeping the extra ones, unless the role is
    // annotated rbac.authorization.kubernetes.io/autoupdate: "false" (kube-apiserver's
    // primeClusterRoles with reconciliation's computeReconciledRole, extra permissions not removed).
    // What a binding to it grants is both.
    const shipped = builtinClusterRoles().get(role.name);
    if (shipped && annotations['rbac.authorization.kubernetes.io/autoupdate'] !== 'false') rules.push(...shipped.rules);
    clusterData.set(role.name, {
      name: role.name,
      labels: role.labels,
      ...((role.aggregationRule ?? shipped?.aggregationRule) && { aggregationRule: role.aggregationRule ?? shipped!.aggregationRule! }),
      rules,
      given: role,
    });
  }
  const resolved = resolveAggregation(clusterData);

  for (const { l, b } of bindingObjs) {
    const { kind, namespace } = b;
    const roleRef = { kind: b.roleRef.kind, name: b.roleRef.name };
    const subjects = subjectsOf(b, l);
    const givenCluster = roleRef.kind === 'ClusterRole' ? clusterData.get(roleRef.name)?.given : undefined;
    // A platform role the input does not hold grants nothing this lint can see, so it hides nothing.
    const givenRole =
      roleRef.kind === 'Role'
        ? roleObjs.find((x) => x.role.kind === 'Role' && x.role.name === roleRef.name && (x.role.namespace ?? 'default') === namespace)?.role
        : undefined;
    const roleIsDefault =
      roleRef.kind === 'ClusterRole'
        ? givenCluster
          ? givenCluster.builtin
          : builtinClusterRoles().has(roleRef.name) || PLATFORM_PREFIX.test(roleRef.name)
        : roleRef.kind === 'Role' && givenRole !== undefined && givenRole.builtin;
    // A role named as the platform's that eks-access ships no defaults for (system:controller:*, eks:*
    // add-ons) cannot be compared by content: bound only to platform identities by a platform binding,
    // it is taken as the platform's; bound to anyone else, it is judged as written.
    const unknownPlatformRole =
      roleRef.kind === 'ClusterRole' && givenCluster !== undefined && !builtinClusterRoles().has(roleRef.name) && PLATFORM_PREFIX.test(roleRef.name);
    const builtin = isPlatformBinding(b.name, subjects, roleRef, roleIsDefault || unknownPlatformRole);
    let rules: { rule: PolicyRule; at?: Source }[] | undefined;
    let given: RoleObject | undefined;
    if (roleRef.kind === 'ClusterRole') {
      const r = resolved.get(roleRef.name);
      given = clusterData.get(roleRef.name)?.given;
      if (r)
        rules = r.rules.map((rule) => ({
          rule,
          ...(given && given.rules.find((x) => x.rule === rule) && { at: given.rules.find((x) => x.rule === rule)!.at }),
        }));
    } else if (roleRef.kind === 'Role') {
      given = roleObjs.find((x) => x.role.kind === 'Role' && x.role.name === roleRef.name && (x.role.namespace ?? 'default') === namespace)?.role;
      if (given) rules = given.rules;
      // The bootstrap Roles of kube-system and kube-public, which every cluster has.
      else
        rules = builtinNamespaceRoles()
          .get(`${namespace}/${roleRef.name}`)
          ?.map((rule) => ({ rule }));
    }
    if (given) given.bound = true;
    const binding: BindingObject = {
      cluster: '',
      kind,
      name: b.name,
      ...(namespace !== undefined && { namespace }),
      roleRef,
      subjects,
      at: at(l),
      builtin,
      platformName: PLATFORM_PREFIX.test(b.name) || PLATFORM_OBJECTS.has(b.name) || (b.name === 'cluster-admin' && roleRef.name === 'cluster-admin'),
      roleFound: rules !== undefined,
    };
    input.bindings.push(binding);
    if (builtin || !rules) continue;
    for (const s of subjects) {
      const subject: Subject = { kind: s.kind, name: s.name, ...(s.namespace !== undefined && { namespace: s.namespace }) };
      for (const r of rules) {
        const grant: Grant = {
          cluster: '',
          subject,
          ...(namespace !== undefined && { namespace }),
          rule: r.rule,
          role: { kind: roleRef.kind === 'Role' ? 'Role' : 'ClusterRole', name: roleRef.name, builtin: roleIsDefault },
          binding: { kind, name: b.name, ...(namespace !== undefined && { namespace }) },
          at: binding.at,
          ...(r.at && { ruleAt: r.at }),
        };
        input.grants.push(grant);
      }
    }
  }

  for (const { role } of roleObjs) {
    input.roles.push(role);
    if (role.bound || role.builtin) continue;
    // Judged as if bound, since a binding can come later; reported at each rule.
    const rules =
      role.kind === 'ClusterRole'
        ? resolved.get(role.name)!.rules.map((rule) => ({ rule, at: role.rules.find((x) => x.rule === rule)?.at ?? role.at }))
        : role.rules;
    for (const r of rules) {
      input.grants.push({
        cluster: '',
        subject: { kind: 'Group', name: `${UNBOUND} ${role.kind} ${role.namespace ? `${role.namespace}/` : ''}${role.name}` },
        ...(role.namespace !== undefined && { namespace: role.namespace }),
        rule: r.rule,
        role: { kind: role.kind, name: role.name, builtin: false },
        at: r.at,
        ruleAt: r.at,
      });
    }
  }
  return { input, diagnostics };
}
