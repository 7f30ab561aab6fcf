import { reportGroup, via, where, who } from '../../analysis.js';
import type { Grant, Risk, Rule } from '../../types.js';
import { authoredGroups, maxRisk, named, quoted, shortList } from './util.js';

/** Verbs that make `*` resources dangerous: reading everything (secrets) or changing anything. */
const VERBS = ['*', 'get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection', 'impersonate'];

function riskOf(g: Grant): Risk {
  if (named(g.rule)) return 'medium';
  return g.namespace === undefined ? 'critical' : 'high';
}

/**
 * `*` in resources covers every resource of the listed API groups (for `""`: secrets, pods/exec,
 * serviceaccounts/token...) and every subresource, including ones added later. Star-slash-star
 * and `pods/` + star are not this wildcard: Kubernetes matches them literally, as a subresource
 * named "*". Full wildcards and built-in roles are reported by other rules.
 */
export const wildcardResources: Rule = {
  meta: {
    id: 'wildcard-resources',
    code: 'RBAC003',
    description: 'Disallow "*" in the resources of rules that read or change them',
    severity: 'error',
    risk: 'high',
    category: 'rbac',
  },
  check(input, report) {
    const hits = authoredGroups(input, (rule) => (rule.resources ?? []).includes('*') && rule.verbs.some((v) => VERBS.includes(v)));
    for (const g of hits) {
      const groups = quoted(g.grants.flatMap((x) => x.rule.apiGroups ?? []));
      const verbList = g.grants.flatMap((x) => x.rule.verbs.filter((v) => VERBS.includes(v)));
      const verbs = verbList.includes('*') ? 'do anything to' : shortList(verbList, 10);
      const inGroups = groups.includes('"*"') ? 'every API group' : `API groups ${groups}`;
      reportGroup(
        report,
        g,
        `${who(g)} can ${verbs} every resource ("*") of ${inGroups} ${where(g)} ${via(g.grants)}: that includes secrets, pods/exec, serviceaccounts/token and every resource added later. List the resources needed`,
        maxRisk(g.grants.map(riskOf)),
      );
    }
  },
};
