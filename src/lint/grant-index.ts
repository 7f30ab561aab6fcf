/**
 * What the rules need over and over, computed once per lint run: which grants share a rule's
 * content (the same profile, identical inline rules), which grants are judged alike, and which
 * grants form one group (one place in the input, one subject, one cluster) or one permission
 * holder (one subject on one cluster). A large access folder has hundreds of thousands of grants
 * but only a handful of distinct rules, so judgements are made per distinct case, not per grant.
 */
import type { Source } from '../diagnostics.js';
import type { PolicyRule } from '../model/types.js';
import { compareStrings } from '../text.js';
import type { Grant, LintInput, Subject } from './types.js';

/** What is known about one rule content; every PolicyRule object with the same fields shares it. */
export interface RuleFacts {
  /** `*` verbs on `*` resources in `*` groups. */
  fullWildcard: boolean;
  /** Answers of `ruleMemo` functions and `reach`-like questions, by question. */
  memo: Map<unknown, unknown>;
}

const factsOf = new WeakMap<PolicyRule, RuleFacts>();
let factsByContent = new Map<string, RuleFacts>();
/** Distinct rule contents kept before starting afresh (a long-lived process linting many inputs). */
const MAX_CONTENTS = 10_000;

function contentKey(rule: PolicyRule): string {
  return JSON.stringify([rule.apiGroups ?? null, rule.resources ?? null, rule.resourceNames ?? null, rule.verbs, rule.nonResourceURLs ?? null]);
}

/** The facts of `rule`'s content. */
export function ruleFacts(rule: PolicyRule): RuleFacts {
  let facts = factsOf.get(rule);
  if (facts) return facts;
  const key = contentKey(rule);
  facts = factsByContent.get(key);
  if (!facts) {
    if (factsByContent.size >= MAX_CONTENTS) factsByContent = new Map();
    facts = { fullWildcard: rule.verbs.includes('*') && (rule.resources ?? []).includes('*') && (rule.apiGroups ?? []).includes('*'), memo: new Map() };
    factsByContent.set(key, facts);
  }
  factsOf.set(rule, facts);
  return facts;
}

/**
 * `fn` answered once per rule content: `fn` must depend on nothing but the rule's fields.
 * Keep the returned function (a module constant): its answers are stored under it.
 */
export function ruleMemo<T>(fn: (rule: PolicyRule) => T): (rule: PolicyRule) => T {
  const memoized = (rule: PolicyRule): T => {
    const memo = ruleFacts(rule).memo;
    if (memo.has(memoized)) return memo.get(memoized) as T;
    const value = fn(rule);
    memo.set(memoized, value);
    return value;
  };
  return memoized;
}

export function sourceKey(at: Source): string {
  return `${at.file}:${at.line}:${at.column}`;
}

export function subjectKey(s: Subject): string {
  return `${s.kind}:${s.namespace ?? ''}:${s.name}`;
}

/** Ids for values, by identity first and by a content key when the identity is new. */
class Ids<T> {
  private readonly byValue = new Map<T, number>();
  private readonly byKey = new Map<string, number>();
  count = 0;
  constructor(private readonly keyOf: (value: T) => string) {}
  get(value: T): number {
    let id = this.byValue.get(value);
    if (id !== undefined) return id;
    const key = this.keyOf(value);
    id = this.byKey.get(key);
    if (id === undefined) {
      id = this.count++;
      this.byKey.set(key, id);
    }
    this.byValue.set(value, id);
    return id;
  }
}

/** Pairs of ids as one id. */
class PairIds {
  private readonly ids = new Map<number, number>();
  count = 0;
  constructor(private readonly width: number) {}
  get(a: number, b: number): number {
    const key = a * this.width + b;
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.count++;
      this.ids.set(key, id);
    }
    return id;
  }
}

export interface GrantIndex {
  grants: readonly Grant[];
  /**
   * The positions of the grants of each kind, ascending. A kind is what a rule's judgement may
   * look at: `byRule`, the rule's content and whether the grant is cluster-wide; `byCase`, also the
   * role, binding, cluster and namespace. Neither holds who has the grant or where it is written.
   */
  byRule: Int32Array[];
  byCase: Int32Array[];
  /** Per grant: its group (one place, subject and cluster), numbered in report order. */
  groupOf: Int32Array;
  groups: number;
  /** Per grant: its holder (one subject on one cluster), numbered by first appearance. */
  holderOf: Int32Array;
  holders: number;
  /** Anything else computed once per input (pair results, permission sets...). */
  cache: Map<unknown, unknown>;
}

const indexes = new WeakMap<LintInput, GrantIndex>();

/** The index of `input`'s grants (rebuilt if the grant list was replaced or has changed length). */
export function grantIndex(input: LintInput): GrantIndex {
  const cached = indexes.get(input);
  if (cached && cached.grants === input.grants && cached.groupOf.length === input.grants.length) return cached;
  const index = buildIndex(input.grants);
  indexes.set(input, index);
  return index;
}

