/**
 * Helpers of the rbac rules RBAC001-RBAC012: risk per finding, and short lists for messages.
 */
import type { PolicyRule } from '../../../model/types.js';
import type { GrantGroup } from '../../analysis.js';
import type { Grant, Risk } from '../../types.js';

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
  return [...new Set(items)].sort().map((s) => JSON.stringify(s)).join(', ');
}

/** The resource names the group's rules are limited to, if every rule is limited. */
export function allNamed(g: GrantGroup): boolean {
  return g.grants.every((x) => named(x.rule));
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
export function authoredRole(g: Grant): boolean {
  return !g.role.builtin;
}
