/**
 * Helpers of the RBAC rules. One vocabulary for what a rule looks for: a `Target` (these verbs on
 * this group/resource[/subresource]), with `reach` telling how much of it a rule allows (every
 * object, only named ones, or nothing, including the cases where `resourceNames` cannot restrict a
 * verb). Around it: grant groups that reach targets, pairs of permissions judged together, the
 * scope in which a grant of a cluster-scoped resource means anything, risk per finding, and the
 * words findings use.
 */
import { lineText, placeKey, type Source } from '../../../diagnostics.js';
import type { PolicyRule } from '../../../model/types.js';
import { ruleAllowsSomeNames } from '../../../rbac/match.js';
import {
  groupsAt,
  groupsWhere,
  isFullWildcard,
  leftToAdminRules,
  reportGroup,
  setsByHolder,
  subjectKey,
  via,
  where,
  type GrantGroup,
  type PermissionSet,
} from '../../analysis.js';
import { grantIndex, positionsWhere, ruleFacts, type CaseView, type RuleView } from '../../grant-index.js';
import type { Grant, LintInput, Risk, Rule, RuleContext, RuleMeta } from '../../types.js';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** The verbs that change or remove objects. */
export const WRITE_VERBS = ['create', 'update', 'patch', 'delete', 'deletecollection'] as const;

/** Pods and the controllers that stamp pods out of a template, by API group (`extensions` aside). */
export const WORKLOADS: readonly (readonly [string, string])[] = [
  ['', 'pods'],
  ['', 'replicationcontrollers'],
  ['apps', 'deployments'],
  ['apps', 'daemonsets'],
  ['apps', 'statefulsets'],
  ['apps', 'replicasets'],
  ['batch', 'jobs'],
  ['batch', 'cronjobs'],
];

/** The namespaces whose service accounts and objects run the cluster itself. */
export const PRIVILEGED_NAMESPACES: readonly string[] = ['kube-system'];

export interface Target {
  /** Any of these verbs. */
  verbs: readonly string[];
  group: string;
  resource: string;
  subresource?: string;
  /**
   * The resource has no namespace (nodes, clusterroles, webhook configurations...): a grant bound in
   * a namespace (a RoleBinding) never authorizes a request for it, so only cluster-wide grants count.
   */
  clusterScoped?: boolean;
  /** What findings call it; defaults to the resource (and subresource). */
  label?: string;
}

/** How much of a target a rule allows: every object, only named objects, or nothing. */
export type Reach = 'all' | 'named' | false;

/**
 * What `rule` allows of `t`. A rule with `resourceNames` allows only those objects, and allows no
 * `create` or `deletecollection` of the resource itself at all: the API server authorizes those
 * without a name, which never matches a rule that lists names.
 */
export function reach(rule: PolicyRule, t: Target): Reach {
  // Targets are module constants: the answer is kept per rule content and target.
  const memo = ruleFacts(rule).memo;
  let answer = memo.get(t) as Reach | undefined;
  if (answer === undefined) {
    answer = reachOf(rule, t);
    memo.set(t, answer);
  }
  return answer;
}

function reachOf(rule: PolicyRule, t: Target): Reach {
  const named = (rule.resourceNames ?? []).length > 0;
  let best: Reach = false;
  for (const verb of t.verbs) {
    if (!ruleAllowsSomeNames(rule, { verb, group: t.group, resource: t.resource, ...(t.subresource !== undefined && { subresource: t.subresource }) }))
      continue;
    if (!named) return 'all';
    if (t.subresource === undefined && (verb === 'create' || verb === 'deletecollection')) continue;
    best = 'named';
  }
  return best;
}

/** Does the grant, in its scope, allow some of `t`? */
export function grantReach(g: RuleView, t: Target): Reach {
  if (t.clusterScoped && g.namespace !== undefined) return false;
  return reach(g.rule, t);
}

/** What findings call a target. */
function label(t: Target): string {
  return t.label ?? (t.subresource !== undefined ? `${t.resource}/${t.subresource}` : t.resource);
}

