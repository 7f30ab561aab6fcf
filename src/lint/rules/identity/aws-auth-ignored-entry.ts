import type { Rule } from '../../types.js';
import { reportAt } from './util.js';

/**
 * The authenticator reads exactly `mapRoles`, `mapUsers` and `mapAccounts`, and drops, with only a
 * log line on the control plane, a section it cannot parse and any entry that fails validation
 * ("Only saving data that was good"); a field of the wrong type (`groups: ops`) is skipped and its
 * entry kept without it. A `maproles:` key or a malformed entry looks like access in review and
 * grants something else or nothing; if it held the node mapping, the nodes are locked out.
 */
export const awsAuthIgnoredEntry: Rule = {
  meta: {
    id: 'aws-auth-ignored-entry',
    code: 'AUTH016',
    description: 'Disallow aws-auth keys and entries that the authenticator ignores',
    severity: 'error',
    risk: 'high',
    category: 'identity',
  },
  check(input, report, context) {
    for (const view of input.awsAuth) {
      const object = { object: 'ConfigMap/kube-system/aws-auth' };
      for (const k of view.ignoredKeys) {
        const right = ['mapRoles', 'mapUsers', 'mapAccounts'].find((x) => x.toLowerCase() === k.key.toLowerCase());
        reportAt(
          report,
          context,
          k.at,
          [view.cluster],
          `aws-auth key ${k.key} is ignored: the authenticator reads only mapRoles, mapUsers and mapAccounts, spelled exactly, so none of its entries can sign in${right ? `. Rename it ${right}` : ''}`,
          object,
        );
      }
      for (const e of view.invalidEntries) {
        if (e.refused) {
          reportAt(report, context, e.at, [view.cluster], `${e.reason}. Fix it before applying`, object);
          continue;
        }
        const effect = e.kept
          ? 'the entry still maps its ARN, without what was skipped'
          : e.wholeSection
            ? 'none of those entries maps anyone'
            : 'the entry maps no one';
        reportAt(
          report,
          context,
          e.at,
          [view.cluster],
          `${e.reason}. Fix it: the authenticator only logs this on the control plane, where nobody sees it, and ${effect}`,
          object,
        );
      }
    }
  },
};
