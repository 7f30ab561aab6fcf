/** Helpers shared by the access-entry rules. */
import type { Source } from '../../../diagnostics.js';
import type { AccessPolicyGrant, LintInput } from '../../types.js';
import { OncePerPlace } from '../identity/util.js';

/**
 * The access-policy grants of people that pass `test`, one per grant line with every cluster it
 * names (a grant on three clusters is one thing to fix).
 */
export function personPolicyGrants(input: LintInput, test: (p: AccessPolicyGrant) => boolean): { at: Source; value: AccessPolicyGrant; clusters: string[] }[] {
  const found = new OncePerPlace<AccessPolicyGrant>();
  // In manifests (Terraform JSON) nothing says who is a person: every principal is judged as one.
  for (const p of input.accessPolicies) if ((p.employee !== undefined || input.mode === 'manifests') && test(p)) found.add(p.at, p.cluster, p, p.policy);
  return found.entries();
}

/** "employee bob", or in manifests the principal ARN the association names. */
export function holder(p: AccessPolicyGrant): string {
  return p.employee !== undefined ? `employee ${p.employee}` : `principal ${p.principalArn}`;
}

export function onList(clusters: readonly string[]): string {
  // Manifests name no cluster (Terraform JSON whose cluster_name is an expression).
  const named = clusters.filter((c) => c !== '');
  return named.length === 0 ? '' : ` on ${named.join(', ')}`;
}
