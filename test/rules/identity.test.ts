import { test } from 'uvu';
import { HEADER } from '../helpers/run.js';
import { ruleTests } from '../helpers/rule-tester.js';

const employee = (body: string) => `${HEADER}kind: Employee\nname: bob\nemail: bob@example.com\nidentity:\n  iamUser: bob\naccess:\n${body}`;

ruleTests('map-to-system-masters', {
  valid: [
    { name: 'a named group', access: { 'access/employees/bob.yaml': employee('  - cluster: prod\n    groups: [payments-admins]\n') } },
    { name: 'level admin is visible RBAC, not system:masters', access: { 'access/employees/bob.yaml': employee('  - cluster: prod\n    level: admin\n    expires: 2027-01-31\n') } },
  ],
  invalid: [
    {
      name: 'groups: [system:masters] on an aws-auth cluster',
      access: { 'access/employees/bob.yaml': employee('  - cluster: prod\n    groups: [system:masters]\n') },
      errors: ['access/employees/bob.yaml:8:5'],
      messages: ['employee bob is mapped into system:masters on prod'],
    },
  ],
});

test.run();
