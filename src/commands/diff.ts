/**
 * `eks-access diff --base GITREF`: what access changed between a git revision and the working tree,
 * in effective permissions rather than lines. Both sides are built into models; for every person and
 * cluster a fixed vocabulary of capability checks is asked of the RBAC engine in every namespace and
 * cluster-wide, and the granted rules themselves are compared as a fallback, so a permission outside
 * the vocabulary is never missed. Identity, group and expiry changes and the lint findings that
 * appear or disappear complete the picture, written as Markdown for a pull-request comment.
 */
import { resolve } from 'node:path';
import { type Diagnostic } from '../diagnostics.js';
import { discoverFiles, displayPath, loadFiles } from '../load/load.js';
import { inputFromModel } from '../lint/from-model.js';
import { lint } from '../lint/run.js';
import type { Finding, Grant as LintGrant } from '../lint/types.js';
import { buildAccess } from '../pipeline.js';
import { stripRolePath } from '../model/identity.js';
import type { AccessModel, Cluster, Employee, Grant, PolicyRule } from '../model/types.js';
import { groupsOn, identityMappings } from '../emit/aws-auth.js';
import { employeeBindings } from '../emit/rbac.js';
import { bundleForCluster } from '../rbac/access-bundle.js';
import { authorize, type Bundle, type Request, type UserInfo } from '../rbac/engine.js';
import { ruleAllows, ruleAllowsNonResource, type ResourceRequest } from '../rbac/match.js';
import { compareStrings } from '../text.js';
import { loadAtCommit, locateInRepository, renameFiles, resolveCommit } from './git.js';
import {
  at,
  CHECKS,
  code,
  compareVerbs,
  EVERYTHING_LABEL,
  fingerprint,
  grantAppliesIn,
  grantKindText,
  GrantIndex,
  identityText,
  indexBundle,
  inVocabulary,
  personalBundle,
  requestIn,
  resourceLabel,
  sourceText,
  verbsText,
  type IndexedBundle,
} from './permissions.js';

export type AccessChangeKind =
  | 'employee-added'
  | 'employee-removed'
  | 'identity-changed'
  | 'expiry-changed'
  | 'groups-added'
  | 'groups-removed'
  | 'permissions-added'
  | 'permissions-removed'
  | 'binding-replaced';

/** One change of one person's access, as one sentence of the report. */
export interface AccessChange {
  employee: string;
  kind: AccessChangeKind;
  cluster?: string;
  /** Permission changes: the namespaces; undefined for cluster-wide. */
  namespaces?: string[];
  /** Permission changes: the verbs, and what they apply to (`cluster-admin` for everything). */
  verbs?: string[];
  resources?: string[];
  /** Where it comes from: the grant (its kind and file:line); for removals, at the base revision. */
  sources: string[];
  /** The sentence, without the person's name (Markdown). */
  text: string;
}

export interface DiffOptions {
  /** The access folder, relative to `cwd`. */
  dir: string;
  /** The git revision to compare the working tree with. */
  base: string;
  /** YYYY-MM-DD, for the lint findings (expiry). */
  today: string;
  /** The working directory (default: the process's); file names are shown relative to it. */
  cwd?: string;
}

export interface DiffResult {
  markdown: string;
  changes: AccessChange[];
  /** Set when a side's access files are invalid: no comparison was made, `markdown` lists the problems. */
  invalid?: ('base' | 'working tree')[];
}

interface Side {
  label: 'base' | 'working tree';
  model: AccessModel;
  /** Per cluster, the groups of each role mapping (lower-case ARN without path), as userInfoFor finds them. */
  roleGroups: Map<string, Map<string, string[]>>;
  grants: GrantIndex;
  findings: Finding[];
  bundles: Map<string, IndexedBundle>;
}