/** Lists of positions by kind. */
class Buckets {
  private readonly lists: number[][] = [];
  add(kind: number, position: number): void {
    const list = this.lists[kind];
    if (list) list.push(position);
    else this.lists[kind] = [position];
  }
  /** Non-empty lists only. */
  done(): Int32Array[] {
    return this.lists.filter((list) => list !== undefined).map((list) => Int32Array.from(list));
  }
}

function buildIndex(grants: readonly Grant[]): GrantIndex {
  const n = grants.length;
  const rules = new Map<RuleFacts, number>();
  const roles = new Ids<Grant['role']>((r) => JSON.stringify([r.kind, r.name, r.builtin]));
  const bindings = new Ids<Grant['binding']>((b) => (b === undefined ? '' : JSON.stringify([b.kind, b.name, b.namespace ?? null])));
  const names = new Ids<string | undefined>((s) => (s === undefined ? '' : `=${s}`));
  const subjects = new Ids<Subject>(subjectKey);
  const sources = new Ids<Source>(sourceKey);
  // Every id is below 2n + 1 (names hold clusters and namespaces), so pairs of ids stay exact numbers.
  const width = 2 * n + 2;
  const roleBindings = new PairIds(width);
  const places = new PairIds(width);
  const scopes = new PairIds(width);
  const cases = new PairIds(width);
  const holders = new PairIds(width);
  const rawGroups = new PairIds(width);
  const byRule = new Buckets();
  const byCase = new Buckets();
  const holderOf = new Int32Array(n);
  const rawGroupOf = new Int32Array(n);
  const firstOfGroup: number[] = [];
  // Neighbouring grants mostly come from one grant line (same role, scope, subject and place, only
  // the rule differs), so what the previous grant had is looked up again only when it changes.
  let prev: Grant | undefined;
  let scope = -1;
  let holder = -1;
  let group = -1;
  for (let i = 0; i < n; i++) {
    const g = grants[i]!;
    const facts = ruleFacts(g.rule);
    let rule = rules.get(facts);
    if (rule === undefined) rules.set(facts, (rule = rules.size));
    byRule.add(rule * 2 + (g.namespace === undefined ? 0 : 1), i);
    const sameScope = prev !== undefined && g.role === prev.role && g.binding === prev.binding && g.cluster === prev.cluster && g.namespace === prev.namespace;
    if (!sameScope) scope = scopes.get(roleBindings.get(roles.get(g.role), bindings.get(g.binding)), places.get(names.get(g.cluster), names.get(g.namespace)));
    byCase.add(cases.get(scope, rule), i);
    const sameHolder = prev !== undefined && g.subject === prev.subject && g.cluster === prev.cluster;
    if (!sameHolder) holder = holders.get(names.get(g.cluster), subjects.get(g.subject));
    holderOf[i] = holder;
    if (!sameHolder || g.at !== prev!.at) {
      const before = rawGroups.count;
      group = rawGroups.get(holder, sources.get(g.at));
      if (rawGroups.count > before) firstOfGroup.push(i);
    }
    rawGroupOf[i] = group;
    prev = g;
  }
  // Number groups in the order findings about them are reported: place, cluster, subject.
  const keys = firstOfGroup.map((i) => {
    const g = grants[i]!;
    return { place: sourceKey(g.at), cluster: g.cluster, subject: subjectKey(g.subject) };
  });
  const order = keys.map((_, gid) => gid).sort((a, b) => {
    const x = keys[a]!;
    const y = keys[b]!;
    return compareStrings(x.place, y.place) || compareStrings(x.cluster, y.cluster) || compareStrings(x.subject, y.subject) || a - b;
  });
  const rank = new Int32Array(order.length);
  order.forEach((gid, r) => (rank[gid] = r));
  const groupOf = new Int32Array(n);
  for (let i = 0; i < n; i++) groupOf[i] = rank[rawGroupOf[i]!]!;
  return { grants, byRule: byRule.done(), byCase: byCase.done(), groupOf, groups: order.length, holderOf, holders: holders.count, cache: new Map() };
}

/**
 * What a test of a grant looks at: `rule`, only the rule's content and whether the grant is
 * cluster-wide (`g.namespace === undefined`); `case`, also its role, binding, cluster and namespace.
 */
export type Judged = 'rule' | 'case';

/**
 * Positions of the grants for which `test` holds, in input order. `test` is asked once per kind of
 * grant (see `Judged`), with the first grant of that kind, and must look at nothing else; `keep`,
 * asked for every grant that passes `test`, may look at anything.
 */
export function positionsWhere(index: GrantIndex, test: (g: Grant) => boolean, keep?: (g: Grant) => boolean, judged: Judged = 'case'): number[] {
  const { grants } = index;
  const passing: Int32Array[] = [];
  let total = 0;
  for (const list of judged === 'rule' ? index.byRule : index.byCase) {
    if (!test(grants[list[0]!]!)) continue;
    passing.push(list);
    total += list.length;
  }
  let positions: Int32Array;
  if (passing.length === 1) positions = passing[0]!;
  else {
    positions = new Int32Array(total);
    let at = 0;
    for (const list of passing) {
      positions.set(list, at);
      at += list.length;
    }
    positions.sort();
  }
  const out: number[] = [];
  for (const i of positions) if (!keep || keep(grants[i]!)) out.push(i);
  return out;
}
