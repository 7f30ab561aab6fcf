import { lineText, type Source } from '../../../diagnostics.js';
import { stripRolePath } from '../../../model/identity.js';
import type { IdentityMapping, LintInput, Rule } from '../../types.js';
import { describeMapping, OncePerPlace, onClusters, sourceKey } from './util.js';

interface Named {
  /** The principal, whatever path it is mapped through. */
  principal: string;
  username: string;
  at: Source;
  /** Who it is, for messages (built only when one is written). */
  whom: () => string;
}

/** The Kubernetes usernames a mapping gives, where they are known: one per employee, or a fixed name. */
function usernames(input: LintInput, m: IdentityMapping): Named[] {
  const principal = `${m.kind}:${(m.kind === 'role' ? stripRolePath(m.arn) : m.arn).toLowerCase()}`;
  if (m.employees.length > 0 && input.model) {
    return m.employees.flatMap((name) => {
      const e = input.model!.employees.get(name);
      return e
        ? [{ principal, username: e.kubernetesUser, at: e.identity.at, whom: () => `employee ${name} (${m.kind === 'role' ? 'role' : 'IAM user'} ${m.arn})` }]
        : [];
    });
  }
  // Templates ({{SessionName}}, {{EC2PrivateDNSName}}...) give each caller their own name.
  if (m.username === undefined || m.username.includes('{{')) return [];
  return [{ principal, username: m.username, at: m.at, whom: () => describeMapping(m) }];
}

/**
 * Kubernetes authorizes by username. Two principals under one name share every binding made for it,
 * and the audit log cannot tell them apart; a break-glass entry named like an employee quietly holds
 * that employee's access (and keeps it after they leave, if the name is reused).
 */
export const usernameCollision: Rule = {
  meta: {
    id: 'username-collision',
    code: 'AUTH011',
    description: 'Disallow mapping different IAM principals to the same Kubernetes username',
    severity: 'warning',
    risk: 'medium',
    category: 'identity',
  },
  check(input, report, context) {
    const found = new OncePerPlace<{ message: (on: string) => string }>();
    const byCluster = new Map<string, Map<string, Named>>();
    for (const m of input.identities) {
      if (m.kind === 'account') continue;
      const taken = byCluster.get(m.cluster) ?? new Map<string, Named>();
      byCluster.set(m.cluster, taken);
      for (const n of usernames(input, m)) {
        const first = taken.get(n.username);
        if (!first) {
          taken.set(n.username, n);
          continue;
        }
        if (first.principal === n.principal) continue;
        found.add(
          n.at,
          m.cluster,
          {
            message: (on) =>
              `${n.whom()} gets the Kubernetes username ${n.username}${on}, which ${first.whom()} (${lineText(first.at)}) also gets: both share every binding made for that name and the audit log cannot tell them apart. Give each principal its own username`,
          },
          sourceKey(first.at),
        );
      }
    }
    found.reportEach(report, context, (value, clusters) => value.message(onClusters(clusters)));
  },
};
