import type { Rule } from '../../types.js';
import { employeeAt, employeesByName } from './util.js';

/**
 * Access reviews go team by team: a person with no team has nobody to confirm they still need
 * their access, and an employee file that grants nothing is usually left behind by an
 * offboarding or a move (its IAM identity and mappings may still exist outside eks-access).
 */
export const orphanEmployee: Rule = {
  meta: {
    id: 'orphan-employee',
    code: 'META004',
    description: 'Require every employee to have a team and at least one grant',
    severity: 'info',
    risk: 'medium',
    category: 'process',
  },
  check(input, report) {
    for (const e of employeesByName(input)) {
      const problems: string[] = [];
      if (e.team === undefined) problems.push('no team (nobody reviews their access)');
      if (e.grants.length === 0) problems.push('no grant (the file grants nothing)');
      if (problems.length === 0) continue;
      const fix = [
        ...(e.team === undefined ? ['add team: <the team that owns this access>'] : []),
        ...(e.grants.length === 0 ? ['delete the file if the person left or moved, or add the access they need'] : []),
      ];
      report({
        message: `employee ${e.name} has ${problems.join(' and ')}: ${fix.join('; ')}`,
        at: employeeAt(e),
        employee: e.name,
      });
    }
  },
};