/** "a", "a and b", "a, b and c", without repeats. */
export function listWords(words: readonly string[]): string {
  const unique = [...new Set(words)];
  if (unique.length <= 1) return unique.join('');
  return `${unique.slice(0, -1).join(', ')} and ${unique[unique.length - 1]!}`;
}

/** The labels of the targets the grant reaches, in the order of `targets`. */
export function reachedBy(g: RuleView, targets: readonly Target[]): string[] {
  return targets.filter((t) => grantReach(g, t) !== false).map(label);
}

/** The labels of every target some grant of the group reaches. */
function reachedLabels(grants: readonly Grant[], targets: readonly Target[]): string[] {
  const kinds = judgedAlike(grants);
  return targets.filter((t) => kinds.some((g) => grantReach(g, t) !== false)).map(label);
}

/**
 * One grant for each distinct rule content and scope kind (cluster-wide or namespaced) among
 * `grants`: all that `grantReach` looks at, so questions over many grants ask each kind once.
 */
function judgedAlike(grants: readonly Grant[]): Grant[] {
  if (grants.length <= 1) return [...grants];
  const seen = new Set<unknown>();
  const out: Grant[] = [];
  for (const g of grants) {
    const facts = ruleFacts(g.rule);
    const key = g.namespace === undefined ? facts : facts.memo;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(g);
  }
  return out;
}

/** One step less dangerous: for grants limited to named objects. */
export function lowerRisk(r: Risk): Risk {
  return r === 'critical' ? 'high' : r === 'high' ? 'medium' : 'low';
}

/** Do all grants of the group reach the targets only for named objects? */
export function onlyNamed(grants: readonly Grant[], targets: readonly Target[]): boolean {
  return judgedAlike(grants).every((g) => targets.every((t) => grantReach(g, t) !== 'all'));
}

/** One place in the input, one subject, one cluster: what a finding is reported for. */
function groupKey(g: { at: Source; subject: Grant['subject']; cluster: string }): string {
  return `${placeKey(g.at)}|${subjectKey(g.subject)}|${g.cluster}`;
}

/** Does the grant reach some of the targets? Asked once per kind of grant: it reads the rule only. */
function reachesSome(targets: readonly Target[]): (g: RuleView) => boolean {
  return (g) => targets.some((t) => grantReach(g, t) !== false);
}

/** `keep` and not left to the admin rules. */
function notAdmin(keep?: (g: Grant) => boolean): (g: Grant) => boolean {
  return keep ? (g) => !leftToAdminRules(g) && keep(g) : (g) => !leftToAdminRules(g);
}

/**
 * Grant groups (one per place in the input) whose grants reach some target, keeping those grants.
 * The platform's full wildcards (cluster-admin) are left to the admin rules (see
 * `leftToAdminRules`). `keep` is asked for every grant that reaches a target.
 */
function groupsReaching(input: LintInput, targets: readonly Target[], keep?: (g: Grant) => boolean): GrantGroup[] {
  return groupsWhere(input, reachesSome(targets), notAdmin(keep), 'rule');
}

/**
 * Grant groups of the roles and rules someone wrote (see `authoredRole`) whose rule satisfies
 * `test`, keeping those grants: how a rule is written (its wildcards) is judged on those only.
 * `test` is asked once per kind of grant and must look at nothing but the rule.
 */
export function authoredGroups(input: LintInput, test: (rule: PolicyRule) => boolean): GrantGroup[] {
  return groupsWhere(input, (g) => authoredRole(g) && test(g.rule));
}

/** A rule that reports access to resources: see `resourceAccessRule`. */
export interface ResourceAccess {
  meta: RuleMeta;
  /** What the rule looks for: every grant group that reaches one of these is reported, once. */
  targets: readonly Target[];
  /**
   * The finding's message. `reached`: what findings call the targets the group reaches, in the
   * order of `targets`; `named`: every grant of the group reaches them for named objects only.
   */
  message: (g: GrantGroup, reached: string[], named: boolean) => string;
  /** The risk when `named`; otherwise the rule's. Without it (and without `risk`), always the rule's. */
  namedRisk?: Risk;
  /** The risk of each finding, when it depends on more than `named` (scope, resource names). */
  risk?: (g: GrantGroup, named: boolean) => Risk;
  /**
   * Grants that reach a target but are left to other rules. Called once per lint run; the test it
   * returns is asked for every grant that reaches a target.
   */
  skip?: (context: RuleContext) => (g: Grant) => boolean;
}

