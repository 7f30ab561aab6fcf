import type { Rule } from '../../types.js';
import { arnProblem, OncePerPlace, onClusters, sourceKey } from './util.js';

/**
 * The authenticator compares the caller's canonical ARN with each entry exactly (case aside): no
 * wildcards, no STS session ARNs, the cluster's partition (either list works for either kind). An
 * entry that cannot match is dead weight that reviewers read as access, and a wildcard shows the
 * intent to let a whole family of principals in, which a future matcher might honour.
 */
export const invalidOrWildcardArn: Rule = {
  meta: {
    id: 'invalid-or-wildcard-arn',
    code: 'AUTH008',
    description: 'Disallow wildcard, session, malformed or misplaced ARNs in identity mappings',
    severity: 'error',
    risk: 'medium',
    category: 'identity',
  },
  check(input, report, context) {
    // Entries the authenticator drops altogether are aws-auth-ignored-entry's.
    const dropped = new Set(input.awsAuth.flatMap((v) => v.invalidEntries.filter((e) => !e.kept).map((e) => sourceKey(e.at))));
    const found = new OncePerPlace<{ problem: string; vias: Set<string> }>();
    const vias = new Map<string, Set<string>>();
    for (const m of input.identities) {
      if (dropped.has(sourceKey(m.at))) continue;
      const problem = arnProblem(m, input.model?.clusters.get(m.cluster)?.region);
      if (!problem) continue;
      const key = `${sourceKey(m.at)}|${problem}`;
      const seen = vias.get(key) ?? new Set<string>();
      seen.add(m.via === 'aws-auth' ? 'aws-auth entry' : 'access entry');
      vias.set(key, seen);
      found.add(m.at, m.cluster, { problem, vias: seen }, problem);
    }
    found.reportEach(report, context, (value, clusters) => `the ${[...value.vias].sort().join(' and ')}${onClusters(clusters)} cannot work: ${value.problem}`);
  },
};
