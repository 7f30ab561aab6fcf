import type { Rule } from '../../types.js';
import { OncePerPlace, onClusters } from './util.js';

/**
 * A `mapAccounts` entry lets every IAM user and every role of that account sign in, each with its
 * ARN as username: CI roles, service roles, and anyone who can create a role there. Nothing in the
 * ConfigMap says who they are, so access reviews cannot see them.
 */
export const mapAccounts: Rule = {
  meta: {
    id: 'map-accounts',
    code: 'AUTH006',
    description: 'Disallow mapAccounts entries, which let every principal of an AWS account sign in',
    severity: 'error',
    risk: 'high',
    category: 'identity',
  },
  check(input, report, context) {
    const found = new OncePerPlace<string>();
    // A malformed account id matches nothing (invalid-or-wildcard-arn reports it).
    for (const m of input.identities) if (m.kind === 'account' && /^\d{12}$/.test(m.arn)) found.add(m.at, m.cluster, m.arn);
    found.reportEach(
      report,
      context,
      (account, clusters) =>
        `aws-auth maps the whole account ${account}${onClusters(clusters)}: every IAM user and role in it (CI, service roles, anyone who can create a role there) can sign in to the cluster with its ARN as username. Map the specific roles under mapRoles instead`,
    );
  },
};
