import type { Rule } from '../../types.js';
import { isNodeMapping, mappingsOf, reportAt } from './util.js';

/**
 * EKS has deprecated the aws-auth ConfigMap in favour of access entries: a ConfigMap any
 * kube-system editor can rewrite (and lock everyone out with a typo) versus an EKS API governed by
 * IAM and CloudTrail. A ConfigMap that maps only node roles is what EKS itself writes for managed
 * node groups and is not reported.
 */
export const awsAuthDeprecated: Rule = {
  meta: {
    id: 'aws-auth-deprecated',
    code: 'AUTH014',
    description: 'Require access entries instead of the deprecated aws-auth ConfigMap',
    severity: 'info',
    risk: 'low',
    category: 'identity',
  },
  check(input, report, context) {
    for (const view of input.awsAuth) {
      if (input.mode === 'access') {
        const c = input.model?.clusters.get(view.cluster);
        if (c?.authentication !== 'aws-auth') continue;
        reportAt(
          report,
          context,
          view.at,
          [view.cluster],
          `cluster ${view.cluster} authenticates people through the aws-auth ConfigMap, which EKS has deprecated: one malformed edit by anyone who can write kube-system ConfigMaps locks the cluster out, and changes bypass IAM and CloudTrail. Move to access entries: set authentication: both, check the access entries, then access-entries`,
        );
        continue;
      }
      const people = mappingsOf(input, view).filter((m) => !isNodeMapping(m));
      if (people.length === 0) continue;
      report({
        message: `this aws-auth ConfigMap maps ${people.length} identit${people.length === 1 ? 'y' : 'ies'} besides node roles, through a mechanism EKS has deprecated: one malformed edit by anyone who can write kube-system ConfigMaps locks the cluster out, and changes bypass IAM and CloudTrail. Create EKS access entries for them (authentication mode API_AND_CONFIG_MAP, then API)`,
        at: view.at,
        object: 'ConfigMap/kube-system/aws-auth',
      });
    }
  },
};
