/**
 * `eks-access diff --base GITREF`: what access changed between a git revision and the working tree,
 * in effective permissions rather than lines, explained by cause.
 *
 * First what changed in the shared definitions (a profile, a cluster, the LintPolicy), computed once
 * per definition, with how many people and clusters it reaches. Then, per person, the changes that
 * are their own: for every person and cluster a fixed vocabulary of capability checks is asked of
 * the RBAC engine, the granted rules themselves are compared as a fallback (so a permission outside
 * the vocabulary is never missed), and what the shared definitions alone explain is left to them: a
 * person's own change is one they would not have with only the shared definitions changed. Identity, group
 * and expiry changes and the lint findings that appear or disappear complete the picture.
 *
 * The base tree is read from git without checking it out, and a file whose bytes did not change is
 * read and interpreted once for both sides. The Markdown comment fits a GitHub comment whatever the
 * change: it summarises, and says what it left out; the full report is `fullMarkdown`.
 */
import { groupsOn, identityMappings, employeeBindings, grantsOn, profileRoleName } from '../model/resolve.js';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { lineText, placeText, positioned, UsageError, type Diagnostic, type Source } from '../diagnostics.js';
import { discoverFiles, displayPath, loadEachFile } from '../load/load.js';
import { inputFromModel } from '../lint/from-model.js';
import { lint } from '../lint/run.js';
import type { Finding, Grant as LintGrant, LintInput } from '../lint/types.js';
import { buildAccess, type LoadedAccess } from '../pipeline.js';
import { stripRolePath } from '../model/identity.js';
import type { AccessModel, Cluster, Employee, Grant, LintPolicy, PolicyRule, Profile } from '../model/types.js';
import { emitProfileClusterRole } from '../emit/rbac.js';
import { bundleForCluster } from '../rbac/access-bundle.js';
import { authorize, makeBundle, type Bundle, type Request, type UserInfo } from '../rbac/engine.js';
import type { GraphBinding } from '../rbac/graph.js';
import { ruleAllows, ruleAllowsNonResource, type ResourceRequest } from '../rbac/match.js';
import { codeSpan, compareStrings, markdownText } from '../text.js';
import { blobId, loadAtCommit, locateInRepository, resolveCommit, type ReadFile } from '../git/git.js';
import {
  at,
  CHECKS,
  code,
  compareVerbs,
  EVERYTHING_LABEL,
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
} from '../permissions/permissions.js';

type AccessChangeKind =
  | 'employee-added'
  | 'employee-removed'
  | 'identity-changed'
  | 'expiry-changed'
  | 'groups-added'
  | 'groups-removed'
  | 'permissions-added'
  | 'permissions-removed'
  | 'binding-replaced';

