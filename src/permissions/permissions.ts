/**
 * Shared by `diff` and `explain`: permissions in words, where a permission comes from, and the fixed
 * vocabulary of capability checks that `diff` asks the RBAC engine about.
 */
import { lineText, positionOf, type Source } from '../diagnostics.js';
import { principalArn } from '../model/resolve.js';
import type { Grant as LintGrant } from '../lint/types.js';
import { stripRolePath } from '../model/identity.js';
import type { AccessModel, Cluster, Employee, Grant, PolicyRule } from '../model/types.js';
import type { Bundle, Request, UserInfo } from '../rbac/engine.js';
import type { GraphBinding, GraphPolicy } from '../rbac/graph.js';
import { codeSpan, compareStrings, markdownText } from '../text.js';

/** Verbs in the order people say them; others after, alphabetically. */
const VERB_ORDER = [
  'get',
  'list',
  'watch',
  'create',
  'update',
  'patch',
  'delete',
  'deletecollection',
  'bind',
  'escalate',
  'impersonate',
  'approve',
  'sign',
  'use',
  'post',
  'put',
  'head',
  'options',
  '*',
];

export function compareVerbs(a: string, b: string): number {
  const ia = VERB_ORDER.indexOf(a);
  const ib = VERB_ORDER.indexOf(b);
  return (ia === -1 ? VERB_ORDER.length : ia) - (ib === -1 ? VERB_ORDER.length : ib) || compareStrings(a, b);
}

export function sortVerbs(verbs: Iterable<string>): string[] {
  return [...new Set(verbs)].sort(compareVerbs);
}

/** A word with a `*` in it, in backticks so Markdown shows it as written. */
export function code(text: string): string {
  return text.includes('*') ? codeSpan(text) : text;
}

/** `plain` escapes the verbs (Markdown); the words of `*` are this module's own. */
export function verbsText(verbs: readonly string[], plain: (text: string) => string = (t) => t): string {
  return sortVerbs(verbs)
    .map((v) => (v === '*' ? '`*` (every verb)' : plain(v)))
    .join(', ');
}

/** `pods`, `deployments.apps`, `pods/log`, `roles.rbac.authorization.k8s.io` (kubectl's spelling). */
export function resourceLabel(group: string, resource: string, plain: (text: string) => string = (t) => t): string {
  // `plain` escapes what is not in a code span (Markdown).
  const word = (t: string) => (t.includes('*') ? codeSpan(t) : plain(t));
  if (resource === '*') return group === '*' ? 'every resource' : `every resource of ${group === '' ? 'the core API group' : `API group ${word(group)}`}`;
  if (resource.startsWith('*/')) return `${word(resource)}${group === '*' ? ' of every API group' : group === '' ? '' : `.${plain(group)}`}`;
  if (group === '*') return `${word(resource)} of every API group`;
  return word(group === '' ? resource : `${resource}.${group}`);
}

/**
 * What a rule applies to, in words: `pods, services`, `secrets named db-password`, `/healthz, /readyz`.
 * `plain` escapes the names of the rule that are not in a code span (Markdown).
 */
export function ruleObjects(rule: PolicyRule, plain: (text: string) => string = (t) => t): string {
  const parts: string[] = [];
  const groups = rule.apiGroups ?? [];
  for (const res of rule.resources ?? []) for (const g of groups) parts.push(resourceLabel(g, res, plain));
  const names = rule.resourceNames && rule.resourceNames.length > 0 ? ` named ${rule.resourceNames.map(plain).join(', ')}` : '';
  const urls = (rule.nonResourceURLs ?? []).map((u) => (u.includes('*') ? codeSpan(u) : plain(u)));
  const what = [parts.join(', ') + names, urls.length > 0 ? `non-resource URLs ${urls.join(', ')}` : ''].filter((s) => s !== '');
  return what.join('; ') || 'nothing';
}

/** Is this the rule of cluster-admin: every verb on every resource of every API group? */
export function isFullWildcard(rule: PolicyRule): boolean {
  return rule.verbs.includes('*') && (rule.apiGroups ?? []).includes('*') && (rule.resources ?? []).includes('*') && !rule.resourceNames?.length;
}

/** The grant of the access file a lint grant came from. */
function modelGrantOf(model: AccessModel, g: LintGrant): Grant | undefined {
  const e = g.employee === undefined ? undefined : model.employees.get(g.employee);
  if (e === undefined) return undefined;
  const p = positionOf(g.at);
  return e.grants.find((x) => {
    if (x.at.file !== g.at.file) return false;
    const q = positionOf(x.at);
    return q.line === p.line && q.column === p.column;
  });
}

/** A grant of the access file in a few words: `profile debugger`, `inline rules`, `level admin`. */
export function grantKindText(g: Grant): string {
  switch (g.kind) {
    case 'level':
      return `level ${g.level}`;
    case 'profile':
      return `profile ${g.profile}`;
    case 'rules':
      return 'inline rules';
    case 'groups':
      return `${g.groups.length === 1 ? 'group' : 'groups'} ${g.groups.join(', ')}`;
    case 'accessPolicy':
      return `access policy ${g.accessPolicy}`;
  }
}

