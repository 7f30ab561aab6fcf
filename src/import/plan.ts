/**
 * `eks-access import`, the pure part: an aws-auth ConfigMap and an RBAC dump in, the access documents
 * that reproduce them out, with a report of everything that cannot be expressed. aws-auth is read the
 * way the authenticator reads it (src/lint/from-manifests.ts), RBAC with the Kubernetes defaults known.
 */
import { diagnostic, placeText, UsageError, type Diagnostic, type Source } from '../diagnostics.js';
import type { LoadedDocument } from '../load/load.js';
import { inputFromManifests } from '../lint/from-manifests.js';
import type { BindingObject, IdentityMapping } from '../lint/types.js';
import { BUILTIN_PROFILES, parseIamArn, renderSessionName, reservedPrefix, roleKubernetesUser } from '../model/identity.js';
import type { AuthenticationMode, PolicyRule } from '../model/types.js';
import { isPlatformRoleName } from '../rbac/builtin.js';
import { isAwsAuthConfigMap, type GraphBinding, type Subject } from '../rbac/graph.js';
import { bundleFromDocuments } from '../rbac/manifest-bundle.js';
import { at, objectsOf, type Located } from '../rbac/objects.js';
import { compareStrings } from '../text.js';

export interface ImportOptions {
  cluster?: string;
  account?: string;
  region?: string;
  authentication: AuthenticationMode;
  /** Domain of the placeholder email of people whose email cannot be derived. */
  emailDomain: string;
  /** Today (YYYY-MM-DD); the lint view of the manifests wants one, nothing here depends on it. */
  today: string;
}

interface ReportItem {
  text: string;
  at?: Source;
}

/** Sections of the import report, in the order they are printed. */
export const REPORT_SECTIONS = {
  usernames: 'Kubernetes usernames that change',
  preserved: 'Kept verbatim in the cluster file (awsAuth.mapRoles / mapUsers)',
  mapAccounts: 'mapAccounts (not expressible)',
  serviceAccounts: 'Bindings to ServiceAccounts (left to the cluster)',
  system: 'Bindings to system: groups and users (left to the cluster)',
  unmapped: 'Users and groups bound in RBAC but not mapped in aws-auth (left to the cluster)',
  shared: 'Roles mapped with a shared static username (not employees)',
  dropped: 'Dropped by the authenticator or never matching (not imported)',
  nothing: 'Bindings and rules that grant nothing (not imported)',
  review: 'Check by hand',
  replaced: 'After applying generated/, remove the bindings the generated ones replace',
} as const;
export type SectionId = keyof typeof REPORT_SECTIONS;

interface ImportReport {
  cluster: string;
  /** Input files, as shown to users. */
  sources: string[];
  sections: Record<SectionId, ReportItem[]>;
  /** Kubernetes and EKS default roles and bindings, skipped. */
  platformObjects: number;
  /** Custom (non-platform) RBAC objects read. */
  customObjects: number;
}

type AccessDocument = { path: string; kind: 'Cluster' | 'Profile' | 'Employee'; data: Record<string, unknown> };

/** One imported person: the IAM principal they sign in with, and their Kubernetes username before and after. */
interface ImportedPerson {
  employee: string;
  /** An IAM user ARN, or an sts assumed-role ARN with the person's session name. */
  principal: string;
  inputUser: string;
  outputUser: string;
}

export interface ImportPlan {
  cluster: { name: string; accountId: string; region: string; authentication: AuthenticationMode; namespaces: string[] };
  documents: AccessDocument[];
  report: ImportReport;
  /**
   * What stays on the cluster after the generated output is applied and the replaced bindings are
   * removed: every input binding minus the subjects that became employees (platform bindings included).
   */
  retained: GraphBinding[];
  people: ImportedPerson[];
  /** Principals that keep their access through preserved aws-auth entries (static usernames), to compare too. */
  preservedPrincipals: string[];
}

/** Fatal input problems (a malformed aws-auth) are diagnostics; wrong usage throws UsageError. */
export type ImportResult = { ok: true; plan: ImportPlan } | { ok: false; problems: Diagnostic[] };

/* ---------- names ---------- */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A DNS-1123 label made from any text: lower case, runs of other characters as `-`, at most 63 characters. */
export function dnsLabel(text: string, fallback: string): string {
  const s = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+/, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return s === '' ? fallback : s;
}

