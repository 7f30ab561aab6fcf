import { reportGroup, via, where, who } from '../../analysis.js';
import type { Rule } from '../../types.js';
import { authoredGroups, shortList } from './util.js';

/**
 * `*` in apiGroups applies the rule to every group that has a resource of that name, including
 * custom resources installed later (a CRD named `secrets` or `deployments` in its own group).
 * Rules whose resources are also `*` are reported by wildcard-resources, full wildcards by
 * full-wildcard, built-in roles not at all (their authors chose it).
 */
export const wildcardApigroups: Rule = {
  meta: {
    id: 'wildcard-apigroups',
    code: 'RBAC004',
    description: 'Disallow "*" in the apiGroups of rules',
    severity: 'info',
    risk: 'low',
    category: 'rbac',
  },
  check(input, report) {
    const hits = authoredGroups(
      input,
      (rule) => (rule.apiGroups ?? []).includes('*') && (rule.resources ?? []).length > 0 && !(rule.resources ?? []).includes('*'),
    );
    for (const g of hits) {
      const resources = shortList(g.grants.flatMap((x) => x.rule.resources ?? []));
      reportGroup(
        report,
        g,
        `${who(g)} has rules on ${resources} in every API group ("*") ${where(g)} ${via(g.grants)}: they also cover any API group that defines a resource of the same name, custom resources installed later included. Name the API groups (for example "" for core, apps, batch)`,
      );
    }
  },
};