export function at(s: Source): string {
  return lineText(s);
}

/** Where a granted rule comes from, for a person: `profile debugger, access/employees/grace.yaml:18`. */
export function sourceText(model: AccessModel, g: LintGrant, forEmployee: string, options: { expiry?: boolean; markdown?: boolean } = {}): string {
  const mg = modelGrantOf(model, g);
  const what = mg ? grantKindText(mg) : g.role.name;
  const shared = g.employee !== undefined && g.employee !== forEmployee ? `, through the role shared with ${g.employee}` : '';
  const expiry = options.expiry && g.expires !== undefined ? `, until ${g.expires}` : '';
  const text = `${what}, ${at(g.at)}${shared}${expiry}`;
  return options.markdown ? markdownText(text) : text;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export class GrantIndex {
  private readonly own = new Map<string, LintGrant[]>();
  /** Access policies and `system:masters` of role identities, by cluster and principal. */
  private readonly principal = new Map<string, LintGrant[]>();

  constructor(model: AccessModel, grants: readonly LintGrant[]) {
    for (const g of grants) {
      push(this.own, `${g.cluster}\0${g.employee ?? ''}`, g);
      const other = g.employee === undefined ? undefined : model.employees.get(g.employee);
      const c = model.clusters.get(g.cluster);
      if (!other || !c || other.identity.kind !== 'role') continue;
      if (g.role.kind === 'AccessPolicy') push(this.principal, principalKey(other, c, true), g);
      else if (g.role.name === 'system:masters') push(this.principal, principalKey(other, c, false), g);
    }
  }

  /** Every lint grant that gives `e` permissions on cluster `c`. */
  for(c: Cluster, e: Employee): LintGrant[] {
    const own = this.own.get(`${c.name}\0${e.name}`) ?? [];
    if (e.identity.kind !== 'role') return own;
    const shared = [...(this.principal.get(principalKey(e, c, true)) ?? []), ...(this.principal.get(principalKey(e, c, false)) ?? [])];
    return [...own, ...shared.filter((g) => g.employee !== e.name)];
  }
}

/**
 * Who shares a role's access policies (an access entry, keyed by the full ARN) or its aws-auth
 * groups (the authenticator sees the ARN without its path).
 */
function principalKey(e: Employee, c: Cluster, forAccessPolicies: boolean): string {
  const arn = forAccessPolicies ? principalArn(e, c) : e.identity.kind === 'role' ? stripRolePath(e.identity.arn) : principalArn(e, c);
  return `${c.name}\0${forAccessPolicies ? 'entry' : 'aws-auth'}\0${arn.toLowerCase()}`;
}

/** Does a lint grant's scope apply to `namespace` (undefined: the cluster-wide scope)? */
export function grantAppliesIn(g: LintGrant, namespace: string | undefined): boolean {
  if (g.namespace === undefined) return true;
  if (namespace === undefined) return false;
  return g.namespace === namespace || (g.namespace.endsWith('*') && namespace.startsWith(g.namespace.slice(0, -1)));
}

// ---------------------------------------------------------------------------------------------
// The engine, narrowed to one person.

/** A bundle with its bindings indexed by subject, so a person's part is found without scanning. */
export interface IndexedBundle {
  bundle: Bundle;
  bySubject: Map<string, GraphBinding[]>;
}

export function indexBundle(bundle: Bundle): IndexedBundle {
  const bySubject = new Map<string, GraphBinding[]>();
  for (const b of bundle.bindings) {
    for (const s of b.subjects) {
      if (s.kind === 'ServiceAccount') continue; // employees are never service accounts
      const key = `${s.kind}:${s.name}`;
      const list = bySubject.get(key) ?? [];
      if (!list.includes(b)) list.push(b);
      bySubject.set(key, list);
    }
  }
  return { bundle, bySubject };
}

/** The part of a bundle that concerns `who`: authorize gives the same answers on it, faster. */
export function personalBundle(ib: IndexedBundle, who: UserInfo): Bundle {
  const bindings = new Set<GraphBinding>(ib.bySubject.get(`User:${who.user}`) ?? []);
  for (const g of who.groups) for (const b of ib.bySubject.get(`Group:${g}`) ?? []) bindings.add(b);
  const policies = ib.bundle.policies.filter(
    (p: GraphPolicy) => (p.user !== undefined && p.user === who.user) || (p.group !== undefined && who.groups.includes(p.group)),
  );
  return { ...ib.bundle, bindings: [...bindings], policies };
}

// ---------------------------------------------------------------------------------------------
// The vocabulary of capability checks.

export interface Check {
  /** Stable key: `verb group resource[/sub]`, or `verb :url *` for non-resource URLs. */
  id: string;
  verb: string;
  /** What it is about, in words (`pods/exec`, `deployments.apps`). */
  label: string;
  /** Position of the label in the vocabulary, to list resources in a familiar order. */
  order: number;
  request: Request;
  /** Cluster-scoped resources and non-resource URLs are only asked about cluster-wide. */
  clusterOnly: boolean;
  /** The "everything" check: `*` verbs on `*` resources of `*` groups. */
  wildcard?: boolean;
}

const CRUD = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];
const RBAC = 'rbac.authorization.k8s.io';