/** One change of one person's own access, as one sentence of the report. */
interface AccessChange {
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

/** A change of a shared definition: the cause of changes for everyone who uses it. */
interface SharedChange {
  kind: 'profile' | 'cluster' | 'policy';
  /** The profile's or cluster's name; `policy` for the LintPolicy. */
  name: string;
  change: 'added' | 'removed' | 'changed';
  /** Where it is written (file:line), in the working tree or, when removed, at the base revision. */
  source: string;
  /** What changed, one Markdown phrase each: `+ get pods/log`, `namespaces + ml-3`. */
  details: string[];
  /** Who it reaches: the people who use the definition (a profile's grants, a cluster's people). */
  people: number;
  /** The clusters it reaches. */
  clusters: string[];
  /** The whole line (Markdown). */
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
  /** The comment's size limit in characters (default COMMENT_LIMIT). */
  limit?: number;
}

interface DiffSummary {
  /** People whose own access changes. */
  people: number;
  /** Clusters of those changes. */
  clusters: number;
  /** Shared definitions that changed. */
  shared: number;
  /** People the changed shared definitions reach. */
  sharedPeople: number;
  newFindings: number;
  resolvedFindings: number;
}

export interface DiffResult {
  /** The pull-request comment: at most `limit` characters, summarised when the full report is longer. */
  markdown: string;
  /** The full report, however long. */
  fullMarkdown: string;
  /** Whether `markdown` left something out. */
  truncated: boolean;
  causes: SharedChange[];
  changes: AccessChange[];
  findings: { added: Finding[]; resolved: Finding[] };
  summary: DiffSummary;
  /** Set when a side's access files are invalid: no comparison was made, `markdown` lists the problems. */
  invalid?: ('base' | 'working tree')[];
}

/** GitHub refuses issue and pull-request comments longer than this many characters. */
export const GITHUB_COMMENT_LIMIT = 65536;
/** What the comment is kept under: room for the marker a sticky-comment action adds, and a margin. */
const COMMENT_LIMIT = GITHUB_COMMENT_LIMIT - 1536;

// ---------------------------------------------------------------------------------------------
// Reading both trees.

/** The access folder of the working tree, read once: each file with its git object id, and the model. */
export interface WorkingTree {
  absDir: string;
  /** The folder as shown in messages (relative to `cwd`). */
  shownDir: string;
  cwd: string;
  /** By path relative to the access folder, with `/`. */
  files: Map<string, ReadFile>;
  access: LoadedAccess;
}

export async function readWorkingTree(dir: string, cwd = process.cwd()): Promise<WorkingTree> {
  const absDir = resolve(cwd, dir);
  const paths = await discoverFiles(absDir);
  const files = new Map<string, ReadFile>();
  const documents = [];
  const diagnostics: Diagnostic[] = [];
  for (const f of loadEachFile(paths, { cwd, keepBytes: true, root: absDir })) {
    const rel = displayPath(f.path, absDir);
    files.set(rel, { sha: f.bytes ? blobId(f.bytes) : '', documents: f.documents, diagnostics: f.diagnostics });
    documents.push(...f.documents);
    diagnostics.push(...f.diagnostics);
  }
  return { absDir, shownDir: displayPath(absDir, cwd), cwd, files, access: buildAccess(documents, diagnostics) };
}

/** The access folder at `ref`: only the files whose bytes differ from the working tree's are read and interpreted. */
export function readBaseTree(work: WorkingTree, ref: string, shownDir = work.shownDir): LoadedAccess & { unchanged: Set<string>; changedFiles: number } {
  const loc = locateInRepository(work.absDir, shownDir);
  const commit = resolveCommit(loc.root, ref);
  const tree = loadAtCommit(loc, commit, work.absDir, work.cwd, work.files);
  const changed = new Set([...tree.changed, ...tree.added]);
  // The files read once for both sides, by the name their documents carry.
  const unchanged = new Set<string>();
  for (const [rel, f] of work.files) if (!changed.has(rel)) for (const d of f.documents) unchanged.add(d.file);
  return { ...buildAccess(tree.documents, tree.diagnostics), unchanged, changedFiles: tree.changed.length + tree.added.length };
}

/** Compares the access folder at `opts.base` with the working tree. Throws UsageError for a bad ref or no repository. */
export async function diffAccess(opts: DiffOptions): Promise<DiffResult> {
  const cwd = opts.cwd ?? process.cwd();
  // A missing folder or one outside git is said before anything is read.
  locateInRepository(resolve(cwd, opts.dir), opts.dir);
  const work = await readWorkingTree(opts.dir, cwd);
  const base = readBaseTree(work, opts.base, opts.dir);
  return compareTrees(base, work, opts);
}

/**
 * The comparison of two loaded trees. `headLint`, when the caller already linted the working tree
 * (`eks-access check`), is reused instead of linting again.
 */
export function compareTrees(
  baseAccess: LoadedAccess & { unchanged: ReadonlySet<string> },
  work: WorkingTree,
  opts: { base: string; today: string; limit?: number },
  headLint?: { input: LintInput; findings: Finding[] },
): DiffResult {
  const headAccess = work.access;
  if (!baseAccess.model || !headAccess.model) {
    return invalidResult(opts.base, [
      ...(baseAccess.model ? [] : [{ side: 'base' as const, diagnostics: baseAccess.diagnostics }]),
      ...(headAccess.model ? [] : [{ side: 'working tree' as const, diagnostics: headAccess.diagnostics }]),
    ]);
  }
  const base = makeSide('base', baseAccess.model, opts.today, work.shownDir);
  const head = makeSide('working tree', headAccess.model, opts.today, work.shownDir, headLint);
  const causes = sharedChanges(base.model, head.model);
  const hybrid = causes.some((c) => c.kind !== 'policy') ? makeHybrid(base, head) : undefined;
  const changes = compareSides(base, head, hybrid, baseAccess.unchanged);
  const findings = { added: lintDelta(base.findings, head.findings), resolved: lintDelta(head.findings, base.findings) };
  return render({ causes, changes, findings, base, head }, opts.limit ?? COMMENT_LIMIT);
}

function invalidResult(ref: string, sides: { side: 'base' | 'working tree'; diagnostics: Diagnostic[] }[]): DiffResult {
  const where = (s: 'base' | 'working tree') => (s === 'base' ? `at the base revision (${markdownText(ref)})` : 'in the working tree');
  const lines = [
    `**Cannot compare access: the access files are invalid ${sides.map((s) => where(s.side)).join(' and ')}.** Fix them first (eks-access validate).`,
    '',
  ];
  const full = [...lines];
  const cap = 50;
  for (const s of sides) {
    const errors = s.diagnostics.filter((x) => x.severity === 'error');
    const line = (d: Diagnostic) => `- ${codeSpan(placeText(d))} ${d.severity}: ${markdownText(d.message)} (${d.ruleId})`;
    for (const out of [lines, full]) out.push(`Problems ${where(s.side)}:`, '');
    lines.push(...errors.slice(0, cap).map(line), ...(errors.length > cap ? [`- ... and ${errors.length - cap} more; run eks-access validate`] : []), '');
    full.push(...errors.map(line), '');
  }
  const summary = { people: 0, clusters: 0, shared: 0, sharedPeople: 0, newFindings: 0, resolvedFindings: 0 };
  return {
    markdown: lines.join('\n'),
    fullMarkdown: full.join('\n'),
    truncated: full.length !== lines.length,
    causes: [],
    changes: [],
    findings: { added: [], resolved: [] },
    summary,
    invalid: sides.map((s) => s.side),
  };
}

// ---------------------------------------------------------------------------------------------
// The two sides, and the third: the working tree's people with the base's shared definitions.

interface Side {
  label: 'base' | 'working tree' | 'hybrid';
  model: AccessModel;
  /** Per cluster, the groups of each role mapping (lower-case ARN without path), as userInfoFor finds them. */
  roleGroups: (cluster: string) => Map<string, string[]>;
  /** The lint view's grants, to name where a permission comes from (not on the hybrid side). */
  grants?: () => GrantIndex;
  findings: Finding[];
  bundle: (cluster: string) => IndexedBundle;
  /** The cluster's bundle without bindings or access policies: what someone without grants there has. */
  empty: (cluster: string) => Bundle;
}

function lazyMap<T>(make: (key: string) => T): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    let v = cache.get(key);
    if (v === undefined) cache.set(key, (v = make(key)));
    return v;
  };
}

function makeSide(
  label: 'base' | 'working tree',
  model: AccessModel,
  today: string,
  accessDir: string,
  linted?: { input: LintInput; findings: Finding[] },
): Side {
  const input = linted?.input ?? inputFromModel(model, today);
  return {
    label,
    model,
    // Built when a person is compared: most diffs compare few people, or none.
    grants: (() => {
      let index: GrantIndex | undefined;
      return () => (index ??= new GrantIndex(model, input.grants));
    })(),
    roleGroups: lazyMap((c) => roleGroupsOf(model, model.clusters.get(c)!)),
    findings: linted?.findings ?? lint(input, { accessDir, sort: false }),
    bundle: lazyMap((c) => indexBundle(bundleForCluster(model, model.clusters.get(c)!))),
    empty: lazyMap((c) => emptyBundle(model.clusters.get(c)!)),
  };
}

