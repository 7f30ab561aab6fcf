import { groupsWhere, reportGroup, via, who } from '../../analysis.js';
import type { RuleView } from '../../grant-index.js';
import type { Rule } from '../../types.js';
import { besideFullWildcard } from './util.js';

/** `*` and `/*` match every path; nonResourceURLs mean nothing in a namespace. */
function wildcardUrls(g: RuleView): boolean {
  return g.namespace === undefined && (g.rule.nonResourceURLs ?? []).some((u) => u === '*' || u === '/*');
}

/**
 * Non-resource URLs are the API server's own endpoints: /metrics, /debug/pprof, /logs, health and
 * version. A wildcard includes ones added later and the debug endpoints, where a path list would
 * name what is needed. cluster-admin's `*` is its own finding, so grants that also give everything
 * are left out.
 */
export const nonresourceWildcard: Rule = {
  meta: {
    id: 'nonresource-wildcard',
    code: 'RBAC033',
    description: 'Disallow a wildcard in nonResourceURLs',
    severity: 'info',
    risk: 'low',
    category: 'rbac',
  },
  check(input, report, context) {
    for (const g of groupsWhere(input, wildcardUrls, (x) => !besideFullWildcard(context, x), 'rule')) {
      const verbs = [...new Set(g.grants.flatMap((x) => x.rule.verbs))].sort().join(', ');
      reportGroup(
        report,
        g,
        `${who(g)} can ${verbs} every non-resource URL${g.cluster ? ` on ${g.cluster}` : ''} ${via(g.grants)}: that includes /debug/pprof, /logs and endpoints added later. List the paths needed, such as /healthz, /livez, /readyz and /metrics (the built-in system:monitoring role)`,
      );
    }
  },
};
