/**
 * Least privilege from real usage: which grants of the access folder the requests in a cluster's
 * Kubernetes audit log used, which they did not, which requests were denied, and whose requests
 * belong to nobody in the folder. audit2rbac (liggitt/audit2rbac) writes RBAC from audit logs; this
 * joins the log with who should have what.
 *
 * - A request counts when its event is at stage `ResponseComplete` and its `stageTimestamp` is in the
 *   window. Allowed or denied is what the API server logged (`authorization.k8s.io/decision`, else a
 *   403 response).
 * - It is attributed to an employee by the Kubernetes username eks-access gave them (the same
 *   identity rules as generate: `model/identity.ts`), cross-checked with the caller's ARN the
 *   authenticator adds to the event (`user.extra.canonicalArn`, else `user.extra.arn`): a request
 *   under an employee's username from another principal is not theirs.
 * - An allowed request is matched against each grant by the offline authorizer's predicates
 *   (`rbac/engine.ts`, the API server's RBAC semantics): the grant's rules, where they apply (a
 *   namespaced grant only in its namespaces, never cluster-scoped requests), and EKS access
 *   policies. What every authenticated user may do anyway (the default ClusterRoleBindings
 *   `system:basic-user`, `system:discovery`, `system:public-info-viewer`) uses no grant.
 * - Events are counted per distinct request (user, verb, resource, namespace, decision) as they are
 *   read, so memory depends on how varied the requests are, not on how many there are.
 */
import { positionOf } from '../diagnostics.js';
import { principalArn, grantsOn, profileRoleName } from '../model/resolve.js';
import { dirname, relative, resolve, sep } from 'node:path';
import { describeGrant } from '../lint/rules/process/util.js';
import { parseIamArn, roleKubernetesUser, stripRolePath } from '../model/identity.js';
import type { AccessModel, Cluster, Employee, Grant, PolicyRule } from '../model/types.js';
import { namespaceSet } from '../model/namespaces.js';
import { builtinAccessPolicies, builtinClusterRoles, SUPERUSER_RULES } from '../rbac/builtin.js';
import { policyAppliesIn, rulesAllow, type Request } from '../rbac/engine.js';
import { compareStrings } from '../text.js';
import { DECISION_ANNOTATION, type AuditEvent } from './audit-log.js';

/** One permission: what a request did, or one verb on one resource a grant gives. */
export interface Permission {
  verb: string;
  /** The resource, or the non-resource URL (starting with `/`). */
  resource: string;
  subresource?: string;
  /** API group, `""` for the core group and for non-resource URLs. */
  group: string;
  /** Absent for cluster-scoped requests and cluster-wide grants. */
  namespace?: string;
}

export type GrantStatus = 'used' | 'partly-used' | 'unused';

export interface GrantUsage {
  employee: string;
  cluster: string;
  /** The access file, relative to the access folder's parent (as lint prints it from there). */
  file: string;
  line: number;
  status: GrantStatus;
  used: Permission[];
  unused: Permission[];
  suggestion: string;
  /** For the reports: the grant in the access file's terms, the person's team, and how many requests used it. */
  grant: string;
  team?: string;
  requests: number;
}

interface DeniedUsage extends Permission {
  employee: string;
  count: number;
}

export interface UsageReport {
  cluster: string;
  since: string;
  until: string;
  /** Events that counted: `ResponseComplete`, in the window. */
  events: number;
  grants: GrantUsage[];
  denied: DeniedUsage[];
  unattributed: { username: string; events: number }[];
  /** Allowed requests of employees that no grant of theirs explains (only when there are some). */
  unexplained?: DeniedUsage[];
}

/** The window, as dates (YYYY-MM-DD, both days included). */
export interface UsageWindow {
  since: string;
  until: string;
}

type Decision = 'allow' | 'deny';

/** A distinct request of the log and how often it was made. */
interface Tally {
  username: string;
  /** Who the authenticator said the caller is. */
  caller: Caller;
  request: Request;
  decision: Decision;
  count: number;
}