/** The default ClusterRoles only: no binding, no access policy. */
function emptyBundle(_c: Cluster): Bundle {
  return makeBundle({});
}

function roleGroupsOf(model: AccessModel, c: Cluster): Map<string, string[]> {
  return new Map(identityMappings(model, c).roles.map((r) => [r.rolearn.toLowerCase(), r.groups ?? []]));
}

/**
 * `people`'s employees with `defs`' profiles and clusters (where they differ, or `people` lacks
 * them): with the base's people and the working tree's definitions, what everyone would have if
 * only the shared definitions had changed.
 */
function makeHybrid(people: Side, defs: Side): Side {
  const pick = <T>(p: Map<string, T>, d: Map<string, T>, key: (v: T) => string) => {
    const out = new Map(p);
    for (const [name, v] of d) {
      const old = p.get(name);
      if (old === undefined || key(old) !== key(v)) out.set(name, v);
    }
    return out;
  };
  const model: AccessModel = {
    clusters: pick(people.model.clusters, defs.model.clusters, clusterKey),
    profiles: pick(people.model.profiles, defs.model.profiles, profileKey),
    employees: people.model.employees,
    ...(people.model.lintPolicy && { lintPolicy: people.model.lintPolicy }),
  };
  const changedProfiles = [...model.profiles.values()].filter((p) => p !== people.model.profiles.get(p.name));
  // When only rule-based profiles changed their rules, `people`'s bindings stand: only the
  // ClusterRoles of those profiles differ, and they are swapped in rather than everything emitted again.
  const sameBindings = (c: string) =>
    model.clusters.get(c) === people.model.clusters.get(c) &&
    changedProfiles.every((p) => {
      const old = people.model.profiles.get(p.name);
      return old === undefined || profileRoleName(p) === profileRoleName(old);
    });
  return {
    label: 'hybrid',
    model,
    roleGroups: lazyMap((c) => (model.clusters.get(c) === people.model.clusters.get(c) ? people.roleGroups(c) : roleGroupsOf(model, model.clusters.get(c)!))),
    findings: [],
    bundle: lazyMap((c) => {
      if (!sameBindings(c)) return indexBundle(bundleForCluster(model, model.clusters.get(c)!));
      const own = people.bundle(c);
      const clusterRoles = new Map(own.bundle.clusterRoles);
      for (const p of changedProfiles) {
        const role = emitProfileClusterRole(p);
        const name = role.metadata!.name!;
        if (p.rules && clusterRoles.has(name)) clusterRoles.set(name, { name, labels: {}, rules: (role.rules ?? []) as PolicyRule[] });
      }
      return { bundle: { ...own.bundle, clusterRoles }, bySubject: own.bySubject };
    }),
    empty: people.empty,
  };
}

// ---------------------------------------------------------------------------------------------
// Shared definitions: what changed in each, once per definition, and whom it reaches.

function profileKey(p: Profile): string {
  return JSON.stringify({ clusterRole: p.clusterRole, rules: p.rules ?? null });
}

function clusterKey(c: Cluster): string {
  const strip = <T extends { at: unknown }>(list: readonly T[]) => list.map(({ at: _a, ...rest }) => rest);
  const { at: _a, file: _f, awsAuth, ...rest } = c;
  return JSON.stringify({ ...rest, awsAuth: { ...awsAuth, mapRoles: strip(awsAuth.mapRoles), mapUsers: strip(awsAuth.mapUsers) } });
}

