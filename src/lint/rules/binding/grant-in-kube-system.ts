import { groupsWhere, leftToAdminRules, reportGroup, via, who } from '../../analysis.js';
import type { PolicyRule } from '../../../model/types.js';
import type { Rule } from '../../types.js';

/** Verbs that change something (or hand out rights); reading is judged by the rbac rules. */
const WRITE_VERBS = ['*', 'create', 'update', 'patch', 'delete', 'deletecollection', 'escalate', 'bind', 'impersonate', 'approve', 'sign'];

function writes(rule: PolicyRule): boolean {
  return (rule.resources ?? []).length > 0 && rule.verbs.some((v) => WRITE_VERBS.includes(v));
}

/**
 * kube-system holds the control components (aws-node, kube-proxy, CoreDNS, controllers) with
 * powerful service accounts, and on EKS the aws-auth ConfigMap. Write access there is a short
 * path to cluster-admin whatever the resource, so any write grant scoped to it is reported;
 * cluster-wide grants (which include it) are left to the specific rules.
 */
export const grantInKubeSystem: Rule = {
  meta: {
    id: 'grant-in-kube-system',
    code: 'BIND009',
    description: 'Disallow write access scoped to the kube-system namespace',
    severity: 'error',
    risk: 'high',
    category: 'binding',
  },
  check(input, report) {
    for (const g of groupsWhere(
      input,
      (g) => g.namespace === 'kube-system' && writes(g.rule),
      (g) => !leftToAdminRules(g),
    )) {
      const resources = [...new Set(g.grants.flatMap((x) => x.rule.resources ?? []))].sort();
      const verbs = [...new Set(g.grants.flatMap((x) => x.rule.verbs.filter((v) => WRITE_VERBS.includes(v))))].sort();
      reportGroup(
        report,
        g,
        `${who(g)} can ${verbs.join(', ')} ${resources.join(', ')} in kube-system${g.cluster ? ` on ${g.cluster}` : ''} ${via(g.grants)}: kube-system runs the cluster's own components with powerful service accounts (and holds aws-auth), so writing there is a short path to cluster-admin. Leave kube-system to time-boxed platform admins, or grant read-only access there`,
      );
    }
  },
};
