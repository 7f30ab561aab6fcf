/**
 * Kubernetes RBAC matching, with the semantics of the API server's RBAC authorizer
 * (`k8s.io/kubernetes/pkg/apis/rbac/v1/evaluation_helpers.go`): `*` matches every verb, group and
 * resource; a resource written as star-slash-sub matches that subresource of every resource; an absent or empty `resourceNames`
 * means every name, and a request without a name matches a rule that lists names only if one of
 * them is "" (`ResourceNameMatches` compares the names as they are); a non-resource URL ending in
 * `*` matches by prefix, all its trailing stars trimmed (`NonResourceURLMatches`). Verbs, groups,
 * resources and names are compared exactly, case included.
 */
import type { PolicyRule } from '../model/types.js';

export interface ResourceRequest {
  verb: string;
  /** API group, `""` for the core group. */
  group: string;
  resource: string;
  subresource?: string;
  /** The object's name; undefined for list/watch/create-without-name and "any object". */
  name?: string;
}

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return rule.verbs.some((v) => v === '*' || v === verb);
}

export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return (rule.apiGroups ?? []).some((g) => g === '*' || g === group);
}

export function resourceMatches(rule: PolicyRule, resource: string, subresource?: string): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  return (rule.resources ?? []).some((r) => r === '*' || r === combined || (!!subresource && r === `*/${subresource}`));
}

function resourceNameMatches(rule: PolicyRule, name: string | undefined): boolean {
  if (!rule.resourceNames || rule.resourceNames.length === 0) return true;
  return rule.resourceNames.includes(name ?? '');
}

export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  return (rule.nonResourceURLs ?? []).some((u) => u === '*' || u === path || (u.endsWith('*') && path.startsWith(u.replace(/\*+$/, ''))));
}

/** Does `rule` allow the resource request? */
export function ruleAllows(rule: PolicyRule, req: ResourceRequest): boolean {
  return (
    verbMatches(rule, req.verb) &&
    apiGroupMatches(rule, req.group) &&
    resourceMatches(rule, req.resource, req.subresource) &&
    resourceNameMatches(rule, req.name)
  );
}

/** Does `rule` allow `verb` on the non-resource URL `path`? */
export function ruleAllowsNonResource(rule: PolicyRule, verb: string, path: string): boolean {
  return verbMatches(rule, verb) && nonResourceURLMatches(rule, path);
}

/**
 * Does `rule` allow the request for at least some object names? Unlike `ruleAllows` with no name,
 * this also counts rules restricted by `resourceNames`: the linter wants to know about those too,
 * with lower risk.
 */
export function ruleAllowsSomeNames(rule: PolicyRule, req: Omit<ResourceRequest, 'name'>): boolean {
  // create and deletecollection of a resource itself carry no name, so a named rule never allows them.
  if (rule.resourceNames?.length && req.subresource === undefined && (req.verb === 'create' || req.verb === 'deletecollection')) return false;
  return verbMatches(rule, req.verb) && apiGroupMatches(rule, req.group) && resourceMatches(rule, req.resource, req.subresource);
}
