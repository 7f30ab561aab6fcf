/**
 * What the rules need over and over, computed once per lint run: which grants share a rule's
 * content (the same profile, identical inline rules), which grants are judged alike, and which
 * grants form one group (one place in the input, one subject, one cluster) or one permission
 * holder (one subject on one cluster). A large access folder has hundreds of thousands of grants
 * but only a handful of distinct rules, so judgements are made per distinct case, not per grant.
 */
import { placeKey, type Source } from '../diagnostics.js';
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

/** The seven verbs of the resource API (get, list, watch, create, update, patch, delete): as much as `*` on `*`. */
const SEVEN_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

function allVerbs(verbs: readonly string[]): boolean {
  return verbs.includes('*') || SEVEN_VERBS.every((v) => verbs.includes(v));
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
    facts = { fullWildcard: allVerbs(rule.verbs) && (rule.resources ?? []).includes('*') && (rule.apiGroups ?? []).includes('*'), memo: new Map() };
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

/** Tells places apart without computing lines: see placeKey. */
export function sourceKey(at: Source): string {
  return placeKey(at);
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
  /** Anything else computed once per input (permission sets...). */
  cache: Map<unknown, unknown>;
}

const indexes = new WeakMap<LintInput, GrantIndex>();
const building = new WeakMap<LintInput, IndexBuilder>();

/** The index of `input`'s grants (rebuilt if the grant list was replaced or has changed length). */
export function grantIndex(input: LintInput): GrantIndex {
  const cached = indexes.get(input);
  if (cached && cached.grants === input.grants && cached.groupOf.length === input.grants.length) return cached;
  let builder = building.get(input);
  building.delete(input);
  if (!builder || !builder.made(input.grants)) {
    builder = new IndexBuilder();
    for (const g of input.grants) builder.add(g);
  }
  const index = builder.finish(input.grants);
  indexes.set(input, index);
  return index;
}

/**
 * Indexes `input`'s grants while they are made, which costs less than going over them all again
 * later: call the returned function with every grant pushed onto `input.grants`, in order. If the
 * grants end up different, `grantIndex` indexes them afresh.
 */
export function indexAsMade(input: LintInput): (g: Grant) => void {
  const builder = new IndexBuilder(input.grants);
  building.set(input, builder);
  return (g) => builder.add(g);
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

/** Ids stay below this (as grants do), so that pairs of ids are exact numbers. */
const WIDTH = 2 ** 26;

class IndexBuilder {
  count = 0;
  /** `list`: the list the grants are being pushed onto, if known. */
  constructor(private readonly list?: readonly Grant[]) {}

  /** Has it indexed exactly `grants`, as far as can be told cheaply? */
  made(grants: readonly Grant[]): boolean {
    return grants === this.list && grants.length === this.count && (this.count === 0 || grants[this.count - 1] === this.prev);
  }

  private readonly rules = new Map<RuleFacts, number>();
  private readonly roles = new Ids<Grant['role']>((r) => JSON.stringify([r.kind, r.name, r.builtin]));
  private readonly bindings = new Ids<Grant['binding']>((b) => (b === undefined ? '' : JSON.stringify([b.kind, b.name, b.namespace ?? null])));
  private readonly names = new Ids<string | undefined>((s) => (s === undefined ? '' : `=${s}`));
  private readonly subjects = new Ids<Subject>(subjectKey);
  // Places by identity only: places written alike are merged once, per group, in `finish`.
  private readonly sources = new Map<Source, number>();
  private readonly roleBindings = new PairIds(WIDTH);
  private readonly places = new PairIds(WIDTH);
  private readonly scopes = new PairIds(WIDTH);
  private readonly cases = new PairIds(WIDTH);
  private readonly holders = new PairIds(WIDTH);
  private readonly rawGroups = new PairIds(WIDTH);
  private readonly byRule = new Buckets();
  private readonly byCase = new Buckets();
  private readonly holderOf: number[] = [];
  private readonly rawGroupOf: number[] = [];
  private readonly firstOfGroup: Grant[] = [];
  private readonly rawFirst: number[] = [];
  // Neighbouring grants mostly come from one grant line (same role, scope, subject and place, only
  // the rule differs), so what the previous grant had is looked up again only when it changes.
  private prev: Grant | undefined;
  private roleBinding = -1;
  private cluster = -1;
  private place = -1;
  private scope = -1;
  private holder = -1;
  private group = -1;

  add(g: Grant): void {
    const i = this.count++;
    if (i >= WIDTH) throw new Error(`too many grants to index (${i})`);
    const prev = this.prev;
    const facts = ruleFacts(g.rule);
    let rule = this.rules.get(facts);
    if (rule === undefined) this.rules.set(facts, (rule = this.rules.size));
    this.byRule.add(rule * 2 + (g.namespace === undefined ? 0 : 1), i);
    const sameRole = prev !== undefined && g.role === prev.role && g.binding === prev.binding;
    const sameCluster = prev !== undefined && g.cluster === prev.cluster;
    const samePlace = sameCluster && g.namespace === prev!.namespace;
    if (!sameRole) this.roleBinding = this.roleBindings.get(this.roles.get(g.role), this.bindings.get(g.binding));
    if (!sameCluster) this.cluster = this.names.get(g.cluster);
    if (!samePlace) this.place = this.places.get(this.cluster, this.names.get(g.namespace));
    if (!sameRole || !samePlace) this.scope = this.scopes.get(this.roleBinding, this.place);
    this.byCase.add(this.cases.get(this.scope, rule), i);
    const sameHolder = sameCluster && g.subject === prev!.subject;
    if (!sameHolder) this.holder = this.holders.get(this.cluster, this.subjects.get(g.subject));
    this.holderOf.push(this.holder);
    if (!sameHolder || g.at !== prev!.at) {
      const before = this.rawGroups.count;
      let source = this.sources.get(g.at);
      if (source === undefined) this.sources.set(g.at, (source = this.sources.size));
      this.group = this.rawGroups.get(this.holder, source);
      if (this.rawGroups.count > before) {
        this.firstOfGroup.push(g);
        this.rawFirst.push(i);
      }
    }
    this.rawGroupOf.push(this.group);
    this.prev = g;
  }

  finish(grants: readonly Grant[]): GrantIndex {
    // One group for places written alike, and groups numbered in the order findings about them
    // are reported: place, cluster, subject.
    const keys: { place: string; cluster: string; subject: string }[] = [];
    const sameAs = new Int32Array(this.firstOfGroup.length);
    const byContent = new Map<string, number>();
    this.firstOfGroup.forEach((g, raw) => {
      const place = sourceKey(g.at);
      const content = `${this.holderOf[this.rawFirst[raw]!]}|${place}`;
      const first = byContent.get(content);
      if (first !== undefined) sameAs[raw] = first;
      else {
        byContent.set(content, raw);
        sameAs[raw] = raw;
        keys[raw] = { place, cluster: g.cluster, subject: subjectKey(g.subject) };
      }
    });
    const order = [...byContent.values()].sort((a, b) => {
      const x = keys[a]!;
      const y = keys[b]!;
      return compareStrings(x.place, y.place) || compareStrings(x.cluster, y.cluster) || compareStrings(x.subject, y.subject) || a - b;
    });
    const rank = new Int32Array(this.firstOfGroup.length);
    order.forEach((raw, r) => (rank[raw] = r));
    for (let raw = 0; raw < sameAs.length; raw++) rank[raw] = rank[sameAs[raw]!]!;
    const groupOf = new Int32Array(this.count);
    for (let i = 0; i < this.count; i++) groupOf[i] = rank[this.rawGroupOf[i]!]!;
    return {
      grants,
      byRule: this.byRule.done(),
      byCase: this.byCase.done(),
      groupOf,
      groups: order.length,
      holderOf: Int32Array.from(this.holderOf),
      holders: this.holders.count,
      cache: new Map(),
    };
  }
}

/**
 * What a test of a grant looks at: `rule`, only the rule's content and whether the grant is
 * cluster-wide (`g.namespace === undefined`); `case`, also its role, binding, cluster and namespace.
 */
export type Judged = 'rule' | 'case';

/** What a `judged: 'rule'` test may read of a grant: the rule, and whether it is cluster-wide (namespace undefined). */
export interface RuleView {
  readonly rule: Grant['rule'];
  readonly namespace?: unknown;
}

/** What a `judged: 'case'` test may read of a grant: never its subject, employee, place or expiry. */
export type CaseView = Pick<Grant, 'rule' | 'role' | 'binding' | 'cluster' | 'namespace'>;

/** The test of each way of judging, typed so that it cannot read what it must not. */
export type JudgedTest<J extends Judged> = (g: J extends 'rule' ? RuleView : CaseView) => boolean;

/**
 * Positions of the grants for which `test` holds, in input order. `test` is asked once per kind of
 * grant (see `Judged`), with the first grant of that kind, and must look at nothing else; `keep`,
 * asked for every grant that passes `test`, may look at anything.
 */
export function positionsWhere<J extends Judged = 'case'>(
  index: GrantIndex,
  test: JudgedTest<J>,
  keep?: (g: Grant) => boolean,
  judged: J = 'case' as J,
): number[] {
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