function makeSide(label: Side['label'], model: AccessModel, today: string, accessDir: string): Side {
  const input = inputFromModel(model, today);
  return {
    label,
    model,
    grants: new GrantIndex(model, input.grants),
    roleGroups: new Map([...model.clusters.values()].map((c) => [c.name, new Map(identityMappings(model, c).roles.map((r) => [r.rolearn.toLowerCase(), r.groups ?? []]))])),
    findings: lint(input, { accessDir }),
    bundles: new Map([...model.clusters.values()].map((c) => [c.name, indexBundle(bundleForCluster(model, c))])),
  };
}

/** Compares the access folder at `opts.base` with the working tree. Throws UsageError for a bad ref or no repository. */
export async function diffAccess(opts: DiffOptions): Promise<DiffResult> {
  const cwd = opts.cwd ?? process.cwd();
  const absDir = resolve(cwd, opts.dir);
  const shownDir = displayPath(absDir, cwd);
  const loc = locateInRepository(absDir, opts.dir);
  const commit = resolveCommit(loc.root, opts.base);

  const baseLoaded = await loadAtCommit(loc, commit, absDir, cwd);
  const baseAccess = buildAccess(baseLoaded.documents, baseLoaded.diagnostics);
  const files = await discoverFiles(absDir);
  const loaded = await loadFiles(files);
  // loadFiles names files relative to the process's working directory; show them relative to `cwd`.
  const names = new Map(files.map((f) => [displayPath(f), displayPath(f, cwd)]));
  const renamed = renameFiles(loaded.value, loaded.diagnostics, names);
  const headAccess = buildAccess(renamed.docs, renamed.diagnostics);

  if (!baseAccess.model || !headAccess.model) {
    return invalidResult(opts.base, [
      ...(baseAccess.model ? [] : [{ side: 'base' as const, diagnostics: baseAccess.diagnostics }]),
      ...(headAccess.model ? [] : [{ side: 'working tree' as const, diagnostics: headAccess.diagnostics }]),
    ]);
  }
  const base = makeSide('base', baseAccess.model, opts.today, shownDir);
  const head = makeSide('working tree', headAccess.model, opts.today, shownDir);
  const changes = compareSides(base, head);
  return { markdown: render(changes, base, head), changes };
}

function invalidResult(ref: string, sides: { side: 'base' | 'working tree'; diagnostics: Diagnostic[] }[]): DiffResult {
  const where = (s: 'base' | 'working tree') => (s === 'base' ? `at the base revision (${ref})` : 'in the working tree');
  const lines = [`**Cannot compare access: the access files are invalid ${sides.map((s) => where(s.side)).join(' and ')}.** Fix them first (eks-access validate).`, ''];
  for (const s of sides) {
    lines.push(`Problems ${where(s.side)}:`, '');
    for (const d of s.diagnostics.filter((x) => x.severity === 'error')) lines.push(`- \`${d.file}:${d.line}:${d.column}\` ${d.severity}: ${d.message} (${d.ruleId})`);
    lines.push('');
  }
  return { markdown: lines.join('\n'), changes: [], invalid: sides.map((s) => s.side) };
}

// ---------------------------------------------------------------------------------------------
// Comparing.

/** One permission that changed in one scope, before being grouped into sentences. */
interface Item {
  /** Undefined: cluster-wide. */
  scope: string | undefined;
  verb: string;
  label: string;
  order: number;
  sources: string[];
  /** Not in the vocabulary: found by comparing the granted rules. */
  extra: boolean;
  /** Every source is a Kubernetes or EKS built-in role. */
  builtinOnly: boolean;
  /** The `*` on `*` check. */
  wildcard: boolean;
  /** Vocabulary items: the request asked. */
  request?: Request;
  /** Fallback items: the rule it came from, cut down to this verb and resource. */
  atom?: Atom;
}

/** One rule cut down to a single verb on a single resource (or URL), the unit the fallback compares. */
interface Atom {
  id: string;
  verb: string;
  group?: string;
  resource?: string;
  /** From `resourceNames`: one object. */
  name?: string;
  url?: string;
}

