import { groupsWhere, leftToAdminRules, reportGroup, via, where, who } from '../../analysis.js';
import type { CaseView } from '../../grant-index.js';
import type { LintInput, Rule } from '../../types.js';
import { grantReach, type Target } from './util.js';

/** The verbs that change or remove an existing ConfigMap. */
const CONFIGMAPS_CHANGE: Target = { verbs: ['update', 'patch', 'delete', 'deletecollection'], group: '', resource: 'configmaps' };

export const CONFIGMAPS_WRITE: Target = { verbs: ['create', 'update', 'patch', 'delete', 'deletecollection'], group: '', resource: 'configmaps' };

/**
 * Does the grant let its subject write kube-system/aws-auth? Cluster-wide or in kube-system, with
 * no resourceNames (every ConfigMap, aws-auth included) or with aws-auth among them. Clusters that
 * authenticate with access entries only never read aws-auth (and cannot go back).
 */
export function writesAwsAuth(input: LintInput, g: CaseView): boolean {
  if (g.namespace !== undefined && g.namespace !== 'kube-system') return false;
  const reach = grantReach(g, CONFIGMAPS_WRITE);
  if (reach === false) return false;
  if (reach === 'named' && !(g.rule.resourceNames ?? []).includes('aws-auth')) return false;
  return input.model?.clusters.get(g.cluster)?.authentication !== 'access-entries';
}

/**
 * aws-auth maps IAM identities to Kubernetes users and groups: whoever can write it can map
 * their own IAM role into system:masters, or delete the node mappings and lock every node out.
 */
export const awsAuthWrite: Rule = {
  meta: {
    id: 'aws-auth-write',
    code: 'RBAC021',
    description: 'Disallow writing the aws-auth ConfigMap (configmaps in kube-system or cluster-wide)',
    severity: 'error',
    risk: 'critical',
    category: 'rbac',
  },
  check(input, report) {
    for (const g of groupsWhere(input, (x) => !leftToAdminRules(x) && writesAwsAuth(input, x))) {
      const named = g.grants.every((x) => (x.rule.resourceNames ?? []).length > 0);
      if (g.grants.every((x) => grantReach(x, CONFIGMAPS_CHANGE) === false)) {
        // create alone cannot change an existing ConfigMap; it writes aws-auth only where there is none yet.
        reportGroup(
          report,
          g,
          `${who(g)} can create ConfigMaps, but not change or delete them, ${where(g)} ${via(g.grants)}: that cannot touch an existing aws-auth, but on a cluster without one (access entries, or before the first node group) it creates aws-auth with any mapping, system:masters included. Name the ConfigMaps they need with resourceNames, or keep kube-system out of the grant`,
          'high',
        );
        continue;
      }
      reportGroup(
        report,
        g,
        `${who(g)} can change ${named ? 'the aws-auth ConfigMap' : 'every ConfigMap, aws-auth included,'} ${where(g)} ${via(g.grants)}: whoever writes aws-auth can map any IAM identity into system:masters or delete the node mappings. Manage aws-auth with eks-access generate, or move the cluster to access entries`,
      );
    }
  },
};