function uniqueLabel(base: string, taken: Set<string>): string {
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base.slice(0, 63 - String(i).length - 1).replace(/-+$/, '')}-${i}`;
  taken.add(name);
  return name;
}

const EMAIL = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}$/;

/**
 * The email behind a rendered `{{SessionName}}` (`alice-example.com`): `@` became `-`, so any `-` before
 * the domain may have been it; the last one is the best guess. Usernames do not depend on the guess.
 */
function guessEmail(rendered: string): string | undefined {
  if (EMAIL.test(rendered)) return rendered;
  const m = /^(.+)-([A-Za-z0-9]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})$/.exec(rendered);
  const email = m ? `${m[1]}@${m[2]}` : undefined;
  return email !== undefined && EMAIL.test(email) ? email : undefined;
}

/* ---------- rules ---------- */

const VERBS = new Set([
  '*',
  'get',
  'list',
  'watch',
  'create',
  'update',
  'patch',
  'delete',
  'deletecollection',
  'escalate',
  'bind',
  'impersonate',
  'approve',
  'sign',
  'use',
  'proxy',
  'attest',
  'post',
  'put',
  'head',
]);
const API_GROUP = /^(\*|[a-z0-9]([-a-z0-9.]*[a-z0-9])?)?$/;
const RESOURCE = /^(\*|[a-z0-9][-a-z0-9.]*)(\/(\*|[a-z0-9][-a-z0-9.]*))?$/;
const NON_RESOURCE_URL = /^(\*|\/[^\s*]*\*?)$/;

/**
 * Rules as the access-file schema accepts them, granting the same: a rule with both resources and
 * nonResourceURLs split, empty lists (which match nothing, or every name for resourceNames) dropped,
 * verbs de-duplicated. What cannot be written is returned as notes. In a Role, nonResourceURLs do nothing.
 */
export function normalizeRules(rules: readonly PolicyRule[], namespaced: boolean): { rules: PolicyRule[]; notes: string[] } {
  const out: PolicyRule[] = [];
  const notes: string[] = [];
  const seen = new Set<string>();
  const push = (r: PolicyRule) => {
    const key = JSON.stringify(r);
    if (!seen.has(key)) out.push(r);
    seen.add(key);
  };
  for (const r of rules) {
    const unknownVerbs = [...new Set(r.verbs.filter((v) => !VERBS.has(v)))];
    if (unknownVerbs.length > 0) notes.push(`verb(s) ${unknownVerbs.join(', ')} dropped: the access-file schema knows only the Kubernetes API verbs`);
    const verbs = [...new Set(r.verbs.filter((v) => VERBS.has(v)))];
    if (verbs.length === 0) continue;
    const resources = (r.resources ?? []).filter((x) => RESOURCE.test(x));
    const badResources = (r.resources ?? []).filter((x) => !RESOURCE.test(x));
    if (badResources.length > 0) notes.push(`resource(s) ${badResources.join(', ')} dropped: not a Kubernetes resource name`);
    const apiGroups = (r.apiGroups ?? []).filter((g) => API_GROUP.test(g));
    if (resources.length > 0 && apiGroups.length > 0) {
      push({ apiGroups, resources, ...(r.resourceNames && r.resourceNames.length > 0 && { resourceNames: [...r.resourceNames] }), verbs });
    }
    const urls = (r.nonResourceURLs ?? []).filter((u) => NON_RESOURCE_URL.test(u));
    if (urls.length > 0 && !namespaced) push({ nonResourceURLs: urls, verbs });
  }
  return { rules: out, notes: [...new Set(notes)] };
}

/* ---------- aws-auth ---------- */

interface Mapping {
  kind: 'role' | 'user';
  arn: string;
  username?: string;
  groups: string[];
  at: Source;
  status: 'people' | 'preserved' | 'dropped';
  /** For a role whose username is a session template. */
  template?: { text: string; regex: RegExp; raw: boolean };
  persons: Person[];
  /** Groups only this mapping gives, whose bindings became per-person grants. */
  expanded: Set<string>;
  node: boolean;
}

interface Person {
  mapping: Mapping;
  /** The Kubernetes username the input gives this person. */
  inputUser: string;
  /** Role sessions: what the template captured. */
  captured?: string;
  levels: Map<'admin' | 'read-only', string[]>;
  clusterProfiles: Map<string, string[]>;
  nsProfiles: Map<string, Map<string, string[]>>;
  /** Set when the employee is made. */
  employee?: string;
  outputUser?: string;
  principal?: string;
}

const PLACEHOLDER = /\{\{(\w+)\}\}/g;

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A role username as a pattern over Kubernetes usernames: the session part captured; undefined unless it is a session template eks-access can follow. */
function sessionTemplate(username: string, accountId: string): { regex: RegExp; raw: boolean } | 'static' | 'unsupported' {
  const names = [...username.matchAll(PLACEHOLDER)].map((m) => m[1]!);
  if (names.length === 0) return 'static';
  const sessions = names.filter((n) => n === 'SessionName' || n === 'SessionNameRaw');
  if (sessions.length !== 1 || names.some((n) => n !== 'SessionName' && n !== 'SessionNameRaw' && n !== 'AccountID')) return 'unsupported';
  const raw = sessions[0] === 'SessionNameRaw';
  let pattern = '';
  let last = 0;
  for (const m of username.matchAll(PLACEHOLDER)) {
    pattern += escapeRegex(username.slice(last, m.index));
    pattern += m[1] === 'AccountID' ? escapeRegex(accountId) : raw ? '([\\w+=,.@-]{2,64})' : '([\\w+=,.-]{2,64})';
    last = m.index + m[0].length;
  }
  pattern += escapeRegex(username.slice(last));
  return { regex: new RegExp(`^${pattern}$`), raw };
}

function renderAccount(username: string, accountId: string): string {
  return username.replace(/\{\{AccountID\}\}/g, accountId);
}

const where = (at: Source) => placeText(at);

/* ---------- the plan ---------- */

function findAwsAuth(documents: readonly LoadedDocument[]): Located[] {
  const found: Located[] = [];
  for (const d of documents) {
    for (const l of objectsOf(d)) {
      if (isAwsAuthConfigMap(l.obj)) found.push(l);
    }
  }
  return found;
}

/**
 * Plans the import of one cluster. `awsAuthDocuments` must hold exactly one aws-auth ConfigMap (when
 * empty, `rbacDocuments` must); RBAC objects come from `rbacDocuments`.
 */
export function planImport(awsAuthDocuments: readonly LoadedDocument[], rbacDocuments: readonly LoadedDocument[], options: ImportOptions): ImportResult {
  const sections = Object.fromEntries(Object.keys(REPORT_SECTIONS).map((k) => [k, [] as ReportItem[]])) as Record<SectionId, ReportItem[]>;
  const note = (section: SectionId, text: string, at?: Source) => sections[section].push({ text, ...(at && { at }) });

  // --- aws-auth, read the way the authenticator reads it
  const fromFile = awsAuthDocuments.length > 0;
  const candidates = findAwsAuth(fromFile ? awsAuthDocuments : rbacDocuments);
  const files = [...new Set((fromFile ? awsAuthDocuments : rbacDocuments).map((d) => d.file))];
  if (candidates.length === 0)
    throw new UsageError(
      `no aws-auth ConfigMap (kind: ConfigMap, metadata.name: aws-auth) in ${files.join(', ') || 'the input'}; export it with kubectl -n kube-system get configmap aws-auth -o yaml`,
    );
  if (candidates.length > 1)
    throw new UsageError(`${files.join(', ')} hold ${candidates.length} aws-auth ConfigMaps; give the one of this cluster with --aws-auth`);
  if (fromFile && findAwsAuth(rbacDocuments).length > 0)
    note('review', `the aws-auth ConfigMap in the --manifests input was ignored; the one of --aws-auth was imported`);
  const awsAuthDoc = candidates[0]!.d;
  const data = candidates[0]!.obj.data;
  if (data !== undefined && data !== null && (typeof data !== 'object' || Array.isArray(data))) {
    return {
      ok: false,
      problems: [
        diagnostic(at(candidates[0]!, ['data']), 'malformed aws-auth: data must be a mapping of mapRoles, mapUsers and mapAccounts to strings', 'aws-auth'),
      ],
    };
  }
  const authView = inputFromManifests([awsAuthDoc], options.today).input;
  const view = authView.awsAuth[0];
  const problems: Diagnostic[] = [];
  for (const e of view?.invalidEntries ?? []) {
    // A whole section the authenticator cannot read is an aws-auth that locks people and nodes out: refuse it.
    if (e.wholeSection) problems.push(diagnostic(e.at, `malformed aws-auth: ${e.reason}; fix the ConfigMap (or export it again) before importing`, 'aws-auth'));
    else note(e.kept ? 'review' : 'dropped', e.reason, e.at);
  }
  if (problems.length > 0) return { ok: false, problems };
  for (const k of view?.ignoredKeys ?? [])
    note(
      'dropped',
      `data.${k.key} is ignored by the authenticator (keys are case-sensitive: mapRoles, mapUsers, mapAccounts); its entries were not imported`,
      k.at,
    );

  // The last entry for an ARN wins within its list (mapRoles by lower-cased ARN, mapUsers as written);
  // an ARN in both lists is looked up in mapRoles first, so the mapUsers entry is never used.
  const identities = authView.identities;
  const keyOf = (m: IdentityMapping) =>
    m.section === 'mapUsers' ? `mapUsers:${m.arn}` : m.section === 'mapRoles' || m.kind === 'role' ? `mapRoles:${m.arn.toLowerCase()}` : `${m.kind}:${m.arn}`;
  const lastIndex = new Map<string, number>();
  identities.forEach((m, i) => lastIndex.set(keyOf(m), i));
  const inMapRoles = new Map(identities.filter((m) => m.section === 'mapRoles').map((m) => [m.arn.toLowerCase(), m]));
  const effective: IdentityMapping[] = [];
  identities.forEach((m, i) => {
    const key = keyOf(m);
    const shadow = m.section === 'mapUsers' ? inMapRoles.get(m.arn.toLowerCase()) : undefined;
    if (shadow)
      note(
        'dropped',
        `${m.arn} is also mapped in mapRoles at ${where(shadow.at)}, which the authenticator looks up first; this mapUsers entry is never used`,
        m.at,
      );
    else if (lastIndex.get(key) === i) effective.push(m);
    else
      note(
        'dropped',
        `${m.kind === 'account' ? 'account' : m.arn} is mapped again at ${where(identities[lastIndex.get(key)!]!.at)}; the authenticator keeps only the last entry`,
        m.at,
      );
  });
  const accounts = effective.filter((m) => m.kind === 'account');
  for (const a of accounts) {
    note(
      'mapAccounts',
      `account ${a.arn}: every IAM principal of that account may sign in, with its ARN as username and no groups; eks-access maps named people only. Add an employee per person who needs access`,
      a.at,
    );
  }

  // --- the cluster
  const roleAndUser = effective.filter((m): m is IdentityMapping & { kind: 'role' | 'user' } => m.kind !== 'account');
  const nodeLike = (m: IdentityMapping) =>
    m.groups.some((g) => g.name === 'system:nodes' || g.name === 'system:bootstrappers') || (m.username ?? '').startsWith('system:node:');
  const accountOf = (arn: string) => parseIamArn(arn)?.accountId;
  // Every missing or invalid flag at once, so one more run is enough.
  const flagProblems: string[] = [];
  let accountId = options.account;
  if (accountId !== undefined && !/^\d{12}$/.test(accountId)) flagProblems.push(`--account must be a 12-digit AWS account id, got "${accountId}"`);
  if (accountId === undefined) {
    const counts = new Map<string, number>();
    for (const m of roleAndUser.filter(nodeLike)) {
      const a = accountOf(m.arn);
      if (a) counts.set(a, (counts.get(a) ?? 0) + 1);
    }
    accountId =
      [...counts].sort((a, b) => b[1] - a[1] || compareStrings(a[0], b[0]))[0]?.[0] ?? roleAndUser.map((m) => accountOf(m.arn)).find((a) => a !== undefined);
    if (accountId === undefined) flagProblems.push('--account is required: aws-auth maps no node role whose ARN names the account');
  }
  let region = options.region;
  if (region === undefined) {
    // IAM Identity Center roles carry the region in their path (aws-reserved/sso.amazonaws.com/<region>/).
    region = identities.map((m) => /:role\/aws-reserved\/sso\.amazonaws\.com\/([a-z]{2}(?:-gov)?-[a-z]+-\d)\//.exec(m.arn)?.[1]).find((r) => r !== undefined);
    if (region === undefined) flagProblems.push('--region is required: neither aws-auth nor the RBAC dump says which region the cluster is in');
  }
  if (
    region !== undefined &&
    !/^(us|eu|ap|sa|ca|me|af|il|mx|cn|us-gov|us-iso|us-isob)-(north|south|east|west|central|northeast|southeast|northwest|southwest)-[1-9]$/.test(region)
  ) {
    flagProblems.push(`--region must be an AWS region such as eu-west-1, got "${region}"`);
  }
  let clusterName = options.cluster;
  if (clusterName === undefined) {
    // eksctl names node and Fargate roles eksctl-<cluster>-nodegroup-... / eksctl-<cluster>-cluster-...
    clusterName = roleAndUser
      .map((m) => /:role\/eksctl-(.+)-(?:nodegroup-.+-NodeInstanceRole|cluster-FargatePodExecutionRole)-/.exec(m.arn)?.[1])
      .find((n) => n !== undefined && DNS_LABEL.test(n) && n.length <= 63);
    if (clusterName === undefined) flagProblems.push('--cluster is required: the cluster name cannot be derived from aws-auth');
  }
  if (clusterName !== undefined && (!DNS_LABEL.test(clusterName) || clusterName.length > 63))
    flagProblems.push(`--cluster must be a DNS-1123 label (lower-case letters, digits and -), got "${clusterName}"`);
  if (flagProblems.length > 0)
    throw new UsageError(flagProblems.length === 1 ? flagProblems[0]! : `${flagProblems.length} flags are missing or invalid:\n  ${flagProblems.join('\n  ')}`);
  if (accountId === undefined || region === undefined || clusterName === undefined) throw new UsageError('--account, --region and --cluster are required');
  const authentication = options.authentication;
  const usesAwsAuth = authentication !== 'access-entries';

  // --- classify the mappings
  const mappings: Mapping[] = [];
  for (const m of roleAndUser) {
    const groups = m.groups.map((g) => g.name);
    const mapping: Mapping = {
      kind: m.kind,
      arn: m.arn,
      ...(m.username !== undefined && { username: m.username }),
      groups,
      at: m.at,
      status: 'dropped',
      persons: [],
      expanded: new Set(),
      node: nodeLike(m),
    };
    mappings.push(mapping);
    const parsed = parseIamArn(m.arn);
    if (!parsed || parsed.type !== m.kind || !/^[\w+=,.@-]{1,64}$/.test(parsed.name)) {
      note('dropped', `${m.arn} is not an IAM ${m.kind} ARN (arn:aws:iam::<account>:${m.kind}/<name>); no caller ever matches it`, m.at);
      continue;
    }
    if (m.kind === 'role' && parsed.path !== '/') {
      note(
        'dropped',
        `${m.arn} includes a path: the authenticator compares role/${parsed.name} without it, so this ${mapping.node ? 'node ' : ''}mapping never matches${groups.length > 0 ? ` (groups ${groups.join(', ')})` : ''}. To grant it, map arn:${parsed.partition}:iam::${parsed.accountId}:role/${parsed.name}`,
        m.at,
      );
      continue;
    }
    if (m.username === undefined || m.username === '') {
      note('dropped', `${m.arn} has no username; not imported`, m.at);
      continue;
    }
    if (mapping.node) {
      mapping.status = 'preserved';
      continue;
    }
    if (m.kind === 'user') {
      const username = renderAccount(m.username, parsed.accountId);
      if (username.includes('{{') || reservedPrefix(username)) {
        mapping.status = 'preserved';
        note(
          'preserved',
          `${m.arn}: username "${m.username}" ${username.includes('{{') ? 'is a template' : 'uses a reserved prefix'}, which an employee cannot have; kept as it is`,
          m.at,
        );
      } else {
        mapping.status = 'people';
        mapping.persons.push(newPerson(mapping, username));
      }
      continue;
    }
    const template = sessionTemplate(m.username, parsed.accountId);
    if (typeof template === 'object') {
      mapping.template = { text: m.username, ...template };
      mapping.status = 'people'; // until it turns out that RBAC names no one through it
    } else {
      mapping.status = 'preserved';
      if (template === 'static') {
        note(
          'shared',
          `${m.arn} signs everyone who assumes it in as "${m.username}"${groups.length > 0 ? ` with groups ${groups.join(', ')}` : ''}: not one person, so not an employee. Kept verbatim in awsAuth.mapRoles; its bindings stay with the cluster`,
          m.at,
        );
      } else {
        note('preserved', `${m.arn}: username template "${m.username}" is not one eks-access derives people from; kept as it is`, m.at);
      }
    }
  }

  // --- RBAC
  const rbac = inputFromManifests(rbacDocuments, options.today).input;
  const bundle = bundleFromDocuments(rbacDocuments).bundle;
  // Import leaves out what is named like the platform's, as well as exact copies of the defaults.
  const platformRoles = rbac.roles.filter((r) => r.builtin || r.platformName).length;
  const platformBindings = rbac.bindings.filter((b) => b.builtin || b.platformName).length;
  const custom = rbac.bindings.filter((b) => !b.builtin && !b.platformName);
  const bindingLabel = (b: BindingObject) => `${b.kind} ${b.namespace ? `${b.namespace}/` : ''}${b.name}`;
  const isSystem = (name: string) => name.startsWith('system:') || name.startsWith('eks:');

  // What a binding grants, in access-file terms.
  type Target =
    | { kind: 'level'; level: 'admin' | 'read-only' }
    | { kind: 'profile'; key: string; roleKind: 'ClusterRole' | 'Role'; roleName: string; namespace?: string }
    | { kind: 'missing'; why: string };
  const targetOf = (b: BindingObject): Target => {
    const ref = b.roleRef;
    if (ref.kind === 'ClusterRole') {
      if (b.kind === 'ClusterRoleBinding' && ref.name === 'cluster-admin') return { kind: 'level', level: 'admin' };
      if (b.kind === 'ClusterRoleBinding' && ref.name === 'view') return { kind: 'level', level: 'read-only' };
      if (!bundle.clusterRoles.has(ref.name)) return { kind: 'missing', why: `ClusterRole ${ref.name} does not exist` };
      return { kind: 'profile', key: `ClusterRole/${ref.name}`, roleKind: 'ClusterRole', roleName: ref.name };
    }
    if (ref.kind === 'Role' && b.kind === 'RoleBinding') {
      if (!bundle.roles.has(`${b.namespace}/${ref.name}`)) return { kind: 'missing', why: `Role ${b.namespace}/${ref.name} does not exist` };
      return { kind: 'profile', key: `Role/${b.namespace}/${ref.name}`, roleKind: 'Role', roleName: ref.name, namespace: b.namespace! };
    }
    return { kind: 'missing', why: `roleRef ${ref.kind} ${ref.name} is not valid in a ${b.kind}` };
  };

  // Pass 1: the people of session-template roles are the usernames RBAC names.
  const personsByUser = new Map<string, Person[]>();
  const addPerson = (p: Person) => personsByUser.set(p.inputUser, [...(personsByUser.get(p.inputUser) ?? []), p]);
  for (const m of mappings) for (const p of m.persons) addPerson(p);
  const templates = mappings.filter((m) => m.template !== undefined);
  for (const b of custom) {
    if (targetOf(b).kind === 'missing') continue;
    for (const s of b.subjects) {
      if (s.kind !== 'User' || isSystem(s.name)) continue;
      for (const m of templates) {
        // A bare {{SessionName}} matches any name: not the usernames other mappings already explain.
        if (
          /^\{\{SessionName(Raw)?\}\}$/.test(m.template!.text) &&
          (mappings.some((o) => o.kind === 'user' && o.persons.some((p) => p.inputUser === s.name)) ||
            mappings.some((o) => o.status === 'preserved' && o.username === s.name))
        )
          continue;
        const captured = m.template!.regex.exec(s.name)?.[1];
        if (captured === undefined || m.persons.some((p) => p.inputUser === s.name)) continue;
        const p = newPerson(m, s.name);
        p.captured = captured;
        m.persons.push(p);
        addPerson(p);
      }
    }
  }
  // eks-access gives a session name one Kubernetes user whatever role it comes through, so the same
  // session name through a second role cannot be a second employee: the first role (by ARN) keeps it.
  const clashed = new Map<string, Person>();
  const bySession = new Map<string, Person>();
  for (const m of [...templates].sort((a, b) => compareStrings(a.arn.toLowerCase(), b.arn.toLowerCase()))) {
    for (const p of [...m.persons].sort((a, b) => compareStrings(a.inputUser, b.inputUser))) {
      const output = roleKubernetesUser(p.captured!);
      const first = bySession.get(output);
      if (!first) {
        bySession.set(output, p);
        continue;
      }
      m.persons.splice(m.persons.indexOf(p), 1);
      personsByUser.set(
        p.inputUser,
        (personsByUser.get(p.inputUser) ?? []).filter((x) => x !== p),
      );
      clashed.set(p.inputUser, p);
      note(
        'dropped',
        `${p.inputUser} (through ${m.arn}) and ${first.inputUser} (through ${first.mapping.arn}) would both become Kubernetes user ${output}: eks-access gives a session name one username whatever role it comes through. Only ${first.inputUser} becomes an employee; ${m.persons.length === 0 ? `${m.arn} is kept verbatim, so ${p.inputUser} keeps its access` : `${p.inputUser} loses the access it has through ${m.arn}; grant it to the employee by hand if it is the same person`}`,
        m.at,
      );
    }
  }
  for (const m of templates) {
    if (m.persons.length > 0) continue;
    m.status = 'preserved';
    const lost = [...clashed.values()].filter((p) => p.mapping === m);
    if (lost.length === 0)
      note(
        'preserved',
        `${m.arn} (username "${m.username}"${m.groups.length > 0 ? `, groups ${m.groups.join(', ')}` : ''}): no RoleBinding or ClusterRoleBinding names a person through it, so there is no one to make an employee of; kept verbatim for everyone who assumes it`,
        m.at,
      );
  }
  const staticUsers = new Map<string, Mapping[]>();
  for (const m of mappings) {
    if (m.status !== 'preserved' || m.template || m.node) continue;
    const u = renderAccount(m.username!, accountOf(m.arn) ?? accountId);
    staticUsers.set(u, [...(staticUsers.get(u) ?? []), m]);
  }
  const groupOwners = new Map<string, Mapping[]>();
  for (const m of mappings) {
    if (m.status === 'dropped') continue;
    for (const g of m.groups) groupOwners.set(g, [...(groupOwners.get(g) ?? []), m]);
  }

  // --- profiles, made for the roles bound to people
  const profiles = new Map<string, { name: string; data: Record<string, unknown> }>();
  const profileNames = new Set(Object.keys(BUILTIN_PROFILES));
  const unexpressible = new Set<string>();
  /** The profile of a role target, made on first use; undefined when it grants nothing expressible. */
  const profileOf = (t: Extract<Target, { kind: 'profile' }>): string | undefined => {
    if (t.roleKind === 'ClusterRole' && t.roleName in BUILTIN_PROFILES) return t.roleName;
    const done = profiles.get(t.key);
    if (done) return done.name;
    if (unexpressible.has(t.key)) return undefined;
    const given = rbac.roles.find((r) => r.kind === t.roleKind && r.name === t.roleName && (t.roleKind === 'ClusterRole' || r.namespace === t.namespace));
    const shown = `${t.roleKind} ${t.namespace ? `${t.namespace}/` : ''}${t.roleName}`;
    if (t.roleKind === 'ClusterRole' && (!given || given.builtin || given.platformName || isPlatformRoleName(t.roleName))) {
      // A role Kubernetes or EKS keeps on every cluster: refer to it rather than copy it.
      const name = uniqueLabel(dnsLabel(t.roleName, 'cluster-role'), profileNames);
      profiles.set(t.key, {
        name,
        data: {
          apiVersion: 'eks-access/v1',
          kind: 'Profile',
          name,
          description: `The existing ClusterRole ${t.roleName} (imported).`,
          clusterRole: t.roleName,
        },
      });
      return name;
    }
    const source = t.roleKind === 'ClusterRole' ? (bundle.clusterRoles.get(t.roleName)?.rules ?? []) : (bundle.roles.get(`${t.namespace}/${t.roleName}`) ?? []);
    const { rules, notes } = normalizeRules(source, t.roleKind === 'Role');
    for (const n of notes) note('nothing', `${shown}: ${n}`, given?.at);
    if (rules.length === 0) {
      unexpressible.add(t.key);
      note('nothing', `${shown} grants nothing the access files can express; bindings to it were not imported`, given?.at);
      return undefined;
    }
    // Roles of the same name and rules in several namespaces become one profile.
    const same =
      t.roleKind === 'Role'
        ? [...profiles.entries()].find(
            ([k, p]) => k.startsWith('Role/') && k.endsWith(`/${t.roleName}`) && JSON.stringify(p.data.rules) === JSON.stringify(rules),
          )
        : undefined;
    if (same) {
      profiles.set(t.key, same[1]);
      return same[1].name;
    }
    const name = uniqueLabel(dnsLabel(t.roleName, 'profile'), profileNames);
    if (given?.aggregationRule)
      note(
        'review',
        `ClusterRole ${t.roleName} aggregates other ClusterRoles; profile ${name} copies the rules it has today and no longer follows new ones`,
        given.at,
      );
    profiles.set(t.key, { name, data: { apiVersion: 'eks-access/v1', kind: 'Profile', name, description: `Imported from ${shown}.`, rules } });
    return name;
  };

  // Pass 2: each subject of each binding becomes grants of people, or stays with the cluster.
  const retained: GraphBinding[] = [];
  const grantNothing = new Set<string>();
  const keptGroups = new Map<string, string[]>();
  for (const b of rbac.bindings) {
    const toBundle = (subjects: BindingObject['subjects']): GraphBinding => ({
      kind: b.kind,
      name: b.name,
      ...(b.namespace !== undefined && { namespace: b.namespace }),
      roleRef: b.roleRef,
      subjects: subjects.map((s): Subject => ({ kind: s.kind, name: s.name, ...(s.namespace !== undefined && { namespace: s.namespace }) })),
    });
    if (b.builtin || b.platformName) {
      retained.push(toBundle(b.subjects));
      continue;
    }
    const target = targetOf(b);
    const label = bindingLabel(b);
    const role = `${b.roleRef.kind} ${b.roleRef.name}`;
    const kept: BindingObject['subjects'] = [];
    const converted: string[] = [];
    const grant = (persons: Person[], source: string) => {
      for (const p of persons) addGrant(p, target, b, source);
    };
    for (const s of b.subjects) {
      const keep = () => kept.push(s);
      if (s.kind === 'ServiceAccount') {
        note('serviceAccounts', `${label}: ServiceAccount ${s.namespace}/${s.name} -> ${role}`, s.at);
        keep();
        continue;
      }
      if (isSystem(s.name)) {
        note('system', `${label}: ${s.kind} ${s.name} -> ${role}`, s.at);
        keep();
        continue;
      }
      if (target.kind === 'missing') {
        if (!grantNothing.has(label)) note('nothing', `${label} grants nothing: ${target.why}`, b.at);
        grantNothing.add(label);
        keep();
        continue;
      }
      if (s.kind === 'Group') {
        const owners = groupOwners.get(s.name) ?? [];
        const owner = owners[0];
        if (owners.length === 0) {
          note('unmapped', `${label}: group ${s.name} -> ${role}; no aws-auth mapping gives this group (an OIDC provider or access entry may)`, s.at);
          keep();
        } else if (owners.length === 1 && owner!.status === 'people') {
          owner!.expanded.add(s.name);
          grant(owner!.persons, `${label} (group ${s.name})`);
          converted.push(`Group ${s.name}`);
        } else {
          keep();
          if (owners.some((o) => o.status === 'people')) keptGroups.set(s.name, [...new Set([...(keptGroups.get(s.name) ?? []), label])]);
        }
        continue;
      }
      const persons = personsByUser.get(s.name) ?? [];
      const shared = staticUsers.get(s.name) ?? [];
      if (persons.length > 0) {
        grant(persons, label);
        converted.push(`User ${s.name}`);
      }
      const lost = clashed.get(s.name);
      if (persons.length === 0 && lost) {
        if (lost.mapping.status !== 'preserved')
          note('dropped', `${label}: User ${s.name} -> ${role} is left to the cluster, but ${lost.mapping.arn} no longer maps ${s.name} (see above)`, s.at);
        keep();
      } else if (shared.length > 0) {
        note('shared', `${label}: User ${s.name} -> ${role} is the shared username of ${shared.map((m) => m.arn).join(', ')}; left to the cluster`, s.at);
        keep();
      } else if (persons.length === 0) {
        note('unmapped', `${label}: User ${s.name} -> ${role}; no aws-auth mapping gives this username`, s.at);
        keep();
      }
    }
    if (kept.length > 0) retained.push(toBundle(kept));
    if (converted.length > 0) {
      note(
        'replaced',
        kept.length === 0 ? `delete ${label} (${converted.join(', ')})` : `remove ${converted.join(', ')} from ${label}; keep its other subjects`,
        b.at,
      );
    }
  }
  for (const [group, labels] of keptGroups) {
    const owners = (groupOwners.get(group) ?? []).map((m) => m.arn);
    note(
      'review',
      `group ${group} is given by ${owners.length} aws-auth mappings (${owners.join(', ')}), so its bindings (${labels.join(', ')}) stay with the cluster and the people keep it as a groups: grant`,
    );
  }

  function addGrant(p: Person, t: Target, b: BindingObject, source: string): void {
    if (t.kind === 'missing') return;
    if (t.kind === 'level') {
      p.levels.set(t.level, [...(p.levels.get(t.level) ?? []), source]);
      return;
    }
    const profile = profileOf(t);
    if (profile === undefined) return;
    if (b.kind === 'ClusterRoleBinding') p.clusterProfiles.set(profile, [...(p.clusterProfiles.get(profile) ?? []), source]);
    else {
      const byNs = p.nsProfiles.get(profile) ?? new Map<string, string[]>();
      byNs.set(b.namespace!, [...(byNs.get(b.namespace!) ?? []), source]);
      p.nsProfiles.set(profile, byNs);
    }
  }

  // --- employees
  const namespaces = new Set<string>(custom.filter((b) => b.kind === 'RoleBinding').map((b) => b.namespace!));
  const employeeNames = new Set<string>();
  // An IAM user's Kubernetes username is their employee name: it must not be anyone else's username.
  const otherUsernames = new Set<string>([...staticUsers.keys(), ...custom.flatMap((b) => b.subjects.filter((s) => s.kind === 'User').map((s) => s.name))]);
  const people: ImportedPerson[] = [];
  const documents: AccessDocument[] = [];
  const outputUsers = new Map<string, Person>();
  const placeholders: string[] = [];
  const persons = mappings
    .filter((m) => m.status === 'people')
    .sort((a, b) => (a.kind === b.kind ? compareStrings(a.arn.toLowerCase(), b.arn.toLowerCase()) : a.kind === 'user' ? -1 : 1))
    .flatMap((m) => [...m.persons].sort((a, b) => compareStrings(a.inputUser, b.inputUser)));
  for (const p of persons) {
    const m = p.mapping;
    const parsed = parseIamArn(m.arn)!;
    let email: string | undefined;
    let sessionName: string | undefined;
    let base: string;
    if (m.kind === 'user') {
      email = EMAIL.test(p.inputUser) ? p.inputUser : EMAIL.test(parsed.name) ? parsed.name : undefined;
      const own = DNS_LABEL.test(p.inputUser) && p.inputUser.length <= 63 && !employeeNames.has(p.inputUser);
      base = own ? p.inputUser : dnsLabel(email?.split('@')[0] ?? parsed.name, 'user');
    } else {
      const captured = p.captured!;
      // The session name that makes the input template give this username.
      email = m.template!.raw ? (EMAIL.test(captured) ? captured : undefined) : guessEmail(captured);
      sessionName = m.template!.raw || email === undefined || renderSessionName(email) !== captured ? captured : email;
      base = dnsLabel((email ?? captured).split('@')[0]!, 'person');
    }
    let name = base;
    if (employeeNames.has(name) || (m.kind === 'user' && name !== p.inputUser && otherUsernames.has(name))) {
      name = m.kind === 'role' ? dnsLabel(`${base}-${parsed.name}`, base) : base;
      for (let i = 2; employeeNames.has(name) || (m.kind === 'user' && otherUsernames.has(name)); i++) name = `${base.slice(0, 60)}-${i}`;
    }
    const outputUser = m.kind === 'user' ? name : roleKubernetesUser(sessionName!);
    const clash = outputUsers.get(outputUser);
    if (clash) {
      note(
        'dropped',
        `${p.inputUser} (through ${m.arn}) and ${clash.inputUser} (through ${clash.mapping.arn}) would both become Kubernetes user ${outputUser}: eks-access gives a session name one username whatever role it comes through. Only ${clash.inputUser} was imported; grant the other's access to employee ${clash.employee} by hand if it is the same person`,
        m.at,
      );
      continue;
    }
    employeeNames.add(name);
    outputUsers.set(outputUser, p);
    p.employee = name;
    p.outputUser = outputUser;
    p.principal = m.kind === 'user' ? m.arn : `arn:${parsed.partition}:sts::${parsed.accountId}:assumed-role/${parsed.name}/${sessionName}`;
    if (email === undefined) {
      email = `${name}@${options.emailDomain}`;
      placeholders.push(name);
    }
    if (sessionName === email) sessionName = undefined;

    const access: Record<string, unknown>[] = [];
    const reason = (sources: readonly string[]) => {
      const unique = [...new Set(sources)].sort(compareStrings);
      return `imported from ${unique.slice(0, 3).join(', ')}${unique.length > 3 ? ` and ${unique.length - 3} more` : ''}`;
    };
    for (const level of ['admin', 'read-only'] as const) {
      const sources = p.levels.get(level);
      if (sources) access.push({ cluster: clusterName, level, reason: reason(sources) });
    }
    for (const [profile, sources] of [...p.clusterProfiles].sort((a, b) => compareStrings(a[0], b[0])))
      access.push({ cluster: clusterName, profile, scope: 'cluster', reason: reason(sources) });
    for (const [profile, byNs] of [...p.nsProfiles].sort((a, b) => compareStrings(a[0], b[0]))) {
      // A cluster-wide grant of the same role already covers every namespace.
      if (p.clusterProfiles.has(profile) || (profile === 'view' && p.levels.has('read-only')) || (profile === 'cluster-admin' && p.levels.has('admin')))
        continue;
      for (const ns of byNs.keys()) namespaces.add(ns);
      access.push({ cluster: clusterName, profile, namespaces: [...byNs.keys()].sort(compareStrings), reason: reason([...byNs.values()].flat()) });
    }
    let groups = m.groups.filter((g) => !m.expanded.has(g));
    if (!usesAwsAuth || authentication === 'both') {
      if (groups.includes('system:masters')) {
        if (!p.levels.has('admin')) access.unshift({ cluster: clusterName, level: 'admin', reason: `imported from aws-auth group system:masters of ${m.arn}` });
        note(
          'review',
          `${name}: group system:masters of ${m.arn} became level: admin (access entries refuse system: groups; cluster-admin allows the same)`,
          m.at,
        );
      }
      const dropped = groups.filter((g) => g.startsWith('system:') && g !== 'system:masters');
      if (dropped.length > 0) note('review', `${name}: group(s) ${dropped.join(', ')} of ${m.arn} dropped: access entries refuse system: groups`, m.at);
      groups = groups.filter((g) => !g.startsWith('system:'));
    } else if (groups.includes('system:masters')) {
      note(
        'review',
        `${name} gets group system:masters (superuser, beyond RBAC) from ${m.arn}; eks-access lint flags it: replace it with level: admin and an expiry`,
        m.at,
      );
    }
    if (groups.length > 0)
      access.push({ cluster: clusterName, groups: [...groups].sort(compareStrings), reason: `imported from the aws-auth mapping of ${m.arn}` });
    if (access.length === 0)
      note(
        'review',
        `${name} (${m.arn}) has no grants: they could sign in but not do anything an access file grants; the employee has an empty access list`,
        m.at,
      );

    const identity = m.kind === 'user' ? { iamUserArn: m.arn } : { role: { arn: m.arn, ...(sessionName !== undefined && { sessionName }) } };
    documents.push({
      path: `employees/${name}.yaml`,
      kind: 'Employee',
      data: { apiVersion: 'eks-access/v1', kind: 'Employee', name, email, identity, access },
    });
    people.push({ employee: name, principal: p.principal, inputUser: p.inputUser, outputUser });
    if (outputUser !== p.inputUser) {
      note(
        'usernames',
        m.kind === 'user'
          ? `${name} (${m.arn}): ${p.inputUser} -> ${outputUser} (an IAM user's username is their employee name)`
          : `${name} (${parsed.name}): ${p.inputUser} -> ${outputUser} (template ${m.template!.text} -> session:{{SessionName}})`,
        m.at,
      );
    }
  }
  if (placeholders.length > 0)
    note(
      'review',
      `no email could be derived for ${placeholders.join(', ')}: their files have a placeholder @${options.emailDomain} address; set the real one`,
    );
  for (const m of templates.filter((t) => t.status === 'people')) {
    const named = m.persons.filter((p) => p.employee !== undefined).map((p) => p.employee!);
    note(
      'review',
      `${m.arn} (username ${m.template!.text}${m.groups.length > 0 ? `, groups ${m.groups.join(', ')}` : ''}) is shared by everyone who assumes it; only the ${named.length === 1 ? 'one person' : `${named.length} people`} RBAC names ${named.length === 1 ? 'was' : 'were'} imported (${named.join(', ')}). Anyone else who signs in through it loses access: add them as employees`,
      m.at,
    );
  }
  if (authentication !== 'aws-auth') {
    const roles = persons.filter((p) => p.employee !== undefined && p.mapping.kind === 'role').map((p) => p.mapping.arn);
    if (roles.length > 0)
      note(
        'review',
        `access entries take the role ARN with its path (aws-reserved/sso.amazonaws.com/... for IAM Identity Center), which aws-auth never shows: check identity.role.arn of the employees of ${[...new Set(roles)].join(', ')}`,
      );
  }

  // --- preserved entries
  const preserved = mappings.filter((m) => m.status === 'preserved');
  const entry = (m: Mapping) => ({
    [m.kind === 'role' ? 'rolearn' : 'userarn']: m.arn,
    username: m.username!,
    ...(m.groups.length > 0 && { groups: m.groups }),
  });
  const awsAuth: Record<string, unknown> = {};
  if (usesAwsAuth) {
    const mapRoles = preserved.filter((m) => m.kind === 'role').map(entry);
    const mapUsers = preserved.filter((m) => m.kind === 'user').map(entry);
    if (!preserved.some((m) => m.node && m.groups.includes('system:nodes'))) {
      awsAuth.requireNodeMapping = false;
      note(
        'review',
        `aws-auth maps no node role (groups system:bootstrappers, system:nodes): the cluster file says requireNodeMapping: false. If nodes join through aws-auth, add their roles before applying, or they are locked out`,
      );
    }
    if (mapRoles.length > 0) awsAuth.mapRoles = mapRoles;
    if (mapUsers.length > 0) awsAuth.mapUsers = mapUsers;
    for (const m of preserved.filter((x) => x.node))
      note(
        'preserved',
        `${m.arn} (${m.username}${m.groups.length > 0 ? `; ${m.groups.join(', ')}` : ''}): ${m.username!.includes('{{SessionName}}') ? 'Fargate' : 'node group'}`,
        m.at,
      );
  } else {
    for (const m of preserved) {
      note(
        'dropped',
        m.node
          ? `${m.arn} is a node role: with access entries EKS needs an entry of type ${m.username!.includes('{{SessionName}}') ? 'FARGATE_LINUX' : 'EC2_LINUX'} for it (created for managed node groups and Fargate profiles; otherwise create it with Terraform or eksctl)`
          : `${m.arn} (username ${m.username}) cannot be written as an access entry by eks-access; create it by hand if it is still needed`,
        m.at,
      );
    }
  }

  // --- documents
  const sortedNamespaces = [...namespaces].sort(compareStrings);
  if (sortedNamespaces.length === 0) sortedNamespaces.push('default');
  const clusterData: Record<string, unknown> = {
    apiVersion: 'eks-access/v1',
    kind: 'Cluster',
    name: clusterName,
    accountId,
    region,
    authentication,
    namespaces: sortedNamespaces,
    ...(Object.keys(awsAuth).length > 0 && { awsAuth }),
  };
  const profileDocs = [...new Map([...profiles.values()].map((p) => [p.name, p])).values()]
    .sort((a, b) => compareStrings(a.name, b.name))
    .map((p): AccessDocument => ({ path: `profiles/${p.name}.yaml`, kind: 'Profile', data: p.data }));
  const all: AccessDocument[] = [
    { path: `clusters/${clusterName}.yaml`, kind: 'Cluster', data: clusterData },
    ...profileDocs,
    ...documents.sort((a, b) => compareStrings(a.path, b.path)),
  ];
  const preservedPrincipals = preserved
    .filter((m) => !m.node && usesAwsAuth)
    .flatMap((m) => {
      const p = parseIamArn(m.arn)!;
      if (m.kind === 'user') return [m.arn];
      const sessions = [...clashed.values()].filter((x) => x.mapping === m).map((x) => x.captured!);
      return (sessions.length > 0 ? sessions : ['eks-access-import-check']).map(
        (session) => `arn:${p.partition}:sts::${p.accountId}:assumed-role/${p.name}/${session}`,
      );
    });
  return {
    ok: true,
    plan: {
      cluster: { name: clusterName, accountId, region, authentication, namespaces: sortedNamespaces },
      documents: all,
      report: {
        cluster: clusterName,
        sources: [...new Set([awsAuthDoc.file, ...rbacDocuments.map((d) => d.file)])],
        sections,
        platformObjects: platformRoles + platformBindings,
        customObjects: rbac.roles.length - platformRoles + custom.length,
      },
      retained,
      people: people.sort((a, b) => compareStrings(a.employee, b.employee)),
      preservedPrincipals,
    },
  };
}

function newPerson(mapping: Mapping, inputUser: string): Person {
  return { mapping, inputUser, levels: new Map(), clusterProfiles: new Map(), nsProfiles: new Map() };
}