function atomsOf(rule: PolicyRule): Atom[] {
  const out: Atom[] = [];
  // One atom per object name, so that adding a name to a list reports that name only.
  const names: (string | undefined)[] = rule.resourceNames && rule.resourceNames.length > 0 ? rule.resourceNames : [undefined];
  for (const verb of rule.verbs) {
    for (const group of rule.apiGroups ?? []) {
      for (const resource of rule.resources ?? []) {
        for (const name of names) out.push({ id: `${verb} ${group} ${resource}${name !== undefined ? ` ${name}` : ''}`, verb, group, resource, ...(name !== undefined && { name }) });
      }
    }
    for (const url of rule.nonResourceURLs ?? []) out.push({ id: `${verb} :url ${url}`, verb, url });
  }
  return out;
}

/** Is the atom one of the vocabulary's checks, whose changes the engine already reported? */
function covered(a: Atom, clusterWide: boolean): boolean {
  return a.name === undefined && inVocabulary(a.id, clusterWide);
}

function atomRequest(a: Atom, scope: string | undefined): Request {
  if (a.url !== undefined) return { verb: a.verb, path: a.url };
  const [resource, subresource] = a.resource!.split('/') as [string, string | undefined];
  return {
    verb: a.verb,
    group: a.group!,
    resource,
    ...(subresource !== undefined && { subresource }),
    ...(a.name !== undefined && { name: a.name }),
    ...(scope !== undefined && { namespace: scope }),
  };
}

function atomLabel(a: Atom): string {
  if (a.url !== undefined) return `${URL_PREFIX}${code(a.url)}`;
  return `${resourceLabel(a.group!, a.resource!)}${a.name !== undefined ? `${NAMED}${a.name}` : ''}`;
}

function allows(rule: PolicyRule, req: Request): boolean {
  return 'path' in req ? ruleAllowsNonResource(rule, req.verb, req.path) : ruleAllows(rule, req);
}

/** One person on one cluster, at one side. */
interface Seat {
  side: Side;
  cluster: Cluster;
  employee: Employee;
  user: UserInfo;
  bundle: Bundle;
  grants: LintGrant[];
}

function seatOf(side: Side, clusterName: string, employeeName: string): Seat | undefined {
  const cluster = side.model.clusters.get(clusterName);
  const employee = side.model.employees.get(employeeName);
  if (!cluster || !employee) return undefined;
  // userInfoFor, with the role mappings of the cluster computed once rather than per person.
  const groups = employee.identity.kind === 'role' ? (side.roleGroups.get(clusterName)!.get(stripRolePath(employee.identity.arn).toLowerCase()) ?? []) : groupsOn(employee, cluster);
  const user: UserInfo = { user: employee.kubernetesUser, groups: [...groups, 'system:authenticated'] };
  return { side, cluster, employee, user, bundle: personalBundle(side.bundles.get(clusterName)!, user), grants: side.grants.for(cluster, employee) };
}

function allowed(seat: Seat | undefined, req: Request): boolean {
  return seat !== undefined && authorize(seat.bundle, seat.user, req, { defaults: false }).allowed;
}

/** The grants of a seat that allow `req` in `scope`, as source texts. */
function sourcesOf(seat: Seat, req: Request, scope: string | undefined): { sources: string[]; builtinOnly: boolean } {
  const grants = seat.grants.filter((g) => grantAppliesIn(g, scope) && allows(g.rule, req));
  return { sources: uniqueSorted(grants.map((g) => sourceText(seat.side.model, g, seat.employee.name, { expiry: true }))), builtinOnly: grants.every((g) => g.role.builtin) };
}

function uniqueSorted(list: readonly string[]): string[] {
  return [...new Set(list)].sort(compareStrings);
}

