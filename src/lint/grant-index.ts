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
   * Per grant: its case, i.e. everything a judgement of a grant may look at (the rule's content,
   * role, binding, cluster and namespace); not who holds it or where it is written.
   */
  caseOf: Int32Array;
  cases: number;
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

/** The index of `input`'s grants (rebuilt if the grant list was replaced or has grown). */
export function grantIndex(input: LintInput): GrantIndex {
  const cached = indexes.get(input);
  if (cached && cached.grants === input.grants && cached.caseOf.length === input.grants.length) return cached;
  const index = buildIndex(input.grants);
  indexes.set(input, index);
  return index;
}

function buildIndex(grants: readonly Grant[]): GrantIndex {
  const n = grants.length;
  const rules = new Ids<PolicyRule>(contentKey);
  const roles = new Ids<Grant['role']>((r) => JSON.stringify([r.kind, r.name, r.builtin]));
  const NO_BINDING = {} as NonNullable<Grant['binding']>;
  const bindings = new Ids<NonNullable<Grant['binding']>>((b) => (b === NO_BINDING ? '' : JSON.stringify([b.kind, b.name, b.namespace ?? null])));
  const names = new Ids<string>((s) => `=${s}`);
  const NO_NAMESPACE = '\u0000cluster-wide';
  const subjects = new Ids<Subject>(subjectKey);
  const sources = new Ids<Source>(sourceKey);
  const ruleId = new Int32Array(n);
  const roleId = new Int32Array(n);
  const bindingId = new Int32Array(n);
  const clusterId = new Int32Array(n);
  const namespaceId = new Int32Array(n);
  const subjectId = new Int32Array(n);
  const sourceId = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const g = grants[i]!;
    ruleId[i] = rules.get(g.rule);
    roleId[i] = roles.get(g.role);
    bindingId[i] = bindings.get(g.binding ?? NO_BINDING);
    clusterId[i] = names.get(g.cluster);
    namespaceId[i] = names.get(g.namespace ?? NO_NAMESPACE);
    subjectId[i] = subjects.get(g.subject);
    sourceId[i] = sources.get(g.at);
  }
  const width = Math.max(names.count, roles.count, bindings.count, subjects.count, 1);
  // Cases: rule x role x binding x cluster x namespace.
  const c1 = new PairIds(width);
  const c2 = new PairIds(width);
  const c3 = new PairIds(width);
  const c4 = new PairIds(width);
  const caseOf = new Int32Array(n);
  // Holders: cluster x subject. Groups: holder x place.
  const h = new PairIds(width);
  const holderOf = new Int32Array(n);
  const rawGroups = new PairIds(Math.max(sources.count, 1));
  const rawGroupOf = new Int32Array(n);
  const firstOfGroup: number[] = [];
  for (let i = 0; i < n; i++) {
    caseOf[i] = c4.get(c3.get(c2.get(c1.get(ruleId[i]!, roleId[i]!), bindingId[i]!), clusterId[i]!), namespaceId[i]!);
    holderOf[i] = h.get(clusterId[i]!, subjectId[i]!);
    const before = rawGroups.count;
    const gid = rawGroups.get(holderOf[i]!, sourceId[i]!);
    if (rawGroups.count > before) firstOfGroup.push(i);
    rawGroupOf[i] = gid;
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
  return { grants, caseOf, cases: c4.count, groupOf, groups: order.length, holderOf, holders: h.count, cache: new Map() };
}

/**
 * Positions of the grants for which `test` holds, in input order. `test` is asked once per case
 * (see `GrantIndex.caseOf`) and must look at nothing else of the grant; `keep`, asked per grant,
 * may look at anything.
 */
export function positionsWhere(index: GrantIndex, test: (g: Grant) => boolean, keep?: (g: Grant) => boolean): number[] {
  const verdicts = new Int8Array(index.cases);
  const out: number[] = [];
  const { grants, caseOf } = index;
  for (let i = 0; i < grants.length; i++) {
    const c = caseOf[i]!;
    let v = verdicts[c]!;
    if (v === 0) v = verdicts[c] = test(grants[i]!) ? 1 : -1;
    if (v === 1 && (!keep || keep(grants[i]!))) out.push(i);
  }
  return out;
}
