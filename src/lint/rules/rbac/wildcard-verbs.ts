import { reportGroup, via, where, who } from '../../analysis.js';
import type { PolicyRule } from '../../../model/types.js';
import type { Risk, Rule } from '../../types.js';
import { authoredGroups, maxRisk, named, reach, shortList, WORKLOADS, type Target } from './util.js';

/** Resources on which `*` verbs are critical (Trivy KSV-0045's list), by API group. */
const SENSITIVE: readonly (readonly [string, string])[] = [
  ['', 'secrets'],
  ['', 'users'],
  ['', 'groups'],
  ...WORKLOADS,
  ['rbac.authorization.k8s.io', 'roles'],
  ['rbac.authorization.k8s.io', 'clusterroles'],
  ['rbac.authorization.k8s.io', 'rolebindings'],
  ['rbac.authorization.k8s.io', 'clusterrolebindings'],
];
const SENSITIVE_TARGETS: readonly Target[] = SENSITIVE.map(([group, resource]) => ({ verbs: ['*'], group, resource }));

function riskOf(rule: PolicyRule): Risk {
  if (named(rule)) return 'medium';
  return SENSITIVE_TARGETS.some((t) => reach(rule, t) !== false) ? 'critical' : 'high';
}

/**
 * `*` in verbs grants every verb the resource has, including escalate, bind, impersonate,
 * deletecollection and whatever later Kubernetes versions add. Rules someone wrote are judged;
 * the built-in roles and access policies are judged by what they allow, in the specific rules.
 * Non-resource URLs are left out: `*` there only means HTTP methods on those paths.
 */
export const wildcardVerbs: Rule = {
  meta: {
    id: 'wildcard-verbs',
    code: 'RBAC002',
    description: 'Disallow "*" in the verbs of rules on resources',
    severity: 'error',
    risk: 'high',
    category: 'rbac',
  },
  check(input, report) {
    for (const g of authoredGroups(input, (rule) => rule.verbs.includes('*') && (rule.resources ?? []).length > 0)) {
      const listed = g.grants.flatMap((x) => x.rule.resources ?? []);
      const resources = listed.includes('*') ? 'every resource' : shortList(listed);
      reportGroup(
        report,
        g,
        `${who(g)} has every verb ("*") on ${resources} ${where(g)} ${via(g.grants)}: "*" includes delete, deletecollection, escalate, bind and impersonate where they apply, and any verb added later. List the verbs needed (for example get, list, watch)`,
        maxRisk(g.grants.map((x) => riskOf(x.rule))),
      );
    }
  },
};