/** The permission items that one person gained (`to` has, `from` has not) on one cluster. */
function gained(from: Seat | undefined, to: Seat, namespaces: readonly string[]): Item[] {
  const items: Item[] = [];
  for (const scope of [undefined, ...namespaces]) {
    for (const check of CHECKS) {
      if (check.clusterOnly && scope !== undefined) continue;
      const req = requestIn(check, scope);
      if (!allowed(to, req) || allowed(from, req)) continue;
      const { sources, builtinOnly } = sourcesOf(to, req, scope);
      items.push({ scope, verb: check.verb, label: check.label, order: check.order, sources, extra: false, builtinOnly, wildcard: check.wildcard === true, request: req });
    }
  }
  // The fallback: granted rules outside the vocabulary that `from` did not already allow.
  const atoms = (seat: Seat | undefined) => {
    const map = new Map<string, { atom: Atom; scope: string | undefined; grants: LintGrant[] }>();
    for (const g of seat?.grants ?? []) {
      for (const atom of atomsOf(g.rule)) {
        const key = `${g.namespace ?? ''}\0${atom.id}`;
        const entry = map.get(key) ?? { atom, scope: g.namespace, grants: [] };
        entry.grants.push(g);
        map.set(key, entry);
      }
    }
    return map;
  };
  const before = atoms(from);
  for (const [key, { atom, scope, grants }] of atoms(to)) {
    if (before.has(key) || covered(atom, scope === undefined)) continue;
    // Rules that grant nothing (a non-resource URL through a RoleBinding) and rules already allowed otherwise.
    if (!allowed(to, atomRequest(atom, scope)) || allowed(from, atomRequest(atom, scope))) continue;
    items.push({
      scope,
      verb: atom.verb,
      label: atomLabel(atom),
      order: CHECKS.length,
      sources: uniqueSorted(grants.map((g) => sourceText(to.side.model, g, to.employee.name, { expiry: true }))),
      extra: true,
      builtinOnly: grants.every((g) => g.role.builtin),
      wildcard: false,
      atom,
    });
  }
  return items;
}

/** Built-in roles granting more than this many resources outside the vocabulary have them counted instead of listed. */
const COLLAPSE_OVER = 10;

/** A sentence about one scope, before sentences that differ only in their namespace are merged. */
interface Part {
  scope: string | undefined;
  /** Equal keys: the same sentence, in another namespace. */
  key: string;
  say: (where: string) => string;
  verbs?: string[];
  resources?: string[];
  sources: string[];
}

