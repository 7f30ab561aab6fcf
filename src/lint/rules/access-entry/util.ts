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
  for (const p of input.accessPolicies) if (p.employee !== undefined && test(p)) found.add(p.at, p.cluster, p, p.policy);
  return found.entries();
}

export function onList(clusters: readonly string[]): string {
  return clusters.length === 0 ? '' : ` on ${clusters.join(', ')}`;
}
