import { reservedPrefix } from '../../../model/identity.js';
import type { Rule } from '../../types.js';
import { describeMapping, isNodeUsername, OncePerPlace, onClusters } from './util.js';

/** What a reserved username gives away. */
function consequence(username: string): string {
  const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(username);
  if (sa) return `RBAC matches ServiceAccount subjects by exactly this username, so it receives every binding of ServiceAccount ${sa[1]}/${sa[2]}`;
  if (username === 'system:anonymous') return 'it is the name of unauthenticated requests, so everything bound for anonymous users applies to it';
  if (username.includes('{{'))
    return 'once the template is filled in, the name can collide with names Kubernetes, EKS or AWS give their own components, inheriting their bindings, and EKS access entries refuse such names outright';
  return 'names under these prefixes belong to Kubernetes, EKS and AWS components, so it inherits whatever is bound to that component now or later, and audit logs show a component instead of a person; EKS access entries refuse such names outright';
}

/**
 * Usernames under `system:`, `eks:`, `aws:`, `amazon:` and `iam:` are the platform's: EKS access
 * entries refuse them, and in aws-auth they let an IAM identity pose as a component or a service
 * account (RBAC finds ServiceAccount subjects by the username `system:serviceaccount:<ns>:<name>`).
 * Node usernames are judged by node-identity-misuse.
 */
export const reservedUsernamePrefix: Rule = {
  meta: {
    id: 'reserved-username-prefix',
    code: 'AUTH004',
    description: 'Disallow Kubernetes usernames with a reserved prefix (system:, eks:, aws:, amazon:, iam:)',
    severity: 'error',
    risk: 'high',
    category: 'identity',
  },
  check(input, report, context) {
    const found = new OncePerPlace<{ username: string; prefix: string; whom: string }>();
    for (const m of input.identities) {
      if (m.username === undefined || isNodeUsername(m.username)) continue;
      const prefix = reservedPrefix(m.username);
      if (prefix) found.add(m.at, m.cluster, { username: m.username, prefix, whom: describeMapping(m) });
    }
    found.reportEach(
      report,
      context,
      (value, clusters) =>
        `${value.whom} is mapped to the username ${value.username}${onClusters(clusters)}, under the reserved prefix ${value.prefix}: ${consequence(value.username)}. Choose a username of your own (e.g. break-glass, or admin:{{SessionName}} on an AWS SSO role) and bind it explicitly`,
    );
  },
};
