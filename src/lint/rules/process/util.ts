/** Helpers shared by the process rules: dates, and how a grant of the access file reads. */
import type { Source } from '../../../diagnostics.js';
import type { Employee, Grant as ModelGrant } from '../../../model/types.js';
import type { LintInput } from '../../types.js';

/** `date` plus `days` whole days, as YYYY-MM-DD (dates are UTC days, like `today`). */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** "prod" or "staging, sandbox": the clusters a grant names. */
export function clustersOf(g: ModelGrant): string {
  return g.clusters.join(', ');
}

/** How the grant is written: `level: admin`, `profile cluster-admin`, `groups [system:masters]`... */
export function describeGrant(g: ModelGrant): string {
  switch (g.kind) {
    case 'level':
      return `level: ${g.level}`;
    case 'profile':
      return g.scope === 'cluster' ? `profile ${g.profile} (scope: cluster)` : `profile ${g.profile} in ${g.namespaces.join(', ')}`;
    case 'rules':
      return `inline rules in ${g.namespaces.join(', ')}`;
    case 'groups':
      return `groups [${g.groups.join(', ')}]`;
    case 'accessPolicy':
      return g.namespaces ? `access policy ${g.accessPolicy} in ${g.namespaces.join(', ')}` : `access policy ${g.accessPolicy} (cluster scope)`;
  }
}

/** Where findings about the whole person's expiry go: their `expires` line, else their name. */
export function employeeAt(e: Employee): Source {
  return e.expiresAt ?? e.at;
}

/** The employees of the access folder, by name; none with `--manifests`. */
export function employeesByName(input: LintInput): Employee[] {
  const model = input.model;
  if (!model) return [];
  return [...model.employees.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
