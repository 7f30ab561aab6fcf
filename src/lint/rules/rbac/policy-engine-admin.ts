import { groupsWhere, leftToAdminRules, reportGroup, via, where, who } from '../../analysis.js';
import { apiGroupMatches, verbMatches } from '../../../rbac/match.js';
import type { RuleView } from '../../grant-index.js';
import type { Rule } from '../../types.js';
import { listWords, onlyNamed, reachedBy, WRITE_VERBS, type Target } from './util.js';

const target = (group: string, resource: string, clusterScoped: boolean, engine: string): Target => ({
  verbs: WRITE_VERBS,
  group,
  resource,
  clusterScoped,
  label: `${engine} ${resource}`,
});

const TARGETS: readonly Target[] = [
  target('kyverno.io', 'clusterpolicies', true, 'Kyverno'),
  target('kyverno.io', 'policies', false, 'Kyverno'),
  target('kyverno.io', 'policyexceptions', false, 'Kyverno'),
  target('kyverno.io', 'clustercleanuppolicies', true, 'Kyverno'),
  target('kyverno.io', 'cleanuppolicies', false, 'Kyverno'),
  ...['validatingpolicies', 'imagevalidatingpolicies', 'mutatingpolicies', 'generatingpolicies', 'deletingpolicies'].map((r) =>
    target('policies.kyverno.io', r, true, 'Kyverno'),
  ),
  target('policies.kyverno.io', 'policyexceptions', false, 'Kyverno'),
  target('templates.gatekeeper.sh', 'constrainttemplates', true, 'Gatekeeper'),
  target('config.gatekeeper.sh', 'configs', false, 'Gatekeeper'),
  ...['assign', 'assignmetadata', 'modifyset', 'assignimage'].map((r) => target('mutations.gatekeeper.sh', r, true, 'Gatekeeper')),
];

const CONSTRAINTS = 'constraints.gatekeeper.sh';

/** Gatekeeper constraints are resources named after their templates, so any resource of the group counts. */
function writesConstraints(g: RuleView): boolean {
  if (g.namespace !== undefined || !WRITE_VERBS.some((v) => verbMatches(g.rule, v))) return false;
  const resources = g.rule.resources ?? [];
  return (g.rule.apiGroups ?? []).includes(CONSTRAINTS) ? resources.length > 0 : apiGroupMatches(g.rule, CONSTRAINTS) && resources.includes('*');
}

function written(g: RuleView): string[] {
  const out = reachedBy(g, TARGETS);
  if (writesConstraints(g)) out.push('Gatekeeper constraints');
  return out;
}

/**
 * Kyverno and Gatekeeper policies are the cluster's guardrails (Pod Security, image provenance,
 * required labels), and Kyverno's mutate and generate rules run with the engine's own, much
 * wider, permissions: writing them removes the guardrails or borrows those permissions.
 */
export const policyEngineAdmin: Rule = {
  meta: {
    id: 'policy-engine-admin',
    code: 'RBAC030',
    description: 'Disallow writing Kyverno and Gatekeeper policies, templates and exceptions',
    severity: 'error',
    risk: 'high',
    category: 'rbac',
  },
  check(input, report) {
    for (const g of groupsWhere(
      input,
      (x) => written(x).length > 0,
      (x) => !leftToAdminRules(x),
      'rule',
    )) {
      reportGroup(
        report,
        g,
        `${who(g)} can create, change or delete ${listWords(g.grants.flatMap(written))} ${where(g)} ${via(g.grants)}: they can switch off the cluster's guardrails or have the policy engine create and mutate objects with its own permissions. Manage policies through the platform pipeline and request exceptions there`,
        onlyNamed(g.grants, TARGETS) && !g.grants.some(writesConstraints) ? 'medium' : 'high',
      );
    }
  },
};