interface Entry {
  group: string;
  resource: string;
  cluster?: boolean;
  verbs?: string[];
}

/** The resources `diff` asks about, with the verbs that matter for each. */
const VOCABULARY: Entry[] = [
  { group: '', resource: 'pods' },
  { group: '', resource: 'pods/exec' },
  { group: '', resource: 'pods/log' },
  { group: '', resource: 'pods/attach' },
  { group: '', resource: 'pods/portforward' },
  { group: '', resource: 'secrets' },
  { group: '', resource: 'configmaps' },
  { group: '', resource: 'services' },
  { group: '', resource: 'serviceaccounts', verbs: [...CRUD, 'impersonate'] },
  { group: '', resource: 'serviceaccounts/token' },
  { group: 'apps', resource: 'deployments' },
  { group: 'apps', resource: 'statefulsets' },
  { group: 'apps', resource: 'daemonsets' },
  { group: 'batch', resource: 'jobs' },
  { group: 'batch', resource: 'cronjobs' },
  { group: RBAC, resource: 'roles', verbs: [...CRUD, 'bind', 'escalate'] },
  { group: RBAC, resource: 'rolebindings' },
  { group: RBAC, resource: 'clusterroles', cluster: true, verbs: [...CRUD, 'bind', 'escalate'] },
  { group: RBAC, resource: 'clusterrolebindings', cluster: true },
  { group: '', resource: 'nodes', cluster: true },
  { group: '', resource: 'nodes/proxy', cluster: true },
  { group: '', resource: 'namespaces', cluster: true },
  { group: '', resource: 'persistentvolumes', cluster: true },
  { group: '', resource: 'users', cluster: true, verbs: ['impersonate'] },
  { group: '', resource: 'groups', cluster: true, verbs: ['impersonate'] },
  { group: 'admissionregistration.k8s.io', resource: 'mutatingwebhookconfigurations', cluster: true },
  { group: 'admissionregistration.k8s.io', resource: 'validatingwebhookconfigurations', cluster: true },
];

const NON_RESOURCE_VERBS = ['get', 'post', 'put', 'patch', 'delete'];

/** The label of every non-resource URL (the `*` check). */
const ALL_URLS_LABEL = 'every non-resource URL';
export const EVERYTHING_LABEL = 'everything';

function buildChecks(): Check[] {
  const checks: Check[] = [
    { id: '* * *', verb: '*', label: EVERYTHING_LABEL, order: -1, request: { verb: '*', group: '*', resource: '*' }, clusterOnly: false, wildcard: true },
  ];
  VOCABULARY.forEach((entry, order) => {
    const [resource, subresource] = entry.resource.split('/') as [string, string | undefined];
    for (const verb of entry.verbs ?? CRUD) {
      checks.push({
        id: `${verb} ${entry.group} ${entry.resource}`,
        verb,
        label: resourceLabel(entry.group, entry.resource),
        order,
        request: { verb, group: entry.group, resource, ...(subresource !== undefined && { subresource }) },
        clusterOnly: entry.cluster === true,
      });
    }
  });
  for (const verb of NON_RESOURCE_VERBS)
    checks.push({ id: `${verb} :url *`, verb, label: ALL_URLS_LABEL, order: VOCABULARY.length, request: { verb, path: '*' }, clusterOnly: true });
  return checks;
}

export const CHECKS: readonly Check[] = buildChecks();

/** Is the concrete `verb group resource` one the vocabulary asks about (at this scope)? */
const CHECK_IDS = new Set(CHECKS.map((c) => c.id));
const CLUSTER_ONLY_IDS = new Set(CHECKS.filter((c) => c.clusterOnly).map((c) => c.id));
export function inVocabulary(id: string, clusterWide: boolean): boolean {
  return CHECK_IDS.has(id) && (clusterWide || !CLUSTER_ONLY_IDS.has(id));
}

/** The request a check makes in `namespace` (undefined: cluster-wide, kubectl's -A). */
export function requestIn(check: Check, namespace: string | undefined): Request {
  if ('path' in check.request) return check.request;
  return { ...check.request, ...(namespace !== undefined && { namespace }) };
}

/** Human words for the authentication mode of a cluster. */
export const AUTH_MODE: Record<Cluster['authentication'], string> = {
  'aws-auth': 'the aws-auth ConfigMap (CONFIG_MAP)',
  'access-entries': 'EKS access entries (API)',
  both: 'EKS access entries and the aws-auth ConfigMap (API_AND_CONFIG_MAP)',
};

/** How a person signs in, in words. */
export function identityText(e: Employee): string {
  switch (e.identity.kind) {
    case 'iamUser':
      return `IAM user ${e.identity.userName} (created by this repository)`;
    case 'iamUserArn':
      return `existing IAM user ${e.identity.arn}`;
    case 'role':
      return `role ${e.identity.arn} with session name ${e.identity.sessionName}`;
  }
}
