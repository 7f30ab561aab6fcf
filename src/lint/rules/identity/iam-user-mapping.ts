import type { Rule } from '../../types.js';
import { describeMapping, OncePerPlace, onClusters } from './util.js';

/**
 * An IAM user signs in with access keys that live until someone rotates or deletes them, on laptops
 * and in shell histories. AWS and the EKS best-practices guide recommend roles through IAM Identity
 * Center or federation for people: short-lived credentials, one place to offboard.
 */
export const iamUserMapping: Rule = {
  meta: {
    id: 'iam-user-mapping',
    code: 'AUTH010',
    description: 'Require people to sign in through a role rather than an IAM user',
    severity: 'info',
    risk: 'low',
    category: 'identity',
  },
  check(input, report, context) {
    // IAM users this repository creates are already reported, at the same line, by iam-users-exist.
    const created = new Set(input.iamUsers.map((u) => u.employee).filter((e): e is string => e !== undefined));
    // One finding per person (or entry), however many clusters and authentication paths map it.
    const found = new OncePerPlace<{ whom: string; person: boolean }>();
    for (const m of input.identities) {
      if (m.kind !== 'user' || m.employees.some((e) => created.has(e))) continue;
      found.add(m.at, m.cluster, { whom: describeMapping(m), person: m.employees.length > 0 });
    }
    found.reportEach(report, context, (value, clusters) => {
      const instead = value.person
        ? 'Give them identity.role with an IAM Identity Center (AWS SSO) role instead'
        : 'If a person uses it, map their IAM Identity Center (AWS SSO) role instead; for automation, prefer an IAM role';
      return `${value.whom} signs in${onClusters(clusters)} as an IAM user, with long-lived access keys that outlive a laptop or a job. ${instead}`;
    });
  },
};
