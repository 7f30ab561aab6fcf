import { lineText } from '../../../diagnostics.js';
import type { IdentityMapping, Rule } from '../../types.js';
import { describeMapping, OncePerPlace, onClusters, sourceKey } from './util.js';

/**
 * IAM ARNs are case-insensitive. The authenticator stores aws-auth roles under the lower-cased ARN
 * and users under the ARN as written (`RoleMapping.Key`, `UserMapping.Key`), so of two entries for
 * one principal the last silently wins and the other's username and groups vanish; two user entries
 * that differ only in case are both kept and, both matching with EqualFold, either is used at random. Access entries are one per principal. Only duplicates within one authentication path count:
 * the same person in aws-auth and in an access entry of a cluster in both modes is how eks-access
 * migrates, and EKS lets the access entry win.
 */
export const duplicatePrincipal: Rule = {
  meta: {
    id: 'duplicate-principal',
    code: 'AUTH009',
    description: 'Disallow mapping the same IAM principal twice',
    severity: 'error',
    risk: 'medium',
    category: 'identity',
  },
  check(input, report, context) {
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
      const crossList = m.via === 'aws-auth' && first.section !== undefined && m.section !== undefined && first.section !== m.section;
      const list =
        m.via === 'access-entry'
          ? 'the access entries'
          : crossList
            ? 'aws-auth mapRoles and mapUsers'
            : (m.section ?? (m.kind === 'role' ? 'mapRoles' : 'mapUsers')) === 'mapRoles'
              ? 'aws-auth mapRoles'
              : 'aws-auth mapUsers';
      const also = lineText(first.at);
      const caseOnly = first.arn !== m.arn;
      const why =
        m.via === 'access-entry'
          ? 'a cluster has one access entry per principal, so one of them fails to apply or replaces the other'
          : crossList
            ? 'the authenticator looks mapRoles up first, so the mapUsers entry is never used'
            : m.section === 'mapRoles' || (m.section === undefined && m.kind === 'role') || !caseOnly
              ? "the authenticator keeps only the last entry, silently dropping the other's username and groups"
              : 'IAM ARNs are case-insensitive, so both entries name one user: the authenticator keeps both (users are stored by ARN as written) and signs the user in through either, at random';
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
    found.reportEach(report, context, (value, clusters) => value.message(onClusters(clusters)));
  },
};
