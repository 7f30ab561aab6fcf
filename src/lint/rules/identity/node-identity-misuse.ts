import type { Source } from '../../../diagnostics.js';
import type { Risk, Rule } from '../../types.js';
import { carriesNodeIdentity, describeMapping, isNodeMapping, isNodeUsername, isPersonMapping, NODE_GROUPS, OncePerPlace, onClusters } from './util.js';

/**
 * The kubelet's identity is a username `system:node:<node name>` in group `system:nodes`, and new
 * nodes join through `system:bootstrappers` (which may request node client certificates). A person or
 * an IAM user holding that identity can act as a node: read the Secrets of its pods, rewrite node and
 * pod status, or (through bootstrapping) obtain a certificate for any node name. The authenticator's
 * own README warns that whoever can set the session name of a node role can impersonate any node.
 */
export const nodeIdentityMisuse: Rule = {
  meta: {
    id: 'node-identity-misuse',
    code: 'AUTH003',
    description: 'Disallow node usernames and node groups outside a node role mapping',
    severity: 'error',
    risk: 'high',
    category: 'identity',
  },
  check(input, report, context) {
    const found = new OncePerPlace<{ message: (on: string) => string; risk: Risk }>();
    for (const m of input.identities) {
      if (m.kind === 'account' || !carriesNodeIdentity(m) || isNodeMapping(m)) continue;
      const nodeGroups = m.groups.filter((g) => NODE_GROUPS.includes(g.name));
      const names = [...new Set(nodeGroups.map((g) => g.name))].sort();
      const parts = [
        ...(isNodeUsername(m.username) ? [`the node username ${m.username}`] : []),
        ...(names.length > 0 ? [`the node group${names.length > 1 ? 's' : ''} ${names.join(', ')}`] : []),
      ];
      if (isPersonMapping(m)) {
        const bootstrap = names.includes('system:bootstrappers') || isNodeUsername(m.username);
        const what = m.kind === 'user' ? 'an IAM user' : m.employees.length > 0 ? 'a role people sign in with' : 'an AWS SSO role people sign in with';
        const message = (on: string) =>
          `${describeMapping(m)} is ${what} but is given ${parts.join(' and ')}${on}: whoever signs in acts as a Kubernetes node${bootstrap ? ' and can obtain a node client certificate for any node name' : ''}, reading the Secrets of its pods and rewriting node and pod status. Node identities belong to node and Fargate roles only; give people a profile instead`;
        const risk: Risk = bootstrap ? 'critical' : 'high';
        // An employee's mapping: report at each groups grant that adds a node group (that is what to remove).
        const places: Source[] = m.employees.length > 0 && nodeGroups.length > 0 ? nodeGroups.map((g) => g.at) : [m.at];
        for (const at of places) found.add(at, m.cluster, { message, risk });
        continue;
      }
      // A role that is not a person's but is not a well-formed node mapping either.
      const message = (on: string) =>
        !m.groups.some((g) => g.name === 'system:nodes')
          ? `${describeMapping(m)} has ${parts.join(' and ')} without the group system:nodes${on}: it is named like a node but is not one, and the Node authorizer refuses it. Map node roles as EKS does (username system:node:{{EC2PrivateDNSName}}, groups system:bootstrappers, system:nodes), or do not name this identity like a node`
          : `${describeMapping(m)} has ${parts.join(' and ')} but the username ${m.username ?? '(none)'} is not a per-node template (system:node:{{EC2PrivateDNSName}}, or system:node:{{SessionName}} for Fargate and hybrid nodes)${on}: either it is not a node role and must not be in node groups, or every node shares one identity. Use EKS's node mapping, or drop the node groups`;
      found.add(m.at, m.cluster, { message, risk: 'high' });
    }
    found.reportEach(
      report,
      context,
      (value, clusters) => value.message(onClusters(clusters)),
      (value) => ({ risk: value.risk }),
    );
  },
};
