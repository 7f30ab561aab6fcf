/**
 * Expiry that revokes: the model `generate` emits from, without the grants and people whose `expires`
 * date has passed. Access ends when the output without them is applied (Argo CD / Flux sync,
 * `terraform apply`); `eks-access expire --write` then removes them from the access files too.
 */
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import { clustersOf, describeGrant } from '../lint/rules/process/util.js';
import type { AccessModel, Employee, Grant } from './types.js';

/** What expired, as of `today` (YYYY-MM-DD): a date is the last day access lasts. */
export interface Expired {
  /** People whose own `expires` has passed: all their access. */
  employees: Employee[];
  /** Grants whose `expires` has passed, of people who have not expired themselves. */
  grants: { employee: Employee; grant: Grant }[];
}

const isPast = (date: string | undefined, today: string): boolean => date !== undefined && date < today;

export function findExpired(model: AccessModel, today: string): Expired {
  const out: Expired = { employees: [], grants: [] };
  const people = [...model.employees.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of people) {
    if (isPast(e.expires, today)) out.employees.push(e);
    else for (const g of e.grants) if (isPast(g.expires, today)) out.grants.push({ employee: e, grant: g });
  }
  return out;
}

/** `model` without what expired, and one warning per person or grant left out. The input is not changed. */
export function withoutExpired(model: AccessModel, today: string): { model: AccessModel; diagnostics: Diagnostic[] } {
  const expired = findExpired(model, today);
  if (expired.employees.length === 0 && expired.grants.length === 0) return { model, diagnostics: [] };
  const diagnostics: Diagnostic[] = [];
  const gone = new Set(expired.employees);
  const dropped = new Set(expired.grants.map((x) => x.grant));
  const employees = new Map<string, Employee>();
  for (const [name, e] of model.employees) {
    if (gone.has(e)) continue;
    employees.set(name, e.grants.some((g) => dropped.has(g)) ? { ...e, grants: e.grants.filter((g) => !dropped.has(g)) } : e);
  }
  for (const e of expired.employees) {
    diagnostics.push(
      diagnostic(
        e.expiresAt ?? e.at,
        `employee ${e.name} expired on ${e.expires}: left out of the generated output (no bindings, mappings, IAM user or kubeconfig); run eks-access expire --write to remove them from the access files`,
        'expired-access',
        'warning',
      ),
    );
  }
  for (const { employee, grant } of expired.grants) {
    diagnostics.push(
      diagnostic(
        grant.at,
        `${employee.name}'s grant ${describeGrant(grant)} on ${clustersOf(grant)} expired on ${grant.expires}: left out of the generated output; run eks-access expire --write to remove it from the access files`,
        'expired-access',
        'warning',
      ),
    );
  }
  return { model: { ...model, employees }, diagnostics };
}

/**
 * The days, latest first, as of which an earlier generate may have run without yet leaving out some
 * of the access that has expired by `today`: each distinct expiry date of what has expired.
 * `withoutExpired(model, day)` is the output such a run wrote.
 */
export function expiredBefore(model: AccessModel, today: string): string[] {
  const expired = findExpired(model, today);
  const days = new Set<string>();
  for (const e of expired.employees) days.add(e.expires!);
  for (const { grant } of expired.grants) days.add(grant.expires!);
  // A person's grants may have expired before the person did: their dates count too.
  for (const e of expired.employees) for (const g of e.grants) if (isPast(g.expires, today)) days.add(g.expires!);
  return [...days].sort().reverse();
}