/** Sentences for the items of one direction on one cluster. */
function sentences(employee: string, cluster: string, items: Item[], direction: 'added' | 'removed'): AccessChange[] {
  const kind: AccessChangeKind = direction === 'added' ? 'permissions-added' : 'permissions-removed';
  const paren = (sources: readonly string[]) => (sources.length > 0 ? ` (${sources.join('; ')})` : '');
  // Everything on every resource: said once, as cluster-admin, instead of every verb it implies.
  const clusterWildcard = items.find((i) => i.wildcard && i.scope === undefined);
  if (clusterWildcard) {
    const text = `${direction === 'added' ? 'now has' : 'no longer has'} cluster-admin on ${cluster}${paren(clusterWildcard.sources)}`;
    return [{ employee, kind, cluster, verbs: ['*'], resources: ['cluster-admin'], sources: clusterWildcard.sources, text }];
  }
  const parts: Part[] = [];
  const wildcardScopes = new Set(items.filter((i) => i.wildcard).map((i) => i.scope));
  const clusterWide = new Set(items.filter((i) => i.scope === undefined).map((i) => `${i.verb}\0${i.label}`));
  const scopes = [...new Set(items.map((i) => i.scope))].sort((a, b) => (a === undefined ? -1 : b === undefined ? 1 : compareStrings(a, b)));
  for (const scope of scopes) {
    let inScope = items.filter((i) => i.scope === scope);
    // A namespace gaining what the cluster-wide scope also gains says nothing new.
    if (scope !== undefined) inScope = inScope.filter((i) => !clusterWide.has(`${i.verb}\0${i.label}`));
    if (wildcardScopes.has(scope)) {
      const w = inScope.find((i) => i.wildcard)!;
      const say = (where: string) => `${direction === 'added' ? 'can now do everything' : 'can no longer do everything'} (\`*\` on every resource) ${where}${paren(w.sources)}`;
      parts.push({ scope, key: `*\0${w.sources.join('\0')}`, say, verbs: ['*'], resources: [EVERYTHING_LABEL], sources: w.sources });
      continue;
    }
    const bySource = new Map<string, Item[]>();
    for (const i of inScope) {
      const key = i.sources.join('\0');
      bySource.set(key, [...(bySource.get(key) ?? []), i]);
    }
    for (const group of [...bySource.values()].sort((a, b) => compareStrings(a[0]!.sources.join(';'), b[0]!.sources.join(';')))) {
      const sources = group[0]!.sources;
      // A built-in role's many other rules are counted, not listed: its name says what it is.
      const collapse = group.every((i) => i.builtinOnly) && new Set(group.filter((i) => i.extra).map((i) => i.label)).size > COLLAPSE_OVER;
      // A wildcard rule (`get` on every resource of a group) says more than the checks it answers.
      const wide = group.filter((i) => i.atom && (i.atom.resource === '*' || i.atom.group === '*') && i.atom.name === undefined);
      const subsumed = (i: Item) =>
        i.request !== undefined && !('path' in i.request) && wide.some((w) => ruleAllows({ verbs: [w.atom!.verb], apiGroups: [w.atom!.group!], resources: [w.atom!.resource!] }, i.request as ResourceRequest));
      const shown = group.filter((i) => !(collapse && i.extra) && !subsumed(i));
      const hidden = group.filter((i) => collapse && i.extra);
      // label -> verbs, then labels with the same verbs together.
      const labels = new Map<string, { order: number; verbs: Set<string> }>();
      for (const i of shown) {
        const entry = labels.get(i.label) ?? { order: i.order, verbs: new Set<string>() };
        entry.verbs.add(i.verb);
        labels.set(i.label, entry);
      }
      const ordered = [...labels.entries()].sort((a, b) => a[1].order - b[1].order || compareStrings(a[0], b[0]));
      const byVerbs = new Map<string, { verbs: string[]; labels: string[] }>();
      for (const [label, { verbs }] of ordered) {
        const v = verbs.has('*') ? ['*'] : [...verbs].sort(compareVerbs);
        const key = v.join(',');
        const entry = byVerbs.get(key) ?? { verbs: v, labels: [] };
        entry.labels.push(label);
        byVerbs.set(key, entry);
      }
      for (const { verbs, labels: what } of byVerbs.values()) {
        const say = (where: string) => `${direction === 'added' ? 'can now' : 'can no longer'} ${verbsText(verbs)} ${joinLabels(what)} ${where}${paren(sources)}`;
        parts.push({ scope, key: `${verbs.join(',')}\0${what.join(',')}\0${sources.join('\0')}`, say, verbs, resources: what, sources });
      }
      if (hidden.length > 0) {
        const count = hidden.length;
        const resources = new Set(hidden.map((i) => i.label)).size;
        const say = (where: string) =>
          `${direction === 'added' ? 'also gains' : 'also loses'} ${count} more ${count === 1 ? 'permission' : 'permissions'} on ${resources} other ${resources === 1 ? 'resource' : 'resources'} ${where}${paren(sources)}; run eks-access explain ${employee} for the full list`;
        parts.push({ scope, key: `more\0${count}\0${resources}\0${sources.join('\0')}`, say, sources });
      }
    }
  }
  // The same sentence in several namespaces is said once, naming them all.
  const merged = new Map<string, { part: Part; scopes: string[] }>();
  const out: { part: Part; scopes: string[] }[] = [];
  for (const part of parts) {
    const key = part.scope === undefined ? undefined : part.key;
    const existing = key === undefined ? undefined : merged.get(key);
    if (existing) existing.scopes.push(part.scope!);
    else {
      const entry = { part, scopes: part.scope === undefined ? [] : [part.scope] };
      out.push(entry);
      if (key !== undefined) merged.set(key, entry);
    }
  }
  return out.map(({ part, scopes }) => {
    const where = scopes.length === 0 ? `cluster-wide on ${cluster}` : `in ${scopes.map((s) => `${cluster}/${s}`).join(', ')}`;
    return {
      employee,
      kind,
      cluster,
      ...(scopes.length > 0 && { namespaces: scopes }),
      ...(part.verbs && { verbs: part.verbs }),
      ...(part.resources && { resources: part.resources }),
      sources: part.sources,
      text: part.say(where),
    };
  });
}