/** How a grant's access is judged: by its rules, as the superuser group, or not at all (rules eks-access cannot see). */
interface JudgedGrant {
  employee: Employee;
  grant: Grant;
  kind: 'rules' | 'superuser' | 'opaque';
  rules: readonly PolicyRule[];
  /** Undefined: cluster-wide. Access policies may end a namespace in `*`. */
  namespaces?: readonly string[];
  /** Why the rules are unknown, for opaque grants. */
  opaque?: string;
}

const NON_RESOURCE = '\u0001';

/** The ClusterRoleBindings every cluster has for every authenticated user (bootstrap policy). */
const BASELINE_ROLES = ['system:basic-user', 'system:discovery', 'system:public-info-viewer'];

/**
 * Collects the events of one cluster's audit logs (`add`), then judges the access folder's grants
 * on that cluster against them (`report`).
 */
export class UsageCollector {
  private readonly tallies = new Map<string, Tally>();
  private readonly from: string;
  private readonly to: string;
  /** Resources some grant limits by `resourceNames`: only for these does the object name matter. */
  private readonly named: Set<string>;
  private readonly anyNamed: boolean;
  private counted = 0;

  constructor(
    private readonly model: AccessModel,
    private readonly cluster: Cluster,
    private readonly window: UsageWindow,
    private readonly accessDir: string,
  ) {
    this.from = `${window.since}T00:00:00`;
    this.to = `${nextDay(window.until)}T00:00:00`;
    this.named = new Set();
    let anyNamed = false;
    for (const j of this.judgedGrants()) {
      for (const r of j.rules) {
        if (!r.resourceNames?.length) continue;
        for (const res of r.resources ?? []) {
          if (res === '*' || res.startsWith('*/')) anyNamed = true;
          else this.named.add(res.split('/')[0]!);
        }
      }
    }
    this.anyNamed = anyNamed;
  }

  /** Counts one event of the log (file and line for its errors). */
  add(e: AuditEvent): void {
    if (e.stage !== 'ResponseComplete') return;
    if (!this.inWindow(e.stageTimestamp!)) return;
    this.counted++;
    const decision = decisionOf(e);
    const ref = e.objectRef;
    let request: Request;
    if (ref && typeof ref.resource === 'string' && ref.resource !== '') {
      const name = typeof ref.name === 'string' && ref.name !== '' && (this.anyNamed || this.named.has(ref.resource)) ? ref.name : undefined;
      request = {
        verb: e.verb!,
        group: typeof ref.apiGroup === 'string' ? ref.apiGroup : '',
        resource: ref.resource,
        ...(typeof ref.subresource === 'string' && ref.subresource !== '' && { subresource: ref.subresource }),
        ...(name !== undefined && { name }),
        ...(typeof ref.namespace === 'string' && ref.namespace !== '' && { namespace: ref.namespace }),
      };
    } else {
      const uri = typeof e.requestURI === 'string' ? e.requestURI : '/';
      const q = uri.indexOf('?');
      request = { verb: e.verb!, path: q === -1 ? uri : uri.slice(0, q) };
    }
    const user = e.user!;
    const username = user.username ?? '';
    const caller = callerOf(user.extra);
    const acting = e.impersonatedUser;
    if (acting) {
      // The request was authorized as the impersonated user, but it is the real user's doing: it
      // uses their permission to impersonate (the API server's impersonation filter checks one
      // request per user, service account, group and extra), never the impersonated person's grants.
      for (const r of impersonationRequests(acting)) this.tally(username, caller, r, 'allow');
      return;
    }
    if (decision !== undefined) this.tally(username, caller, request, decision);
  }

  private tally(username: string, caller: Caller, request: Request, decision: Decision): void {
    const who = `${username}\0${caller.arn}\0${caller.session ?? '\u0002'}\0${decision}\0${request.verb}`;
    const key =
      'path' in request
        ? `${who}\0${NON_RESOURCE}\0${request.path}`
        : `${who}\0${request.group}\0${request.resource}\0${request.subresource ?? ''}\0${request.namespace ?? ''}\0${request.name ?? ''}`;
    const t = this.tallies.get(key);
    if (t) t.count++;
    else this.tallies.set(key, { username, caller, request, decision, count: 1 });
  }