/**
 * A rule whose whole logic is "these verbs on these resources": it reports each grant group that
 * reaches `targets` (see `groupsReaching`), with `message`, at a lower risk when only named
 * objects are reached. The rule file is then its metadata, its targets and its message.
 */
export function resourceAccessRule(spec: ResourceAccess): Rule {
  const { meta, targets, message, namedRisk, risk, skip } = spec;
  return {
    meta,
    check(input, report, context) {
      const skipped = skip?.(context);
      for (const g of groupsReaching(input, targets, skipped && ((x) => !skipped(x)))) {
        const named = onlyNamed(g.grants, targets);
        const level = risk ? risk(g, named) : namedRisk !== undefined ? (named ? namedRisk : meta.risk) : undefined;
        reportGroup(report, g, message(g, reachedLabels(g.grants, targets), named), level);
      }
    },
  };
}

/** What `besideFullWildcard` compares: subject, scope, role and binding on one cluster. */
function besideKey(g: Grant): string {
  return JSON.stringify([
    g.cluster,
    subjectKey(g.subject),
    g.namespace ?? null,
    g.role.kind,
    g.role.name,
    g.binding?.kind ?? null,
    g.binding?.name ?? null,
    g.binding?.namespace ?? null,
  ]);
}

/**
 * Does the same role, granted to the same subject in the same scope, also give everything
 * (cluster-admin, system:masters)? Then its other rules add nothing worth a finding.
 */
export function besideFullWildcard(context: RuleContext, g: Grant): boolean {
  const keys = context.once(besideFullWildcard, () => {
    const index = grantIndex(context.input);
    return new Set(positionsWhere(index, (x) => isFullWildcard(x.rule), leftToAdminRules, 'rule').map((i) => besideKey(index.grants[i]!)));
  });
  return keys.size > 0 && keys.has(besideKey(g));
}

/** Is the grant cluster-wide or in a namespace that runs the cluster? */
export function privilegedScope(g: { namespace?: string | undefined }): boolean {
  return g.namespace === undefined || PRIVILEGED_NAMESPACES.includes(g.namespace);
}

/** A permission that is dangerous together with another one of the same subject. */
export interface Pair {
  first: Target;
  /** Any of these completes it. */
  second: readonly Target[];
}

export interface PairResult {
  /** The grants (one place in the input) that give a `first`. */
  group: GrantGroup;
  /** The scopes (undefined: cluster-wide) where the subject also holds a matching `second`. */
  scopes: (string | undefined)[];
  /** The grants that give the `second`s, wherever they come from. */
  partners: Grant[];
}

/**
 * For every place that grants some pair's `first`, where the same subject also holds a `second`:
 * the two may come from different roles, bindings or grants, so they are judged over the
 * subject's permission sets (cluster-wide, and each namespace with the cluster-wide grants).
 * The platform's full wildcards count on neither side: whoever holds one has the admin rules' findings.
 */
export function pairedGroups(context: RuleContext, pairs: readonly Pair[], options: { sets?: (s: PermissionSet) => boolean } = {}): PairResult[] {
  // The same pairs are asked by several rules (escalate-verb, bind-verb, rbac-write): once per run.
  if (options.sets) return findPairs(context.input, pairs, options.sets);
  return context.once(pairs, () => findPairs(context.input, pairs));
}

