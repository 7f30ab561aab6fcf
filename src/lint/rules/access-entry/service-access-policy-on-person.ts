import { PERSON_ACCESS_POLICIES } from '../../../model/identity.js';
import { builtinAccessPolicies } from '../../../rbac/builtin.js';
import type { Rule } from '../../types.js';
import { onList, personPolicyGrants, holder } from './util.js';

/**
 * EKS ships access policies for its own components too (AmazonEKSAutoNodePolicy for Auto Mode nodes,
 * networking, load balancing, block storage...). Their permissions are shaped for a controller, not
 * for a person: what they allow is undocumented for humans and changes with EKS releases, and
 * eks-access cannot show what they grant. People get one of the six person policies.
 */
export const serviceAccessPolicyOnPerson: Rule = {
  meta: {
    id: 'service-access-policy-on-person',
    code: 'EKS008',
    description: 'Disallow EKS access policies meant for services on people',
    severity: 'error',
    risk: 'high',
    category: 'access-entry',
  },
  check(input, report) {
    const people = PERSON_ACCESS_POLICIES as readonly string[];
    for (const { at, value, clusters } of personPolicyGrants(input, (p) => !people.includes(p.policy))) {
      const known = builtinAccessPolicies().has(value.policy);
      report({
        message: `${holder(value)} gets the access policy ${value.policy}${onList(clusters)}, which is not one of the policies meant for people${known ? '' : ' (eks-access does not know what it grants, so no other rule can judge it)'}: service policies carry a component's permissions and change with EKS releases. Use one of ${PERSON_ACCESS_POLICIES.join(', ')}, or a profile`,
        at,
        ...(value.employee !== undefined && { employee: value.employee }),
        ...(clusters.length === 1 && { cluster: clusters[0]! }),
      });
    }
  },
};
