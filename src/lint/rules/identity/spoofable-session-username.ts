import { positionOf, type Source } from '../../../diagnostics.js';
import { ROLE_USERNAME_PREFIX, stripRolePath } from '../../../model/identity.js';
import type { IdentityMapping, Rule } from '../../types.js';
import { carriesNodeIdentity, describeMapping, isPersonMapping, isSsoRoleArn, onClusters, reportAt, sourceKey } from './util.js';

const SESSION_TEMPLATE = /\{\{SessionName(Raw)?\}\}/;

function before(a: Source, b: Source): boolean {
  if (a.file !== b.file) return a.file < b.file;
  const pa = positionOf(a);
  const pb = positionOf(b);
  return pa.line < pb.line || (pa.line === pb.line && pa.column < pb.column);
}

/**
 * `{{SessionName}}` is whatever the caller passed to sts:AssumeRole. For an IAM Identity Center
 * (AWS SSO) role, AWS sets it to the signed-in user's name; for a role that IAM users or other roles
 * may assume directly, the caller chooses it, and with it their Kubernetes username (the
 * authenticator's README warns about exactly this). eks-access gives every role mapping the same
 * `session:` prefix, so a chosen name can be any employee's, on any role.
 */
export const spoofableSessionUsername: Rule = {
  meta: {
    id: 'spoofable-session-username',
    code: 'AUTH005',
    description: 'Disallow session-name usernames on roles whose session name the caller chooses',
    severity: 'warning',
    risk: 'medium',
    category: 'identity',
  },
  check(input, report, context) {
    // One finding per role (however many clusters and people): an employee's role is keyed by its
    // ARN, since it is the same trust policy to fix; other mappings by their place.
    const found = new Map<string, { at: Source; m: IdentityMapping; employees: Set<string>; clusters: Set<string> }>();
    for (const m of input.identities) {
      if (m.kind !== 'role' || !SESSION_TEMPLATE.test(m.username ?? '')) continue;
      if (isSsoRoleArn(m.arn)) continue;
      // Node and Fargate roles (and malformed ones, which node-identity-misuse reports).
      if (!isPersonMapping(m) && carriesNodeIdentity(m)) continue;
      const key = m.employees.length > 0 ? `role:${stripRolePath(m.arn).toLowerCase()}` : sourceKey(m.at);
      const item = found.get(key);
      if (!item) found.set(key, { at: m.at, m, employees: new Set(m.employees), clusters: new Set([m.cluster]) });
      else {
        item.clusters.add(m.cluster);
        for (const e of m.employees) item.employees.add(e);
        if (before(m.at, item.at)) item.at = m.at;
      }
    }
    for (const { at, m, employees, clusters } of found.values()) {
      // The role as people wrote it (with its path), and everyone on it across clusters.
      const first = input.model?.employees.get(m.employees[0] ?? '')?.identity;
      const arn = first?.kind === 'role' ? first.arn : m.arn;
      const whom = describeMapping({ ...m, arn, employees: [...employees].sort() });
      const username = m.username!;
      const anyone = username.startsWith(ROLE_USERNAME_PREFIX)
        ? ' (every role mapping shares that prefix, so it can be the name of any employee, whatever role they sign in with)'
        : '';
      reportAt(
        report,
        context,
        at,
        [...clusters],
        `${whom} maps to the username ${username}${onClusters(clusters)}, but it is not an AWS SSO role: whoever may assume it directly (an IAM user, another role) chooses the session name and so their Kubernetes username${anyone}, and receives that person's RBAC bindings. Sign people in through IAM Identity Center roles (AWSReservedSSO_...), whose session name AWS sets; if only SAML or OIDC federation can assume this role, say so in a waiver`,
      );
    }
  },
};
