import { test } from 'uvu';
import { HEADER } from '../helpers/run.js';
import { ruleTests } from '../helpers/rule-tester.js';

const employee = (body: string) => `${HEADER}kind: Employee\nname: bob\nemail: bob@example.com\nidentity:\n  iamUser: bob\naccess:\n${body}`;
const rules = (rules: string, ns = 'payments') => employee(`  - cluster: prod\n    namespaces: [${ns}]\n    rules:\n${rules}`);

ruleTests('pods-exec', {
  valid: [
    { name: 'logs only', access: { 'access/employees/bob.yaml': rules('      - apiGroups: [""]\n        resources: [pods, pods/log]\n        verbs: [get, list]\n') } },
    { name: 'full wildcard is reported by the admin rules instead', access: { 'access/employees/bob.yaml': employee('  - cluster: prod\n    level: admin\n    expires: 2027-01-31\n') } },
  ],
  invalid: [
    {
      name: 'create pods/exec in inline rules',
      access: { 'access/employees/bob.yaml': rules('      - apiGroups: [""]\n        resources: [pods/exec]\n        verbs: [create]\n') },
      errors: ['access/employees/bob.yaml:8:5'],
      messages: ['employee bob can exec into pods in payments on prod'],
    },
    {
      name: '*/exec counts (any resource, subresource exec)',
      access: { 'access/employees/bob.yaml': rules('      - apiGroups: [""]\n        resources: ["*/exec"]\n        verbs: [get]\n') },
      errors: ['access/employees/bob.yaml:8:5'],
    },
    {
      name: 'the built-in edit role through a profile grant',
      access: { 'access/employees/bob.yaml': employee('  - cluster: prod\n    profile: edit\n    namespaces: [payments, my-namespace]\n') },
      errors: ['access/employees/bob.yaml:8:5'],
      messages: ['in my-namespace, payments on prod through ClusterRole edit'],
    },
  ],
});

test.run();