const URL_PREFIX = 'non-resource URL ';
const NAMED = ' named ';

/** `pods, services, non-resource URLs /healthz, /livez`. */
function joinLabels(labels: readonly string[]): string {
  const urls = labels.filter((l) => l.startsWith(URL_PREFIX)).map((l) => l.slice(URL_PREFIX.length));
  const rest = labels.filter((l) => !l.startsWith(URL_PREFIX) && !l.includes(NAMED));
  // `secrets named a` + `secrets named b` -> `secrets named a, b`, after the unnamed ones.
  const named = new Map<string, string[]>();
  for (const l of labels.filter((x) => !x.startsWith(URL_PREFIX) && x.includes(NAMED))) {
    const [what, name] = [l.slice(0, l.indexOf(NAMED)), l.slice(l.indexOf(NAMED) + NAMED.length)];
    named.set(what, [...(named.get(what) ?? []), name]);
  }
  for (const [what, list] of named) rest.push(`${what}${NAMED}${list.sort(compareStrings).join(', ')}`);
  if (urls.length > 0) rest.push(`${urls.length === 1 ? 'non-resource URL' : 'non-resource URLs'} ${urls.join(', ')}`);
  return rest.join(', ');
}

/** A grant without what may change about it over time, to find the same grant on both sides. */
function grantKey(g: Grant): string {
  const { expires: _e, reason: _r, index: _i, at: _a, clusters, ...rest } = g;
  const copy: Record<string, unknown> = { ...rest, clusters: [...clusters].sort() };
  if ('namespaces' in rest && rest.namespaces) copy.namespaces = [...rest.namespaces].sort();
  if ('rulesAt' in copy) delete copy.rulesAt;
  return JSON.stringify(copy);
}

function grantWhere(g: Grant): string {
  const ns = 'namespaces' in g && g.namespaces ? ` (${g.namespaces.join(', ')})` : g.kind === 'profile' && g.scope === 'cluster' ? ' (cluster-wide)' : '';
  return `${grantKindText(g)} on ${g.clusters.join(', ')}${ns}`;
}

function identityKey(e: Employee): string {
  const { at: _at, ...rest } = e.identity;
  return JSON.stringify(rest);
}

function identityChanges(name: string, b: Employee | undefined, h: Employee | undefined): AccessChange[] {
  const out: AccessChange[] = [];
  if (!b && h) {
    const who = [h.email, h.team !== undefined ? `team ${h.team}` : undefined].filter((x) => x !== undefined).join(', ');
    const expiry = h.expires !== undefined ? `; access expires on ${h.expires}` : '';
    out.push({ employee: name, kind: 'employee-added', sources: [at(h.at)], text: `new employee (${who}): signs in as ${identityText(h)}, Kubernetes user \`${h.kubernetesUser}\`${expiry} (${at(h.at)})` });
    return out;
  }
  if (b && !h) {
    out.push({ employee: name, kind: 'employee-removed', sources: [at(b.at)], text: `removed from the access files (was ${at(b.at)}): loses all access` });
    return out;
  }
  if (!b || !h) return out;
  if (identityKey(b) !== identityKey(h) || b.kubernetesUser !== h.kubernetesUser) {
    const user = b.kubernetesUser !== h.kubernetesUser ? `; Kubernetes user \`${h.kubernetesUser}\` (was \`${b.kubernetesUser}\`)` : '';
    out.push({ employee: name, kind: 'identity-changed', sources: [at(h.identity.at)], text: `now signs in as ${identityText(h)} (was ${identityText(b)})${user} (${at(h.identity.at)})` });
  }
  if (b.expires !== h.expires) {
    const text = h.expires === undefined ? `access no longer expires (was ${b.expires})` : b.expires === undefined ? `access now expires on ${h.expires}` : `access now expires on ${h.expires} (was ${b.expires})`;
    out.push({ employee: name, kind: 'expiry-changed', sources: [at(h.at)], text: `${text} (${at(h.at)})` });
  }
  // The same grant on both sides with another expiry.
  const baseGrants = new Map<string, Grant>();
  for (const g of b.grants) if (!baseGrants.has(grantKey(g))) baseGrants.set(grantKey(g), g);
  for (const g of h.grants) {
    const old = baseGrants.get(grantKey(g));
    if (!old || old.expires === g.expires) continue;
    const text = g.expires === undefined ? `no longer expires (was ${old.expires})` : old.expires === undefined ? `now expires on ${g.expires}` : `now expires on ${g.expires} (was ${old.expires})`;
    out.push({ employee: name, kind: 'expiry-changed', sources: [at(g.at)], text: `${grantWhere(g)} ${text} (${at(g.at)})` });
  }
  return out;
}

