import { test } from 'uvu';
import { HEADER } from '../../helpers/run.js';
import { ruleTests } from '../../helpers/rule-tester.js';

/** bob, an IAM user; his grants start on line 8. */
const employee = (body: string) => `${HEADER}kind: Employee\nname: bob\nemail: bob@example.com\nidentity:\n  iamUser: bob\naccess:\n${body}`;
const policy = (name: string, extra = '', cluster = 'cluster: api') => employee(`  - ${cluster}\n    accessPolicy: ${name}\n${extra}`);

/** A second access-entries cluster, for grants that name several clusters. */
const API2 = {
  'access/clusters/api2.yaml': `${HEADER}kind: Cluster
name: api2
accountId: "444455556666"
region: us-east-1
authentication: access-entries
namespaces: [data]
`,
};

ruleTests('cluster-admin-access-policy', {
  valid: [
    { name: 'namespaced', access: { 'access/employees/bob.yaml': policy('AmazonEKSClusterAdminPolicy', '    namespaces: [data]\n') } },
    { name: 'the admin policy in a namespace', access: { 'access/employees/bob.yaml': policy('AmazonEKSAdminPolicy', '    namespaces: [data]\n') } },
    { name: 'view at cluster scope', access: { 'access/employees/bob.yaml': policy('AmazonEKSViewPolicy') } },
  ],
  invalid: [
    {
      name: 'cluster scope',
      access: { 'access/employees/bob.yaml': policy('AmazonEKSClusterAdminPolicy') },
      errors: ['access/employees/bob.yaml:8:5'],
      messages: ['employee bob gets AmazonEKSClusterAdminPolicy at cluster scope on api'],
    },
    {
      name: 'one grant on two clusters is one finding',
      access: { ...API2, 'access/employees/bob.yaml': policy('AmazonEKSClusterAdminPolicy', '', 'clusters: [api, api2]') },
      errors: ['access/employees/bob.yaml:8:5'],
      messages: ['on api, api2'],
    },
  ],
});

ruleTests('admin-policy-cluster-scope', {
  valid: [
    { name: 'admin in a namespace', access: { 'access/employees/bob.yaml': policy('AmazonEKSAdminPolicy', '    namespaces: [data]\n') } },
    { name: 'edit in a namespace', access: { 'access/employees/bob.yaml': policy('AmazonEKSEditPolicy', '    namespaces: [data]\n') } },
    { name: "cluster admin is cluster-admin-access-policy's finding", access: { 'access/employees/bob.yaml': policy('AmazonEKSClusterAdminPolicy') } },
  ],
  invalid: [
    {
      name: 'admin at cluster scope',
      access: { 'access/employees/bob.yaml': policy('AmazonEKSAdminPolicy') },
      errors: ['access/employees/bob.yaml:8:5'],
      messages: ['the admin role'],
    },
    {
      name: 'edit at cluster scope',
      access: { 'access/employees/bob.yaml': policy('AmazonEKSEditPolicy') },
      errors: ['access/employees/bob.yaml:8:5'],
      messages: ['Add namespaces'],
    },
  ],
});

ruleTests('service-access-policy-on-person', {
  valid: [
    { name: 'a person policy', access: { 'access/employees/bob.yaml': policy('AmazonEKSViewPolicy', '    namespaces: [data]\n') } },
    { name: 'admin view', access: { 'access/employees/bob.yaml': policy('AmazonEKSAdminViewPolicy') } },
  ],
  invalid: [
    {
      name: 'the Auto Mode node policy',
      access: { 'access/employees/bob.yaml': policy('AmazonEKSAutoNodePolicy') },
      errors: ['access/employees/bob.yaml:8:5'],
      messages: ['employee bob gets the access policy AmazonEKSAutoNodePolicy on api, which is not one of the policies meant for people'],
    },
  ],
});

test.run();