  private inWindow(ts: string): boolean {
    // RFC 3339 in UTC, as the API server writes it, compares as text; an offset is converted.
    const iso = ts.endsWith('Z') ? ts : new Date(Date.parse(ts)).toISOString();
    return iso >= this.from && iso < this.to;
  }

  private judgedCache?: JudgedGrant[];

  /** Every grant that gives someone access on the cluster, with how it is judged. */
  private judgedGrants(): JudgedGrant[] {
    if (this.judgedCache) return this.judgedCache;
    const out: JudgedGrant[] = [];
    const clusterRoles = builtinClusterRoles();
    const policies = builtinAccessPolicies();
    for (const e of this.model.employees.values()) {
      for (const g of grantsOn(e, this.cluster)) {
        const base = { employee: e, grant: g };
        switch (g.kind) {
          case 'level':
            out.push({ ...base, kind: 'rules', rules: clusterRoles.get(g.level === 'admin' ? 'cluster-admin' : 'view')?.rules ?? [] });
            break;
          case 'profile': {
            const p = this.model.profiles.get(g.profile);
            const rules = p?.rules ?? (p ? clusterRoles.get(profileRoleName(p))?.rules : undefined);
            const where = g.scope === 'namespaces' ? { namespaces: g.namespaces } : {};
            if (rules) out.push({ ...base, kind: 'rules', rules, ...where });
            else
              out.push({
                ...base,
                kind: 'opaque',
                rules: [],
                ...where,
                opaque: `ClusterRole ${p?.clusterRole ?? g.profile} is not one eks-access knows the rules of`,
              });
            break;
          }
          case 'rules':
            out.push({ ...base, kind: 'rules', rules: g.rules, namespaces: g.namespaces });
            break;
          case 'groups':
            if (g.groups.includes('system:masters')) out.push({ ...base, kind: 'superuser', rules: SUPERUSER_RULES });
            else
              out.push({
                ...base,
                kind: 'opaque',
                rules: [],
                opaque: `the bindings of group${g.groups.length === 1 ? '' : 's'} ${g.groups.join(', ')} are not in the access folder`,
              });
            break;
          case 'accessPolicy': {
            const rules = policies.get(g.accessPolicy)?.rules;
            const where = g.namespaces ? { namespaces: g.namespaces } : {};
            if (rules) out.push({ ...base, kind: 'rules', rules, ...where });
            else out.push({ ...base, kind: 'opaque', rules: [], ...where, opaque: `access policy ${g.accessPolicy} is not one eks-access knows the rules of` });
            break;
          }
        }
      }
    }
    return (this.judgedCache = out);
  }