function groupChanges(name: string, cluster: string, from: Seat | undefined, to: Seat | undefined, direction: 'added' | 'removed'): AccessChange[] {
  const groupsOf = (s: Seat | undefined) => new Set((s?.user.groups ?? []).filter((g) => g !== 'system:authenticated'));
  const before = groupsOf(from);
  const added = [...groupsOf(to)].filter((g) => !before.has(g)).sort(compareStrings);
  if (added.length === 0 || !to) return [];
  const sources = uniqueSorted(
    [...to.side.model.employees.values()].flatMap((e) =>
      e.grants.filter((g) => g.kind === 'groups' && g.clusters.includes(cluster) && g.groups.some((x) => added.includes(x)) && (e.name === name || sharesRole(e, to.employee))).map((g) => `${grantKindText(g)}, ${at(g.at)}${e.name === name ? '' : `, through the role shared with ${e.name}`}`),
    ),
  );
  const list = added.map((g) => `\`${g}\``).join(', ');
  const plural = added.length === 1 ? 'group' : 'groups';
  const text = direction === 'added' ? `is now in ${plural} ${list} on ${cluster}` : `is no longer in ${plural} ${list} on ${cluster}`;
  return [{ employee: name, kind: direction === 'added' ? 'groups-added' : 'groups-removed', cluster, sources, text: `${text}${sources.length > 0 ? ` (${sources.join('; ')})` : ''}` }];
}

function sharesRole(a: Employee, b: Employee): boolean {
  return a.identity.kind === 'role' && b.identity.kind === 'role' && stripRolePath(a.identity.arn).toLowerCase() === stripRolePath(b.identity.arn).toLowerCase();
}

/**
 * Bindings whose role changed under the same grant (a profile moving from `rules` to `clusterRole`):
 * a binding's roleRef is immutable, so the binding is replaced by one of a new name.
 */
function replacedBindings(name: string, cluster: string, base: Side, head: Side): AccessChange[] {
  const bindingsOf = (side: Side) => {
    const e = side.model.employees.get(name);
    const c = side.model.clusters.get(cluster);
    return e && c ? employeeBindings(side.model, c, e) : [];
  };
  const before = bindingsOf(base);
  const after = bindingsOf(head);
  const key = (b: { namespace: string | undefined; name: string }) => `${b.namespace ?? ''}/${b.name}`;
  const kept = new Set(before.map(key));
  const still = new Set(after.map(key));
  const out: AccessChange[] = [];
  for (const h of after) {
    if (kept.has(key(h))) continue;
    const old = before.find((b) => !still.has(key(b)) && b.namespace === h.namespace && b.via === h.via);
    if (!old) continue;
    const where = h.namespace === undefined ? `${cluster} (cluster-wide)` : `${cluster}/${h.namespace}`;
    out.push({
      employee: name,
      kind: 'binding-replaced',
      cluster,
      ...(h.namespace !== undefined && { namespaces: [h.namespace] }),
      sources: [],
      text: `binding replaced on ${where}: \`${old.name}\` (${old.roleKind} \`${old.roleName}\`) becomes \`${h.name}\` (${h.roleKind} \`${h.roleName}\`); a binding's role cannot change, so the old binding is deleted and the new one created`,
    });
  }
  return out;
}

