import type { IdentityMapping, Rule } from '../../types.js';
import { describeMapping, OncePerPlace, onClusters, reportAt, sourceKey } from './util.js';

/**
 * IAM ARNs are case-insensitive. The authenticator stores aws-auth roles (and, in current versions,
 * users) under the lower-cased ARN, so of two entries for one principal the last silently wins and
 * the other's username and groups vanish; older versions kept both users and matched either at
 * random. Access entries are one per principal. Only duplicates within one authentication path count:
 * the same person in aws-auth and in an access entry of a cluster in both modes is how eks-access
 * migrates, and EKS lets the access entry win.
 */
export const duplicatePrincipal: Rule = {
  meta: {
    id: 'duplicate-principal',
    code: 'AUTH009',
    description: 'Disallow mapping the same IAM principal twice',
    severity: 'warning',
    risk: 'medium',
    category: 'identity',
  },
  check(input, report) {
    const found = new OncePerPlace<{ message: (on: string) => string }>();
    const firsts = new Map<string, IdentityMapping>();
    for (const m of input.identities) {
      if (m.kind === 'account') continue;
      const key = `${m.cluster}|${m.via}|${m.kind}|${m.arn.toLowerCase()}`;
      const first = firsts.get(key);
      if (!first) {
        firsts.set(key, m);
        continue;
      }
      // The same mapping reached twice (one place), e.g. a role several people share: not a duplicate.
      if (sourceKey(first.at) === sourceKey(m.at)) continue;
      const list = m.via === 'access-entry' ? 'the access entries' : m.kind === 'role' ? 'aws-auth mapRoles' : 'aws-auth mapUsers';
      const also = `${first.at.file}:${first.at.line}`;
      const caseOnly = first.arn !== m.arn;
      const why =
        m.via === 'access-entry'
          ? 'a cluster has one access entry per principal, so one of them fails to apply or replaces the other'
          : m.kind === 'role' || !caseOnly
            ? 'the authenticator keeps only the last entry, silently dropping the other\'s username and groups'
            : 'IAM ARNs are case-insensitive, so both entries name one user: current authenticators keep only the last, older ones pick either at random';
      found.add(
        m.at,
        m.cluster,
        {
          message: (on) =>
            `${describeMapping(m)} is mapped twice in ${list}${on}${caseOnly ? ` (written ${first.arn} at ${also})` : ` (also at ${also}, ${describeMapping(first)})`}: ${why}. Keep one entry per principal`,
        },
        sourceKey(first.at),
      );
    }
    for (const { at, value, clusters } of found.entries()) reportAt(report, input, at, clusters, value.message(onClusters(clusters)));
  },
};
