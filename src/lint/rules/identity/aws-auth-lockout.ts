import { positionOf } from '../../../diagnostics.js';
import type { IdentityMapping, Rule } from '../../types.js';
import { arnProblem, mappingsOf, reportAt, rolePath } from './util.js';

/** Why a node mapping would not let its nodes in, or undefined when it would. */
function deadBecause(m: IdentityMapping, effective: Map<string, IdentityMapping>, region: string | undefined): string | undefined {
  const last = effective.get(m.arn.toLowerCase());
  if (last && last !== m && !last.groups.some((g) => g.name === 'system:nodes'))
    return `${m.arn} is mapped again at line ${positionOf(last.at).line} without system:nodes, and the last entry wins`;
  if (arnProblem(m, region)) return `${m.arn} can never match`;
  if (rolePath(m.arn)) return `${m.arn} has a path, so it never matches`;
  return undefined;
}

/**
 * Every node of a node group authenticates through aws-auth (unless it has an access entry). An
 * aws-auth without the node role mapping, or whose node mapping can never match, is applied
 * happily by Kubernetes and then locks every node out as its credentials refresh: pods stop being
 * scheduled and the cluster goes down. Nothing but the ConfigMap itself shows it.
 */
export const awsAuthLockout: Rule = {
  meta: {
    id: 'aws-auth-lockout',
    code: 'AUTH015',
    description: 'Require an aws-auth ConfigMap to keep a working node role mapping',
    severity: 'error',
    risk: 'critical',
    category: 'identity',
  },
  check(input, report, context) {
    for (const view of input.awsAuth) {
      if (view.nodeMappingNotRequired) continue;
      const object = { object: 'ConfigMap/kube-system/aws-auth' };
      const whose = view.cluster ? `cluster ${view.cluster}'s aws-auth` : 'this aws-auth ConfigMap';
      if (!view.hasNodeMapping) {
        reportAt(
          report,
          context,
          view.at,
          [view.cluster],
          `${whose} maps no node role (a mapRoles entry with groups system:bootstrappers, system:nodes and username system:node:{{EC2PrivateDNSName}}): once applied, every node that authenticates through aws-auth is locked out and the cluster stops running pods. Keep the node group and Fargate role mappings, or give those roles EKS access entries first`,
          object,
        );
        continue;
      }
      // A node mapping that is there but can never match is the same lockout.
      const roles = mappingsOf(input, view).filter((m) => m.kind === 'role');
      const effective = new Map<string, IdentityMapping>();
      for (const m of roles) effective.set(m.arn.toLowerCase(), m);
      const nodes = roles.filter((m) => m.groups.some((g) => g.name === 'system:nodes'));
      if (nodes.length === 0) continue;
      const region = input.model?.clusters.get(view.cluster)?.region;
      const reasons = nodes.map((m) => deadBecause(m, effective, region));
      if (reasons.some((r) => r === undefined)) continue;
      reportAt(
        report,
        context,
        view.at,
        [view.cluster],
        `${whose} has node role mappings, but none of them works (${reasons.join('; ')}): once applied, every node that authenticates through aws-auth is locked out and the cluster stops running pods. Map each node role once, as arn:<partition>:iam::<account>:role/<name> without path`,
        object,
      );
    }
  },
};