function compareSides(base: Side, head: Side): AccessChange[] {
  const people = uniqueSorted([...base.model.employees.keys(), ...head.model.employees.keys()]);
  const clusters = uniqueSorted([...base.model.clusters.keys(), ...head.model.clusters.keys()]);
  const namespacesOf = (c: string) =>
    uniqueSorted([...(base.model.clusters.get(c)?.namespaces ?? []), ...(head.model.clusters.get(c)?.namespaces ?? [])]);
  const out: AccessChange[] = [];
  for (const name of people) {
    out.push(...identityChanges(name, base.model.employees.get(name), head.model.employees.get(name)));
    for (const c of clusters) {
      const b = seatOf(base, c, name);
      const h = seatOf(head, c, name);
      out.push(...groupChanges(name, c, b, h, 'added'), ...groupChanges(name, c, h, b, 'removed'));
      out.push(...replacedBindings(name, c, base, head));
      const same = b && h ? fingerprint(b.bundle, b.user) === fingerprint(h.bundle, h.user) : !b && !h;
      if (same) continue;
      const ns = namespacesOf(c);
      if (h) out.push(...sentences(name, c, gained(b, h, ns), 'added'));
      if (b) out.push(...sentences(name, c, gained(h, b, ns), 'removed'));
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Writing.

const SEVERITY_RANK: Record<string, number> = { error: 0, warning: 1, info: 2 };

function findingKey(f: Finding): string {
  return `${f.ruleId}\0${f.message}`;
}

function findingLine(f: Finding): string {
  return `- **${f.severity}** \`${f.file}:${f.line}\`: ${f.message} (${f.ruleId})`;
}

function lintDelta(from: readonly Finding[], to: readonly Finding[]): Finding[] {
  const known = new Set(from.filter((f) => !f.waived).map(findingKey));
  const seen = new Set<string>();
  return to
    .filter((f) => !f.waived && !known.has(findingKey(f)) && !seen.has(findingKey(f)) && seen.add(findingKey(f)))
    .sort((a, b) => (SEVERITY_RANK[a.severity] ?? 3) - (SEVERITY_RANK[b.severity] ?? 3) || compareStrings(a.file, b.file) || a.line - b.line || compareStrings(a.ruleId, b.ruleId));
}

function clustersOf(side: Side, name: string): string[] {
  const e = side.model.employees.get(name);
  return e ? e.grants.flatMap((g) => g.clusters) : [];
}

function render(changes: AccessChange[], base: Side, head: Side): string {
  const lines: string[] = [];
  const people = uniqueSorted(changes.map((c) => c.employee));
  if (people.length === 0) lines.push('No access changes.');
  else {
    const clusters = new Set<string>();
    for (const c of changes) {
      if (c.cluster !== undefined) clusters.add(c.cluster);
      else for (const x of [...clustersOf(base, c.employee), ...clustersOf(head, c.employee)]) clusters.add(x);
    }
    const who = people.length === 1 ? "1 person's" : `${people.length} people's`;
    const where = clusters.size === 0 ? '' : ` on ${clusters.size} ${clusters.size === 1 ? 'cluster' : 'clusters'}`;
    lines.push(`${who} access changes${where}.`, '');
    for (const person of people) {
      const theirs = changes.filter((c) => c.employee === person);
      if (theirs.length === 1) lines.push(`- **${person}**: ${theirs[0]!.text}`);
      else {
        lines.push(`- **${person}**:`);
        for (const c of theirs) lines.push(`  - ${c.text}`);
      }
    }
  }
  const added = lintDelta(base.findings, head.findings);
  const resolved = lintDelta(head.findings, base.findings);
  if (added.length > 0) lines.push('', '### New lint findings', '', ...added.map(findingLine));
  if (resolved.length > 0) lines.push('', '### Resolved lint findings', '', ...resolved.map(findingLine));
  return lines.join('\n') + '\n';
}