const count = (n: number, one: string, many: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** The atoms of `rules` that `other` does not allow, grouped into `get, list pods, services` phrases. */
function ruleDelta(rules: readonly PolicyRule[], other: readonly PolicyRule[]): string[] {
  const byLabel = new Map<string, { order: number; verbs: Set<string> }>();
  let order = 0;
  for (const rule of rules) {
    for (const atom of atomsOf(rule)) {
      const req = atomRequest(atom, undefined);
      if (other.some((r) => allows(r, req))) continue;
      const label = atomLabel(atom);
      const entry = byLabel.get(label) ?? { order: order++, verbs: new Set<string>() };
      entry.verbs.add(atom.verb);
      byLabel.set(label, entry);
    }
  }
  const byVerbs = new Map<string, string[]>();
  for (const [label, { verbs }] of [...byLabel].sort((a, b) => a[1].order - b[1].order)) {
    const key = verbsText(verbs.has('*') ? ['*'] : [...verbs].sort(compareVerbs));
    byVerbs.set(key, [...(byVerbs.get(key) ?? []), label]);
  }
  return [...byVerbs].map(([verbs, labels]) => `${verbs} ${joinLabels(labels)}`);
}

function profileDetails(b: Profile, h: Profile): string[] {
  if (b.rules && h.rules) {
    const details = [...ruleDelta(h.rules, b.rules).map((d) => `+ ${d}`), ...ruleDelta(b.rules, h.rules).map((d) => `− ${d}`)];
    return details.length > 0 ? details : ['rules rewritten, same permissions'];
  }
  const what = (p: Profile) => (p.clusterRole !== undefined ? `the ClusterRole ${codeSpan(p.clusterRole)}` : 'its own rules');
  return [`now binds ${what(h)} (was ${what(b)})`];
}

function listDelta(label: string, before: readonly string[], after: readonly string[]): string[] {
  const b = new Set(before);
  const a = new Set(after);
  const added = after.filter((x) => !b.has(x));
  const removed = before.filter((x) => !a.has(x));
  return [
    ...(added.length > 0 ? [`${label} + ${added.map(markdownText).join(', ')}`] : []),
    ...(removed.length > 0 ? [`${label} − ${removed.map(markdownText).join(', ')}`] : []),
  ];
}

function clusterDetails(b: Cluster, h: Cluster): string[] {
  const out: string[] = [];
  const field = (name: string, x: unknown, y: unknown, show = true) => {
    if (JSON.stringify(x) === JSON.stringify(y)) return;
    out.push(show ? `${name} ${markdownText(String(y ?? 'unset'))} (was ${markdownText(String(x ?? 'unset'))})` : `${name} changed`);
  };
  field('authentication', b.authentication, h.authentication);
  field('account', b.accountId, h.accountId);
  field('region', b.region, h.region);
  out.push(...listDelta('namespaces', b.namespaces, h.namespaces));
  const role = (m: Cluster['awsAuth']['mapRoles'][number]) => `${m.rolearn} as ${m.username}${m.groups?.length ? ` in ${m.groups.join(', ')}` : ''}`;
  const user = (m: Cluster['awsAuth']['mapUsers'][number]) => `${m.userarn} as ${m.username}${m.groups?.length ? ` in ${m.groups.join(', ')}` : ''}`;
  out.push(...listDelta('aws-auth mapRoles', b.awsAuth.mapRoles.map(role), h.awsAuth.mapRoles.map(role)));
  out.push(...listDelta('aws-auth mapUsers', b.awsAuth.mapUsers.map(user), h.awsAuth.mapUsers.map(user)));
  field('requireNodeMapping', b.awsAuth.requireNodeMapping, h.awsAuth.requireNodeMapping);
  field('endpoint', b.endpoint, h.endpoint);
  field('certificateAuthorityData', b.certificateAuthorityData, h.certificateAuthorityData, false);
  const known = new Set(['name', 'authentication', 'accountId', 'region', 'namespaces', 'awsAuth', 'endpoint', 'certificateAuthorityData', 'at', 'file']);
  for (const k of new Set([...Object.keys(b), ...Object.keys(h)])) {
    if (!known.has(k)) field(k, (b as unknown as Record<string, unknown>)[k], (h as unknown as Record<string, unknown>)[k]);
  }
  return out.length > 0 ? out : ['rewritten, same definition'];
}

function policyDetails(b: LintPolicy | undefined, h: LintPolicy | undefined): string[] {
  const out: string[] = [];
  const rb = b?.rules ?? {};
  const rh = h?.rules ?? {};
  for (const id of [...new Set([...Object.keys(rb), ...Object.keys(rh)])].sort(compareStrings)) {
    if (rb[id] !== rh[id]) out.push(`rule ${markdownText(id)}: ${rh[id] ?? 'default severity'} (was ${rb[id] ?? 'default severity'})`);
  }
  const waiver = (w: LintPolicy['waivers'][number]) =>
    `${w.rule} for ${w.employee !== undefined ? `employee ${w.employee}` : `file ${w.file ?? '?'}`} until ${w.expires}`;
  out.push(...listDelta('waivers', (b?.waivers ?? []).map(waiver), (h?.waivers ?? []).map(waiver)));
  return out;
}

/** Whom a profile reaches in `model`: the people with a grant of it, and the clusters of those grants. */
function profileReach(model: AccessModel, name: string): { people: number; clusters: string[] } {
  let people = 0;
  const clusters = new Set<string>();
  for (const e of model.employees.values()) {
    let uses = false;
    for (const g of e.grants) {
      if (g.kind !== 'profile' || g.profile !== name) continue;
      uses = true;
      for (const c of g.clusters) clusters.add(c);
    }
    if (uses) people++;
  }
  return { people, clusters: [...clusters].sort(compareStrings) };
}

function clusterReach(model: AccessModel, name: string): { people: number; clusters: string[] } {
  let people = 0;
  for (const e of model.employees.values()) if (e.grants.some((g) => g.clusters.includes(name))) people++;
  return { people, clusters: [name] };
}

function sharedChanges(base: AccessModel, head: AccessModel): SharedChange[] {
  const out: SharedChange[] = [];
  const add = (
    kind: SharedChange['kind'],
    name: string,
    change: SharedChange['change'],
    source: string,
    details: string[],
    reach: { people: number; clusters: string[] },
  ) => {
    const reaches =
      reach.people === 0 ? 'used by no one' : `${count(reach.people, 'person', 'people')} on ${count(reach.clusters.length, 'cluster', 'clusters')}`;
    const label = kind === 'policy' ? '**LintPolicy**' : `**${kind} ${markdownText(name)}**`;
    const what = change === 'added' ? `new${details.length > 0 ? `: ${details.join('; ')}` : ''}` : change === 'removed' ? 'removed' : details.join('; ');
    const tail = kind === 'policy' ? '' : ` — ${reaches}`;
    out.push({
      kind,
      name,
      change,
      source,
      details,
      people: reach.people,
      clusters: reach.clusters,
      text: `${label}: ${what}${tail} (${markdownText(source)})`,
    });
  };
  for (const name of uniqueSorted([...base.profiles.keys(), ...head.profiles.keys()])) {
    const b = base.profiles.get(name);
    const h = head.profiles.get(name);
    if (b && h && profileKey(b) === profileKey(h)) continue;
    const where = (p: Profile) => (p.at ? at(p.at) : 'built in');
    if (b && h) add('profile', name, 'changed', where(h), profileDetails(b, h), profileReach(head, name));
    else if (h)
      add(
        'profile',
        name,
        'added',
        where(h),
        h.rules ? ruleDelta(h.rules, []) : [`binds the ClusterRole ${codeSpan(h.clusterRole ?? '')}`],
        profileReach(head, name),
      );
    else if (b) add('profile', name, 'removed', where(b), [], profileReach(base, name));
  }
  for (const name of uniqueSorted([...base.clusters.keys(), ...head.clusters.keys()])) {
    const b = base.clusters.get(name);
    const h = head.clusters.get(name);
    if (b && h && clusterKey(b) === clusterKey(h)) continue;
    if (b && h) add('cluster', name, 'changed', at(h.at), clusterDetails(b, h), clusterReach(head, name));
    else if (h)
      add('cluster', name, 'added', at(h.at), [`${h.authentication}, ${count(h.namespaces.length, 'namespace', 'namespaces')}`], clusterReach(head, name));
    else if (b) add('cluster', name, 'removed', at(b.at), [], clusterReach(base, name));
  }
  const policy = policyDetails(base.lintPolicy, head.lintPolicy);
  const pb = base.lintPolicy;
  const ph = head.lintPolicy;
  if (policy.length > 0 || (pb === undefined) !== (ph === undefined)) {
    add('policy', 'policy', !pb ? 'added' : !ph ? 'removed' : 'changed', at((ph ?? pb)!.at), policy, { people: 0, clusters: [] });
  }
  return out;
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
  /** The request that is allowed on one side and not the other. */
  req: Request;
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
        for (const name of names)
          out.push({ id: `${verb} ${group} ${resource}${name !== undefined ? ` ${name}` : ''}`, verb, group, resource, ...(name !== undefined && { name }) });
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

/** What an atom is about, in Markdown: its words come from the access files and are escaped. */
function atomLabel(a: Atom): string {
  if (a.url !== undefined) return `${URL_PREFIX}${a.url.includes('*') ? code(a.url) : markdownText(a.url)}`;
  return `${resourceLabel(a.group!, a.resource!, markdownText)}${a.name !== undefined ? `${NAMED}${markdownText(a.name)}` : ''}`;
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
  const groups =
    employee.identity.kind === 'role'
      ? (side.roleGroups(clusterName).get(stripRolePath(employee.identity.arn).toLowerCase()) ?? [])
      : groupsOn(employee, cluster);
  const user: UserInfo = { user: employee.kubernetesUser, groups: [...groups, 'system:authenticated'] };
  // Without a grant on the cluster, nothing there binds or associates anything to them (only their
  // groups count, through a shared role).
  const bundle = grantsOn(employee, cluster).length === 0 ? side.empty(clusterName) : personalBundle(side.bundle(clusterName), user);
  return { side, cluster, employee, user, bundle, grants: side.grants?.().for(cluster, employee) ?? [] };
}

function allowed(seat: Seat | undefined, req: Request): boolean {
  return seat !== undefined && authorize(seat.bundle, seat.user, req, { defaults: false }).allowed;
}

/** The grants of a seat that allow `req` in `scope`, as source texts. */
function sourcesOf(seat: Seat, req: Request, scope: string | undefined): { sources: string[]; builtinOnly: boolean } {
  const grants = seat.grants.filter((g) => grantAppliesIn(g, scope) && allows(g.rule, req));
  return {
    sources: uniqueSorted(grants.map((g) => sourceText(seat.side.model, g, seat.employee.name, { expiry: true, markdown: true }))),
    builtinOnly: grants.every((g) => g.role.builtin),
  };
}

function uniqueSorted(list: readonly string[]): string[] {
  return [...new Set(list)].sort(compareStrings);
}

/** The permission items that one person gained (`to` has, `from` has not) on one cluster. */
function gained(from: Seat | undefined, to: Seat, namespaces: readonly string[]): Item[] {
  const items: Item[] = [];
  const scopes = scopesToAsk(namespaces, from, to);
  for (const scope of scopes) {
    for (const check of CHECKS) {
      if (check.clusterOnly && scope !== undefined) continue;
      const req = requestIn(check, scope);
      if (!allowed(to, req) || allowed(from, req)) continue;
      const { sources, builtinOnly } = sourcesOf(to, req, scope);
      items.push({
        scope,
        verb: check.verb,
        label: check.label,
        order: check.order,
        sources,
        extra: false,
        builtinOnly,
        wildcard: check.wildcard === true,
        request: req,
        req,
      });
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
    const req = atomRequest(atom, scope);
    if (!allowed(to, req) || allowed(from, req)) continue;
    items.push({
      req,
      scope,
      verb: atom.verb,
      label: atomLabel(atom),
      order: CHECKS.length,
      sources: uniqueSorted(grants.map((g) => sourceText(to.side.model, g, to.employee.name, { expiry: true, markdown: true }))),
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
      const say = (where: string) =>
        `${direction === 'added' ? 'can now do everything' : 'can no longer do everything'} (\`*\` on every resource) ${where}${paren(w.sources)}`;
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
        i.request !== undefined &&
        !('path' in i.request) &&
        wide.some((w) => ruleAllows({ verbs: [w.atom!.verb], apiGroups: [w.atom!.group!], resources: [w.atom!.resource!] }, i.request as ResourceRequest));
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
        const say = (where: string) =>
          `${direction === 'added' ? 'can now' : 'can no longer'} ${verbsText(verbs)} ${joinLabels(what)} ${where}${paren(sources)}`;
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
    const who = markdownText([h.email, h.team !== undefined ? `team ${h.team}` : undefined].filter((x) => x !== undefined).join(', '));
    const expiry = h.expires !== undefined ? `; access expires on ${h.expires}` : '';
    out.push({
      employee: name,
      kind: 'employee-added',
      sources: [mdAt(h.at)],
      text: `new employee (${who}): signs in as ${markdownText(identityText(h))}, Kubernetes user ${codeSpan(h.kubernetesUser)}${expiry} (${mdAt(h.at)})`,
    });
    return out;
  }
  if (b && !h) {
    out.push({ employee: name, kind: 'employee-removed', sources: [mdAt(b.at)], text: `removed from the access files (was ${mdAt(b.at)}): loses all access` });
    return out;
  }
  if (!b || !h) return out;
  if (identityKey(b) !== identityKey(h) || b.kubernetesUser !== h.kubernetesUser) {
    const user = b.kubernetesUser !== h.kubernetesUser ? `; Kubernetes user ${codeSpan(h.kubernetesUser)} (was ${codeSpan(b.kubernetesUser)})` : '';
    out.push({
      employee: name,
      kind: 'identity-changed',
      sources: [mdAt(h.identity.at)],
      text: `now signs in as ${markdownText(identityText(h))} (was ${markdownText(identityText(b))})${user} (${mdAt(h.identity.at)})`,
    });
  }
  if (b.expires !== h.expires) {
    const text =
      h.expires === undefined
        ? `access no longer expires (was ${b.expires})`
        : b.expires === undefined
          ? `access now expires on ${h.expires}`
          : `access now expires on ${h.expires} (was ${b.expires})`;
    out.push({ employee: name, kind: 'expiry-changed', sources: [mdAt(h.at)], text: `${text} (${mdAt(h.at)})` });
  }
  // The same grant on both sides with another expiry.
  const baseGrants = new Map<string, Grant>();
  for (const g of b.grants) if (!baseGrants.has(grantKey(g))) baseGrants.set(grantKey(g), g);
  for (const g of h.grants) {
    const old = baseGrants.get(grantKey(g));
    if (!old || old.expires === g.expires) continue;
    const text =
      g.expires === undefined
        ? `no longer expires (was ${old.expires})`
        : old.expires === undefined
          ? `now expires on ${g.expires}`
          : `now expires on ${g.expires} (was ${old.expires})`;
    out.push({ employee: name, kind: 'expiry-changed', sources: [mdAt(g.at)], text: `${markdownText(grantWhere(g))} ${text} (${mdAt(g.at)})` });
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
      e.grants
        .filter(
          (g) =>
            g.kind === 'groups' && g.clusters.includes(cluster) && g.groups.some((x) => added.includes(x)) && (e.name === name || sharesRole(e, to.employee)),
        )
        .map((g) => markdownText(`${grantKindText(g)}, ${at(g.at)}${e.name === name ? '' : `, through the role shared with ${e.name}`}`)),
    ),
  );
  const list = added.map((g) => codeSpan(g)).join(', ');
  const plural = added.length === 1 ? 'group' : 'groups';
  const text = direction === 'added' ? `is now in ${plural} ${list} on ${cluster}` : `is no longer in ${plural} ${list} on ${cluster}`;
  return [
    {
      employee: name,
      kind: direction === 'added' ? 'groups-added' : 'groups-removed',
      cluster,
      sources,
      text: `${text}${sources.length > 0 ? ` (${sources.join('; ')})` : ''}`,
    },
  ];
}

function sharesRole(a: Employee, b: Employee): boolean {
  return (
    a.identity.kind === 'role' && b.identity.kind === 'role' && stripRolePath(a.identity.arn).toLowerCase() === stripRolePath(b.identity.arn).toLowerCase()
  );
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

/** The scopes worth asking about: cluster-wide, and the namespaces where either side binds or associates something. */
function scopesToAsk(namespaces: readonly string[], ...seats: (Seat | undefined)[]): (string | undefined)[] {
  // Elsewhere, only cluster-wide grants apply, and what they change is said cluster-wide.
  const touched = new Set<string>();
  for (const s of seats) {
    if (!s) continue;
    for (const b of s.bundle.bindings) if (b.kind === 'RoleBinding' && b.namespace !== undefined) touched.add(b.namespace);
    for (const p of s.bundle.policies) {
      for (const n of p.namespaces ?? []) {
        if (n.includes('*')) return [undefined, ...namespaces];
        touched.add(n);
      }
    }
  }
  return [undefined, ...namespaces.filter((n) => touched.has(n))];
}

const rulesText = new WeakMap<object, string>();
const NO_RULES: PolicyRule[] = [];

function rulesJson(rules: PolicyRule[]): string {
  let t = rulesText.get(rules);
  if (t === undefined) rulesText.set(rules, (t = JSON.stringify(rules)));
  return t;
}

function bindingRules(bundle: Bundle, b: GraphBinding): PolicyRule[] {
  if (b.roleRef.kind === 'ClusterRole') return bundle.clusterRoles.get(b.roleRef.name)?.rules ?? NO_RULES;
  if (b.roleRef.kind === 'Role' && b.kind === 'RoleBinding') return bundle.roles.get(`${b.namespace ?? 'default'}/${b.roleRef.name}`) ?? NO_RULES;
  return NO_RULES;
}

/** Everything that decides what a seat may do, as text: equal fingerprints mean equal permissions. */
function fingerprintOf(seat: Seat): string {
  const b = seat.bundle;
  const bindings = b.bindings.map((x) => `${x.kind}|${x.namespace ?? ''}|${rulesJson(bindingRules(b, x))}`).sort();
  const policies = b.policies.map((p) => `${(p.namespaces ?? []).join(',')}|${rulesJson(p.rules)}`).sort();
  return `${seat.user.groups.includes('system:masters') ? 'masters' : ''}\n${bindings.join('\n')}\n\n${policies.join('\n')}`;
}

/** Who shares a role: the authenticator sees its ARN without the path, in any case. */
function roleKey(arn: string): string {
  return stripRolePath(arn).toLowerCase();
}

function samePermissions(a: Seat | undefined, b: Seat | undefined): boolean {
  return a && b ? fingerprintOf(a) === fingerprintOf(b) : !a && !b;
}

/**
 * Every person's own changes. With shared definitions changed, `hybrid` is the base's people with
 * the working tree's definitions: what the shared definitions alone do. What it already has is said
 * once, by the shared definitions; what only the working tree has (or lost) is the person's own.
 */
function compareSides(base: Side, head: Side, hybrid: Side | undefined, unchanged: ReadonlySet<string>): AccessChange[] {
  // A person whose file is the same on both sides has the same access on both, with the same
  // shared definitions (which is what a person's own changes are measured with), unless someone
  // they share a role with changed: only the others are compared.
  const untouched = (name: string) => {
    const b = base.model.employees.get(name);
    const h = head.model.employees.get(name);
    return b !== undefined && h !== undefined && b.file === h.file && unchanged.has(h.file);
  };
  const all = uniqueSorted([...base.model.employees.keys(), ...head.model.employees.keys()]);
  const touchedRoles = new Set<string>();
  for (const name of all) {
    if (untouched(name)) continue;
    for (const e of [base.model.employees.get(name), head.model.employees.get(name)])
      if (e?.identity.kind === 'role') touchedRoles.add(roleKey(e.identity.arn));
  }
  // A profile whose role changed (rules <-> clusterRole) replaces the bindings of everyone it binds.
  const rebound = new Set<string>();
  for (const [name, p] of head.model.profiles) {
    const before = base.model.profiles.get(name);
    if (before && profileRoleName(before) !== profileRoleName(p)) rebound.add(name);
  }
  const people = all.filter((name) => {
    if (!untouched(name)) return true;
    const e = head.model.employees.get(name)!;
    if (rebound.size > 0 && e.grants.some((g) => g.kind === 'profile' && rebound.has(g.profile))) return true;
    return e.identity.kind === 'role' && touchedRoles.has(roleKey(e.identity.arn));
  });
  const clusters = uniqueSorted([...base.model.clusters.keys(), ...head.model.clusters.keys()]);
  const namespaces = new Map(
    clusters.map((c) => [c, uniqueSorted([...(base.model.clusters.get(c)?.namespaces ?? []), ...(head.model.clusters.get(c)?.namespaces ?? [])])]),
  );
  const out: AccessChange[] = [];
  for (const name of people) {
    if (!untouched(name)) out.push(...identityChanges(name, base.model.employees.get(name), head.model.employees.get(name)));
    for (const c of clusters) {
      const b = seatOf(base, c, name);
      const h = seatOf(head, c, name);
      // `shared`: what they would have with only the shared definitions changed.
      const shared = hybrid ? seatOf(hybrid, c, name) : b;
      out.push(...groupChanges(name, c, shared, h, 'added'), ...groupChanges(name, c, h, shared, 'removed'));
      out.push(...replacedBindings(name, c, base, head));
      if (samePermissions(b, h) || (hybrid && samePermissions(shared, h))) continue;
      const ns = namespaces.get(c)!;
      if (h) {
        const items = gained(b, h, ns);
        out.push(...sentences(name, c, hybrid ? items.filter((i) => !allowed(shared, i.req)) : items, 'added'));
      }
      if (b) {
        const items = gained(h, b, ns);
        out.push(...sentences(name, c, hybrid ? items.filter((i) => allowed(shared, i.req)) : items, 'removed'));
      }
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
  return `- **${f.severity}** ${codeSpan(lineText(f))}: ${markdownText(f.message)} (${f.ruleId})`;
}

function lintDelta(from: readonly Finding[], to: readonly Finding[]): Finding[] {
  const known = new Set(from.filter((f) => !f.waived).map(findingKey));
  const seen = new Set<string>();
  return (
    to
      .filter((f) => !f.waived && !known.has(findingKey(f)) && !seen.has(findingKey(f)) && seen.add(findingKey(f)))
      // The findings reported, with their positions: the others' are never worked out.
      .map(positioned)
      .sort(
        (a, b) =>
          (SEVERITY_RANK[a.severity] ?? 3) - (SEVERITY_RANK[b.severity] ?? 3) ||
          compareStrings(a.file, b.file) ||
          a.line - b.line ||
          compareStrings(a.ruleId, b.ruleId),
      )
  );
}

/** `file:line`, escaped for Markdown. */
function mdAt(s: Source): string {
  return markdownText(at(s));
}

function clustersOf(side: Side, name: string): string[] {
  const e = side.model.employees.get(name);
  return e ? e.grants.flatMap((g) => g.clusters) : [];
}

/** A line of the comment is cut past this many characters (the full report keeps it whole). */
const MAX_LINE = 4000;

function cutLine(line: string): string {
  return line.length <= MAX_LINE ? line : `${line.slice(0, MAX_LINE)} ... (cut; see the full report)`;
}

/**
 * Takes whole blocks of lines while they fit in `budget` characters (each line counts its newline);
 * a first block that does not fit is cut after the lines that do.
 */
function take(blocks: readonly string[][], budget: number): { lines: string[]; used: number; blocks: number; partial: boolean } {
  const lines: string[] = [];
  let used = 0;
  let taken = 0;
  for (const block of blocks) {
    const shown = block.map(cutLine);
    const size = shown.reduce((n, l) => n + l.length + 1, 0);
    if (used + size <= budget) {
      lines.push(...shown);
      used += size;
      taken++;
      continue;
    }
    if (taken === 0) {
      // One block larger than the whole budget: as much of it as fits.
      const note = `  - ... and more changes of this person; see the full report`;
      for (const l of shown) {
        if (used + l.length + 1 + note.length + 1 > budget) break;
        lines.push(l);
        used += l.length + 1;
      }
      lines.push(note);
      used += note.length + 1;
      return { lines, used, blocks: 0, partial: true };
    }
    break;
  }
  return { lines, used, blocks: taken, partial: false };
}

interface RenderInput {
  causes: SharedChange[];
  changes: AccessChange[];
  findings: { added: Finding[]; resolved: Finding[] };
  base: Side;
  head: Side;
}

function render(r: RenderInput, limit: number): DiffResult {
  const { causes, changes, findings } = r;
  const people = uniqueSorted(changes.map((c) => c.employee));
  const clusters = new Set<string>();
  for (const c of changes) {
    if (c.cluster !== undefined) clusters.add(c.cluster);
    else for (const x of [...clustersOf(r.base, c.employee), ...clustersOf(r.head, c.employee)]) clusters.add(x);
  }
  const sharedPeople = sharedReach(r.head.model, r.base.model, causes);
  const ownText =
    people.length === 0
      ? ''
      : `${people.length === 1 ? "1 person's" : `${people.length.toLocaleString('en-US')} people's`} ${causes.length > 0 ? 'own ' : ''}access changes${clusters.size === 0 ? '' : ` on ${count(clusters.size, 'cluster', 'clusters')}`}`;
  const sharedText =
    causes.length === 0
      ? ''
      : `${count(causes.length, 'shared definition changes', 'shared definitions change')}${sharedPeople > 0 ? `, reaching ${count(sharedPeople, 'person', 'people')}` : ''}`;
  const summaryLine =
    causes.length === 0 && people.length === 0
      ? 'No access changes.'
      : `${[sharedText, ownText].filter((t) => t !== '').join('; ')}.`.replace(/^./, (c) => c.toUpperCase());

  const causeBlocks = causes.map((c) => [`- ${c.text}`]);
  const personBlocks = people.map((person) => {
    const theirs = changes.filter((c) => c.employee === person);
    return theirs.length === 1 ? [`- **${person}**: ${theirs[0]!.text}`] : [`- **${person}**:`, ...theirs.map((c) => `  - ${c.text}`)];
  });
  const addedBlocks = findings.added.map((f) => [findingLine(f)]);
  const resolvedBlocks = findings.resolved.map((f) => [findingLine(f)]);

  const assemble = (parts: { causes: string[]; people: string[]; added: string[]; resolved: string[]; note?: string }) => {
    const lines = [summaryLine];
    if (parts.causes.length > 0) lines.push('', '### Shared definitions', '', ...parts.causes);
    if (parts.people.length > 0) lines.push('', ...(causes.length > 0 ? ['### Per person', ''] : []), ...parts.people);
    if (parts.added.length > 0) lines.push('', '### New lint findings', '', ...parts.added);
    if (parts.resolved.length > 0) lines.push('', '### Resolved lint findings', '', ...parts.resolved);
    if (parts.note) lines.push('', parts.note);
    return lines.join('\n') + '\n';
  };
  const flat = (blocks: string[][]) => blocks.flat();
  const fullMarkdown = assemble({ causes: flat(causeBlocks), people: flat(personBlocks), added: flat(addedBlocks), resolved: flat(resolvedBlocks) });
  const summary: DiffSummary = {
    people: people.length,
    clusters: clusters.size,
    shared: causes.length,
    sharedPeople,
    newFindings: findings.added.length,
    resolvedFindings: findings.resolved.length,
  };
  const result = { fullMarkdown, causes, changes, findings, summary };
  if (fullMarkdown.length <= limit) return { markdown: fullMarkdown, truncated: false, ...result };

  // Too long for one comment: each section gets a share, what one leaves is given to the others.
  const room = limit - summaryLine.length - 200 - 600; // headings, and the note on what was left out
  const shares = { causes: 0.25, added: 0.2, resolved: 0.1 };
  let c = take(causeBlocks, Math.floor(room * shares.causes));
  let a = take(addedBlocks, Math.floor(room * shares.added));
  let d = take(resolvedBlocks, Math.floor(room * shares.resolved));
  const p = take(personBlocks, room - c.used - a.used - d.used);
  let spare = room - c.used - a.used - d.used - p.used;
  for (const which of ['causes', 'added', 'resolved'] as const) {
    const blocks = which === 'causes' ? causeBlocks : which === 'added' ? addedBlocks : resolvedBlocks;
    const now = which === 'causes' ? c : which === 'added' ? a : d;
    if (now.blocks === blocks.length || spare <= 0) continue;
    const more = take(blocks, now.used + spare);
    spare -= more.used - now.used;
    if (which === 'causes') c = more;
    else if (which === 'added') a = more;
    else d = more;
  }
  const left: string[] = [];
  const omitted = (shown: { blocks: number; partial: boolean }, total: number, one: string, many: string) => {
    const n = total - shown.blocks;
    if (n > 0) left.push(shown.partial ? `part of ${count(n, one, many)}` : count(n, one, many));
  };
  omitted(c, causeBlocks.length, 'shared definition', 'shared definitions');
  omitted(p, personBlocks.length, "person's changes", "people's changes");
  omitted(a, addedBlocks.length, 'new lint finding', 'new lint findings');
  omitted(d, resolvedBlocks.length, 'resolved lint finding', 'resolved lint findings');
  const note = `**Not shown, to fit a GitHub comment:** ${left.join(', ') || 'long lines cut'}. The full report (${count(fullMarkdown.length, 'character', 'characters')}) is written by \`eks-access diff --output FILE\` (in CI: the workflow's eks-access-diff artifact).`;
  const markdown = assemble({ causes: c.lines, people: p.lines, added: a.lines, resolved: d.lines, note });
  return { markdown, truncated: true, ...result };
}

/** People reached by the changed shared definitions, each counted once. */
function sharedReach(head: AccessModel, base: AccessModel, causes: readonly SharedChange[]): number {
  const profiles = new Set(causes.filter((c) => c.kind === 'profile').map((c) => c.name));
  const clusters = new Set(causes.filter((c) => c.kind === 'cluster').map((c) => c.name));
  if (profiles.size === 0 && clusters.size === 0) return 0;
  const reached = new Set<string>();
  for (const model of [head, base]) {
    for (const e of model.employees.values()) {
      if (e.grants.some((g) => (g.kind === 'profile' && profiles.has(g.profile)) || g.clusters.some((x) => clusters.has(x)))) reached.add(e.name);
    }
  }
  return reached.size;
}

/** The report as JSON: `{base, summary, causes, changes, findings, truncated, invalid?}`. */
export function diffJson(r: DiffResult, base: string): string {
  return (
    JSON.stringify(
      { base, summary: r.summary, causes: r.causes, changes: r.changes, findings: r.findings, ...(r.invalid && { invalid: r.invalid }) },
      null,
      2,
    ) + '\n'
  );
}

/** Writes a report file; a file that cannot be written is a usage error (exit 2), with the reason. */
export function writeReport(file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (e) {
    throw new UsageError(`cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e))}`);
  }
}