  /** The report on everything added so far. */
  report(): UsageReport {
    const judged = this.judgedGrants();
    // Grants that reach an employee: their own, and those on a principal they share (access
    // policies belong to the access entry of a role, aws-auth groups to its role mapping).
    const shared = new Map<string, JudgedGrant[]>();
    for (const j of judged) {
      const key = sharedKey(j.employee, j.grant, this.cluster);
      if (key !== undefined) push(shared, key, j);
    }
    const reaching = (e: Employee): JudgedGrant[] => {
      const own = judged.filter((j) => j.employee === e);
      if (e.identity.kind !== 'role') return own;
      const others = [
        ...(shared.get(`entry\0${principalArn(e, this.cluster).toLowerCase()}`) ?? []),
        ...(shared.get(`aws-auth\0${stripRolePath(principalArn(e, this.cluster)).toLowerCase()}`) ?? []),
      ];
      return [...own, ...others.filter((j) => j.employee !== e)];
    };

    const byUser = new Map<string, Employee>();
    for (const e of [...this.model.employees.values()].sort((a, b) => compareStrings(a.name, b.name)))
      if (!byUser.has(e.kubernetesUser)) byUser.set(e.kubernetesUser, e);
    const baseline = BASELINE_ROLES.flatMap((n) => builtinClusterRoles().get(n)?.rules ?? []);

    const usedBy = new Map<JudgedGrant, Map<string, { p: Permission; count: number }>>();
    const denied = new Map<string, DeniedUsage>();
    const unexplained = new Map<string, DeniedUsage>();
    const unattributed = new Map<string, number>();
    /** Requests that used someone else's grant on a principal they share. */
    const sharedUse = new Map<string, { j: JudgedGrant; who: string; count: number }>();
    const grantIds = new Map<JudgedGrant, number>(judged.map((j, i) => [j, i]));
    const grantKeyOf = (j: JudgedGrant) => String(grantIds.get(j));
    const reachingCache = new Map<Employee, JudgedGrant[]>();
    for (const t of this.tallies.values()) {
      const e = byUser.get(t.username);
      if (!e || !isTheirs(e, t.caller, this.cluster)) {
        unattributed.set(t.username, (unattributed.get(t.username) ?? 0) + t.count);
        continue;
      }
      const p = permissionOf(t.request);
      if (t.decision === 'deny') {
        addCount(denied, `${e.name}\0${permissionKey(p)}`, () => ({ employee: e.name, ...p, count: 0 }), t.count);
        continue;
      }
      if (rulesAllow(baseline, t.request)) continue;
      let grants = reachingCache.get(e);
      if (!grants) reachingCache.set(e, (grants = reaching(e)));
      let explained = false;
      for (const j of grants) {
        if (j.kind === 'opaque' || !grantAllows(j, t.request)) continue;
        explained = true;
        addUse(usedBy, j, p, t.count);
        if (j.employee !== e) addCount(sharedUse, `${grantKeyOf(j)}\0${e.name}`, () => ({ j, who: e.name, count: 0 }), t.count);
      }
      if (explained) continue;
      const opaque = grants.filter(
        (j) =>
          j.kind === 'opaque' &&
          (j.namespaces === undefined ||
            (!('path' in t.request) &&
              t.request.namespace !== undefined &&
              policyAppliesIn({ policy: '', rules: [], namespaces: [...j.namespaces] }, t.request.namespace))),
      );
      if (opaque.length > 0) for (const j of opaque) addUse(usedBy, j, p, t.count);
      else addCount(unexplained, `${e.name}\0${permissionKey(p)}`, () => ({ employee: e.name, ...p, count: 0 }), t.count);
    }

    const sharedNote = (j: JudgedGrant): string => {
      const others = [...sharedUse.values()].filter((u) => u.j === j).sort((a, b) => compareStrings(a.who, b.who));
      if (others.length === 0) return '';
      return `; ${others.map((u) => `${plural(u.count, 'request')} by ${u.who}`).join(', ')}, who sign${others.length === 1 ? 's' : ''} in through the same role, used it too: a grant on a shared role is everyone's on that role`;
    };
    const grants: GrantUsage[] = [];
    const base = dirname(resolve(this.accessDir));
    for (const j of judged) {
      const uses = usedBy.get(j);
      const used = uses ? [...uses.values()].map((u) => u.p).sort(comparePermissions) : [];
      const requests = uses ? [...uses.values()].reduce((n, u) => n + u.count, 0) : 0;
      const { unused, wildcard } = j.kind === 'opaque' ? { unused: [], wildcard: false } : unusedPermissions(j, used);
      const status: GrantStatus = used.length === 0 ? 'unused' : unused.length === 0 && !wildcard ? 'used' : 'partly-used';
      grants.push({
        employee: j.employee.name,
        cluster: this.cluster.name,
        file: relative(base, resolve(j.grant.at.file)).split(sep).join('/'),
        line: positionOf(j.grant.at).line,
        status,
        used,
        unused,
        suggestion: suggestion(this.model, this.cluster, j, status, used, unused, this.window, requests) + sharedNote(j),
        grant: describeGrant(j.grant),
        ...(j.employee.team !== undefined && { team: j.employee.team }),
        requests,
      });
    }
    grants.sort((a, b) => compareStrings(a.employee, b.employee) || compareStrings(a.file, b.file) || a.line - b.line);
    const byCount = (list: Iterable<DeniedUsage>) =>
      [...list].sort((a, b) => compareStrings(a.employee, b.employee) || b.count - a.count || comparePermissions(a, b));
    const report: UsageReport = {
      cluster: this.cluster.name,
      since: this.window.since,
      until: this.window.until,
      events: this.counted,
      grants,
      denied: byCount(denied.values()),
      unattributed: [...unattributed]
        .map(([username, events]) => ({ username, events }))
        .sort((a, b) => b.events - a.events || compareStrings(a.username, b.username)),
    };
    if (unexplained.size > 0) report.unexplained = byCount(unexplained.values());
    return report;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function addCount<T extends { count: number }>(map: Map<string, T>, key: string, make: () => T, count: number): void {
  let entry = map.get(key);
  if (!entry) map.set(key, (entry = make()));
  entry.count += count;
}

function addUse(usedBy: Map<JudgedGrant, Map<string, { p: Permission; count: number }>>, j: JudgedGrant, p: Permission, count: number): void {
  let uses = usedBy.get(j);
  if (!uses) usedBy.set(j, (uses = new Map()));
  addCount(uses, permissionKey(p), () => ({ p, count: 0 }), count);
}

/** The key under which a grant reaches everyone on the same principal, if it does. */
function sharedKey(e: Employee, g: Grant, c: Cluster): string | undefined {
  if (e.identity.kind !== 'role') return undefined;
  if (g.kind === 'accessPolicy' && c.authentication !== 'aws-auth') return `entry\0${principalArn(e, c).toLowerCase()}`;
  if (g.kind === 'groups' && c.authentication !== 'access-entries') return `aws-auth\0${stripRolePath(principalArn(e, c)).toLowerCase()}`;
  return undefined;
}

function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/**
 * What the API server decided: its annotation (`allow` or `forbid`), else the response: 403 is a
 * denial; an error of the server with no decision (the authorizer failed) is neither.
 */
function decisionOf(e: AuditEvent): Decision | undefined {
  const logged = e.annotations?.[DECISION_ANNOTATION];
  if (logged === 'forbid') return 'deny';
  if (logged === 'allow') return 'allow';
  const code = e.responseStatus?.code;
  if (code === 403) return 'deny';
  return code !== undefined && code >= 500 ? undefined : 'allow';
}

/** The caller as the authenticator put it in `user.extra`: the canonical ARN (else the ARN as called) and the session name. */
interface Caller {
  arn: string;
  session?: string;
}

function callerOf(extra: Record<string, string[]> | null | undefined): Caller {
  if (!extra) return { arn: '' };
  const pick = (k: string) => {
    const v = extra[k];
    return Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined;
  };
  const session = pick('sessionName');
  return { arn: pick('canonicalArn') ?? pick('arn') ?? '', ...(session !== undefined && { session }) };
}

/**
 * The permissions an impersonating request uses, as the impersonation filter checks them
 * (`k8s.io/apiserver/pkg/endpoints/filters/impersonation.go` `buildImpersonationRequests`): the user
 * (a service account's in its namespace), each group, each extra value, and the uid.
 */
function impersonationRequests(acting: NonNullable<AuditEvent['impersonatedUser']>): Request[] {
  const out: Request[] = [];
  const name = typeof acting.username === 'string' ? acting.username : '';
  const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(name);
  if (sa) out.push({ verb: 'impersonate', group: '', resource: 'serviceaccounts', namespace: sa[1]!, name: sa[2]! });
  else if (name !== '') out.push({ verb: 'impersonate', group: '', resource: 'users', name });
  for (const g of Array.isArray(acting.groups) ? acting.groups : [])
    if (typeof g === 'string') out.push({ verb: 'impersonate', group: '', resource: 'groups', name: g });
  const extra = (acting as { extra?: unknown }).extra;
  if (extra && typeof extra === 'object') {
    for (const [key, values] of Object.entries(extra))
      for (const v of Array.isArray(values) ? values : [])
        if (typeof v === 'string') out.push({ verb: 'impersonate', group: 'authentication.k8s.io', resource: 'userextras', subresource: key, name: v });
  }
  const uid = (acting as { uid?: unknown }).uid;
  if (typeof uid === 'string' && uid !== '') out.push({ verb: 'impersonate', group: 'authentication.k8s.io', resource: 'uids', name: uid });
  return out;
}

/**
 * Could the employee have made a request the authenticator logged for this caller? Their principal
 * (when an ARN is logged), and for a role the session name their username comes from (when logged):
 * on a shared role the username alone says who only as far as the session name does.
 */
function isTheirs(e: Employee, caller: Caller, c: Cluster): boolean {
  if (caller.arn !== '' && !sameCaller(caller.arn, principalArn(e, c))) return false;
  if (caller.session !== undefined && e.identity.kind === 'role' && roleKubernetesUser(caller.session) !== e.kubernetesUser) return false;
  return true;
}

/**
 * Is the logged caller the employee's principal? Compared as IAM compares principals (case-
 * insensitively), with an assumed-role session as its role (`pkg/arn` `Canonicalize` of the
 * authenticator: `assumed-role/<role>/<session>` is `role/<role>`, paths dropped).
 */
export function sameCaller(logged: string, principal: string): boolean {
  const canonical = (arn: string): string => {
    const assumed = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(arn);
    if (assumed) return `arn:${assumed[1]}:iam::${assumed[2]}:role/${assumed[3]}`.toLowerCase();
    const p = parseIamArn(arn);
    return (p ? `arn:${p.partition}:iam::${p.accountId}:${p.type}/${p.name}` : arn).toLowerCase();
  };
  return canonical(logged) === canonical(principal);
}

function permissionOf(r: Request): Permission {
  if ('path' in r) return { verb: r.verb, resource: r.path, group: '' };
  return {
    verb: r.verb,
    resource: r.resource,
    ...(r.subresource !== undefined && { subresource: r.subresource }),
    group: r.group,
    ...(r.namespace !== undefined && { namespace: r.namespace }),
  };
}

function permissionKey(p: Permission): string {
  return `${p.verb}\0${p.group}\0${p.resource}\0${p.subresource ?? ''}\0${p.namespace ?? ''}`;
}

const VERB_ORDER = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];
function compareVerb(a: string, b: string): number {
  const i = VERB_ORDER.indexOf(a);
  const j = VERB_ORDER.indexOf(b);
  return (i === -1 ? 99 : i) - (j === -1 ? 99 : j) || compareStrings(a, b);
}

function comparePermissions(a: Permission, b: Permission): number {
  return (
    compareStrings(a.namespace ?? '', b.namespace ?? '') ||
    compareStrings(a.group, b.group) ||
    compareStrings(a.resource, b.resource) ||
    compareStrings(a.subresource ?? '', b.subresource ?? '') ||
    compareVerb(a.verb, b.verb)
  );
}

/** Does the grant allow the request where it applies? (A namespaced grant: only namespaced requests in its namespaces.) */
function grantAllows(j: JudgedGrant, req: Request): boolean {
  if (j.kind === 'superuser') return true;
  if (j.namespaces !== undefined) {
    if ('path' in req || req.namespace === undefined) return false;
    if (!policyAppliesIn({ policy: '', rules: [], namespaces: [...j.namespaces] }, req.namespace)) return false;
  }
  return rulesAllow(j.rules, req);
}

/** A grant's permissions one verb, resource and namespace at a time, as written (`*` stays `*`). */
function expand(rules: readonly PolicyRule[], namespaces: readonly (string | undefined)[]): Permission[] {
  const out = new Map<string, Permission>();
  const add = (p: Permission) => out.set(permissionKey(p), p);
  for (const r of rules) {
    if (r.nonResourceURLs?.length) {
      // Non-resource URLs are granted only cluster-wide.
      // `*` matches every URL, as `/*` does: written so that a permission on a URL always starts with `/`.
      if (namespaces.length === 1 && namespaces[0] === undefined)
        for (const url of r.nonResourceURLs) for (const verb of r.verbs) add({ verb, resource: url === '*' ? '/*' : url, group: '' });
    }
    for (const group of r.apiGroups ?? []) {
      for (const res of r.resources ?? []) {
        const slash = res.indexOf('/');
        const resource = slash === -1 ? res : res.slice(0, slash);
        const sub = slash === -1 ? undefined : res.slice(slash + 1);
        for (const verb of r.verbs)
          for (const ns of namespaces)
            add({ verb, resource, ...(sub !== undefined && { subresource: sub }), group, ...(ns !== undefined && { namespace: ns }) });
      }
    }
  }
  return [...out.values()];
}

function isWildcard(p: Permission): boolean {
  return p.verb === '*' || p.group === '*' || p.resource === '*' || p.resource.endsWith('*') || p.subresource === '*' || (p.namespace?.endsWith('*') ?? false);
}

/** Does the granted permission `g` (possibly with `*`) cover the used permission `u`? */
function covers(g: Permission, u: Permission): boolean {
  if (g.verb !== '*' && g.verb !== u.verb) return false;
  if (g.namespace !== undefined && !(g.namespace === u.namespace || (g.namespace.endsWith('*') && (u.namespace ?? '').startsWith(g.namespace.slice(0, -1)))))
    return false;
  if (g.resource.startsWith('/') || u.resource.startsWith('/')) {
    if (!g.resource.startsWith('/') || !u.resource.startsWith('/')) return false;
    return g.resource === u.resource || (g.resource.endsWith('*') && u.resource.startsWith(g.resource.slice(0, -1)));
  }
  if (g.group !== '*' && g.group !== u.group) return false;
  if (g.resource === '*' && g.subresource === undefined) return true;
  if (g.resource !== '*' && g.resource !== u.resource) return false;
  return (g.subresource ?? '') === (u.subresource ?? '');
}

/** The grant's permissions no used one falls under; `wildcard`: some permission with `*` (never "all used"). */
function unusedPermissions(j: JudgedGrant, used: readonly Permission[]): { unused: Permission[]; wildcard: boolean } {
  const granted = expand(j.rules, j.namespaces ?? [undefined]);
  return { unused: granted.filter((g) => !used.some((u) => covers(g, u))).sort(comparePermissions), wildcard: granted.some(isWildcard) };
}

/** The verbs a `*` stands for at least: the eight of the API plus the special ones RBAC knows. */
const ALL_VERBS = 12;
/** At least this many resources behind a `*`: the cluster's own custom resources are not known here. */
const MIN_WILDCARD_RESOURCES = 50;
let knownResources: { all: number; byGroup: Map<string, number> } | undefined;

/** How many resources the Kubernetes default roles name, per API group: what a `*` resource is worth. */
function resourceCounts(): { all: number; byGroup: Map<string, number> } {
  if (knownResources) return knownResources;
  const byGroup = new Map<string, Set<string>>();
  for (const role of builtinClusterRoles().values()) {
    for (const r of role.rules) {
      for (const g of r.apiGroups ?? []) {
        if (g === '*') continue;
        let set = byGroup.get(g);
        if (!set) byGroup.set(g, (set = new Set()));
        for (const res of r.resources ?? []) if (!res.includes('*')) set.add(res);
      }
    }
  }
  const counts = new Map([...byGroup].map(([g, set]) => [g, set.size]));
  return (knownResources = { all: [...counts.values()].reduce((a, b) => a + b, 0), byGroup: counts });
}

/**
 * How broad a set of rules is, to find the narrowest profile: its permissions counted one verb on
 * one resource at a time, a `*` verb as every verb and a `*` resource as every resource of its group
 * (or of the cluster) that the default roles know, and at least as many as a cluster's own resources.
 */
function breadth(rules: readonly PolicyRule[]): number {
  const known = resourceCounts();
  let n = 0;
  for (const p of expand(rules, [undefined])) {
    const verbs = p.verb === '*' ? ALL_VERBS : 1;
    let resources = 1;
    if (p.resource === '/*' || (p.resource.startsWith('/') && p.resource.endsWith('*'))) resources = MIN_WILDCARD_RESOURCES;
    else if (p.resource === '*') resources = Math.max(MIN_WILDCARD_RESOURCES, p.group === '*' ? known.all : (known.byGroup.get(p.group) ?? 0));
    else if (p.group === '*') resources = 10;
    n += verbs * resources;
  }
  return n;
}

function requestOf(p: Permission): Request {
  if (p.resource.startsWith('/')) return { verb: p.verb, path: p.resource };
  return { verb: p.verb, group: p.group, resource: p.resource, ...(p.subresource !== undefined && { subresource: p.subresource }) };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** What to do with the grant, in one sentence. */
function suggestion(
  model: AccessModel,
  c: Cluster,
  j: JudgedGrant,
  status: GrantStatus,
  used: readonly Permission[],
  unused: readonly Permission[],
  w: UsageWindow,
  requests: number,
): string {
  const period = `from ${w.since} to ${w.until}`;
  if (status === 'unused') return `remove this grant: no request on ${c.name} used it ${period}`;
  if (j.kind === 'opaque') return `keep: ${plural(requests, 'request')} used it ${period}; eks-access cannot narrow it because ${j.opaque}`;
  if (status === 'used') return `keep: every permission it gives was used ${period}`;

  // Where it is used: the namespaces, unless something needs the cluster-wide scope.
  const clusterWide = used.some((p) => p.namespace === undefined);
  const usedNamespaces = [...new Set(used.flatMap((p) => (p.namespace === undefined ? [] : [p.namespace])))].sort(compareStrings);
  const grantedNamespaces = j.namespaces;
  let scope: string | undefined;
  if (!clusterWide && grantedNamespaces && usedNamespaces.length < grantedNamespaces.length && !grantedNamespaces.some((n) => n.endsWith('*')))
    scope = `namespaces [${usedNamespaces.join(', ')}]`;
  else if (!clusterWide && !grantedNamespaces && usedNamespaces.every((n) => namespaceSet(c).has(n)))
    scope = `namespaces [${usedNamespaces.join(', ')}] instead of cluster-wide`;

  // The narrowest profile that allows everything used, if narrower than what the grant gives.
  const requests_ = used.map(requestOf);
  let best: { name: string; breadth: number } | undefined;
  for (const p of [...model.profiles.values()].sort((a, b) => compareStrings(a.name, b.name))) {
    const rules = p.rules ?? builtinClusterRoles().get(profileRoleName(p))?.rules;
    if (!rules || !requests_.every((r) => rulesAllow(rules, r))) continue;
    const b = breadth(rules);
    if (!best || b < best.breadth) best = { name: p.name, breadth: b };
  }
  const own = j.kind === 'superuser' ? Infinity : breadth(j.rules);
  const current = j.grant.kind === 'profile' ? j.grant.profile : j.grant.kind === 'level' ? (j.grant.level === 'admin' ? 'cluster-admin' : 'view') : undefined;
  const profile = best && best.breadth < own && best.name !== current ? best.name : undefined;
  const counts = `${plural(used.length, 'permission')} used, ${unused.length} unused ${period}`;
  if (profile && scope) return `narrow it to profile ${profile} in ${scope.replace(' instead of cluster-wide', '')}: it allows everything used (${counts})`;
  if (profile) return `narrow it to profile ${profile}: it allows everything used (${counts})`;
  if (scope) return `narrow it to ${scope} (${counts})`;
  return `narrow it to inline rules for the ${plural(used.length, 'permission')} used: no existing profile narrower than this grant allows them all (${counts})`;
}
