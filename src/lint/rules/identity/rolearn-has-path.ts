import type { Rule } from '../../types.js';
import { describeMapping, OncePerPlace, onClusters, rolePath } from './util.js';

/**
 * The authenticator turns the caller's `assumed-role/<name>/<session>` ARN into `role/<name>`, with
 * no path, before looking it up, so an aws-auth `rolearn` with a path (`role/team/x`,
 * `role/aws-reserved/sso.amazonaws.com/...`) never matches. The fix, the bare name, also matches any
 * role of that name on another path, so it must be checked too. Access entries keep paths; only
 * aws-auth is judged.
 */
export const rolearnHasPath: Rule = {
  meta: {
    id: 'rolearn-has-path',
    code: 'AUTH007',
    description: 'Disallow IAM paths in aws-auth role ARNs, which never match',
    severity: 'error',
    risk: 'medium',
    category: 'identity',
  },
  check(input, report, context) {
    const found = new OncePerPlace<{ whom: string; path: string; bare: string; name: string }>();
    for (const m of input.identities) {
      if (m.via !== 'aws-auth' || m.kind !== 'role') continue;
      const p = rolePath(m.arn);
      if (p) found.add(m.at, m.cluster, { whom: describeMapping(m), ...p });
    }
    found.reportEach(
      report,
      context,
      (value, clusters) =>
        `aws-auth entry for ${value.whom}${onClusters(clusters)} has the path ${value.path} in its rolearn: the authenticator looks roles up as role/${value.name}, without path, so this entry never matches and its username and groups apply to no one. Write ${value.bare} (and make sure no other role named ${value.name} exists on another path, since it would match too)`,
    );
  },
};