function findPairs(input: LintInput, pairs: readonly Pair[], sets?: (s: PermissionSet) => boolean): PairResult[] {
  const index = grantIndex(input);
  const firstPositions = positionsWhere(index, reachesSome(pairs.map((p) => p.first)), notAdmin(), 'rule');
  const groups = groupsAt(input, firstPositions);
  const results = new Map<number, PairResult>();
  const holders = new Set<number>();
  // Groups come back in group order, and group ids are that order.
  const ids = [...new Set(firstPositions.map((i) => index.groupOf[i]!))].sort((a, b) => a - b);
  groups.forEach((group, n) => results.set(ids[n]!, { group, scopes: [], partners: [] }));
  for (const i of firstPositions) holders.add(index.holderOf[i]!);
  const byHolder = holders.size > 0 ? setsByHolder(input) : [];
  const reachesFirst = pairs.map((p) => (g: Grant) => grantReach(g, p.first) !== false);
  const reachesSecond = pairs.map((p) => {
    const some = reachesSome(p.second);
    return (g: Grant) => !leftToAdminRules(g) && some(g);
  });
  // Each group belongs to one holder, so only that holder's sets (in their order) can complete it.
  for (const holder of holders) {
    for (const { set, positions } of byHolder[holder]!) {
      if (sets && !sets(set)) continue;
      const mine = new Map<number, Grant[]>();
      for (const i of positions) {
        const id = index.groupOf[i]!;
        if (!results.has(id)) continue;
        const g = index.grants[i]!;
        if (leftToAdminRules(g)) continue;
        const list = mine.get(id);
        if (list) list.push(g);
        else mine.set(id, [g]);
      }
      for (const [id, grants] of mine) {
        const partners = pairs.flatMap((_, p) => (grants.some(reachesFirst[p]!) ? set.grants.filter(reachesSecond[p]!) : []));
        if (partners.length === 0) continue;
        const r = results.get(id)!;
        if (!r.scopes.includes(set.namespace)) r.scopes.push(set.namespace);
        const known = new Set(r.partners);
        for (const g of partners) {
          if (known.has(g)) continue;
          known.add(g);
          r.partners.push(g);
        }
      }
    }
  }
  return [...results.values()];
}

/** "cluster-wide on prod" when the pair holds cluster-wide, else "in a, b on prod". */
export function pairWhere(r: PairResult): string {
  const wide = r.scopes.includes(undefined);
  return where({ cluster: r.group.cluster, clusterWide: wide, namespaces: wide ? [] : r.scopes.filter((s): s is string => s !== undefined) });
}

/** ", together with ... (file:line)" for partners granted somewhere else than the group itself. */
export function partnersElsewhere(r: PairResult): string {
  const key = groupKey(r.group);
  const others = r.partners.filter((g) => groupKey(g) !== key);
  if (others.length === 0) return '';
  const places = [...new Set(others.map((g) => lineText(g.at)))].sort();
  return `, together with ${via(others).replace(/^through /, '')} (${places.join(', ')})`;
}

/* ---------- risk, and short lists for messages ---------- */

const ORDER: readonly Risk[] = ['low', 'medium', 'high', 'critical'];

/** The highest of the risks (a group is as dangerous as its worst grant). */
export function maxRisk(risks: Iterable<Risk>): Risk {
  let best: Risk = 'low';
  for (const r of risks) if (ORDER.indexOf(r) > ORDER.indexOf(best)) best = r;
  return best;
}

/** Does the rule name objects (`resourceNames`), which limits it to those objects? */
export function named(rule: PolicyRule): boolean {
  return (rule.resourceNames?.length ?? 0) > 0;
}

/** "a, b, c" with at most `max` items, then "...". */
export function shortList(items: Iterable<string>, max = 6): string {
  const all = [...new Set(items)].sort();
  return all.length > max ? `${all.slice(0, max).join(', ')}, ...` : all.join(', ');
}

/** Quoted, for values like `*` and `""` that read badly bare. */
export function quoted(items: Iterable<string>): string {
  return [...new Set(items)]
    .sort()
    .map((s) => JSON.stringify(s))
    .join(', ');
}

/** Is the grant in the cluster-wide scope or in kube-system (the privileged namespace)? */
export function wideOrKubeSystem(g: Grant): boolean {
  return g.namespace === undefined || g.namespace === 'kube-system';
}

/** Names from resourceNames across the group, for messages. */
export function namesOf(g: GrantGroup): string {
  return shortList(g.grants.flatMap((x) => x.rule.resourceNames ?? []));
}

/**
 * Was the granted role written by the user (so its wildcards are theirs to fix)? Whatever it is
 * called: only roles the input recognises as the platform's by content are not.
 */
function authoredRole(g: CaseView): boolean {
  return !g.role.builtin;
}
