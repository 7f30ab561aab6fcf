/**
 * What the peers' own test suites expect, as cases of ours. Each case is a small manifest written
 * for this suite after the scenario of one peer test (named in `peer`: repository, file and test),
 * linted with `lint --manifests`, and judged on the rule of ours that covers the peer's check:
 * `fail` means the peer reports it, and so must our rule; `pass` that neither does. Where
 * eks-access deliberately differs (`differs`), the case asserts what eks-access does, and the
 * rule's page must explain it in its "Peers" section.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lintManifests } from '../../src/lint/manifests.js';
import type { Finding } from '../../src/lint/types.js';
import { ROOT, scratch } from '../helpers/run.js';

type R = [apiGroups: string[], resources: string[], verbs: string[], resourceNames?: string[]];

const rulesYaml = (rules: R[]) =>
  rules
    .map(
      ([g, r, v, n]) =>
        `  - apiGroups: ${JSON.stringify(g)}\n    resources: ${JSON.stringify(r)}\n    verbs: ${JSON.stringify(v)}\n${n ? `    resourceNames: ${JSON.stringify(n)}\n` : ''}`,
    )
    .join('');
const clusterRole = (name: string, rules: R[]) =>
  `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: ${name}\nrules:\n${rulesYaml(rules)}`;
const role = (name: string, ns: string, rules: R[]) =>
  `apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nrules:\n${rulesYaml(rules)}`;
type S = [kind: 'User' | 'Group' | 'ServiceAccount', name: string];
const subjectsYaml = (subjects: S[]) =>
  subjects
    .map(([k, n]) => `  - kind: ${k}\n    name: ${n}\n${k === 'ServiceAccount' ? '    namespace: default\n' : '    apiGroup: rbac.authorization.k8s.io\n'}`)
    .join('');
const crb = (name: string, refKind: string, ref: string, subjects: S[] = [['User', 'jane']]) =>
  `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: ${name}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ${refKind}\n  name: ${ref}\nsubjects:\n${subjectsYaml(subjects)}`;
const rb = (name: string, ns: string, refKind: string, ref: string, subjects: S[] = [['User', 'jane']]) =>
  `apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ${refKind}\n  name: ${ref}\nsubjects:\n${subjectsYaml(subjects)}`;
const all = (...docs: string[]) => docs.join('---\n');

interface PeerCase {
  peer: string;
  manifest: string;
  /** Our rule that covers the peer's check. */
  rule: string;
  /** What the peer's test expects. */
  expect: 'fail' | 'pass';
  /** eks-access deliberately does the opposite: the page of `rule` explains it. */
  differs?: string;
  /** With `fail`: the severity our finding must have. */
  severity?: Finding['severity'];
}

const T = 'aquasecurity/trivy-checks checks/kubernetes/';
const P = 'FairwindsOps/polaris test/checks/';
const K = 'kyverno/policies other/';
const L = 'stackrox/kube-linter pkg/templates/';
const C = 'bridgecrewio/checkov tests/kubernetes/checks/';

const CASES: PeerCase[] = [
  // Trivy
  {
    peer: `${T}any_any_test.rego test_any_any_role`,
    manifest: role('r', 'default', [[['*'], ['*'], ['*']]]),
    rule: 'full-wildcard',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: `${T}any_any_test.rego test_any_any_role_not_api_group`,
    manifest: role('r', 'default', [[[''], ['*'], ['*']]]),
    rule: 'full-wildcard',
    expect: 'pass',
  },
  {
    peer: `${T}any_verb_test.rego test_any_verb_role_secrets`,
    manifest: role('r', 'default', [[[''], ['secrets'], ['*']]]),
    rule: 'wildcard-verbs',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: `${T}any_verb_test.rego test_any_verb_role_no_specific_resource`,
    manifest: role('r', 'default', [[[''], ['widgets'], ['*']]]),
    rule: 'wildcard-verbs',
    expect: 'pass',
    differs: 'any * in verbs is reported, on any resource',
  },
  {
    peer: `${T}allowing_create_role_binding_and_associate_privileged_clusterrole_test.rego test_allowing_create_role_binding_and_associate_clusterrole`,
    manifest: role('r', 'default', [
      [['rbac.authorization.k8s.io'], ['rolebindings'], ['create']],
      [['rbac.authorization.k8s.io'], ['clusterroles'], ['bind'], ['*']],
    ]),
    rule: 'bind-verb',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: `${T}allowing_create_role_binding_and_associate_privileged_clusterrole_test.rego (no resourceNames)`,
    manifest: role('r', 'default', [
      [['rbac.authorization.k8s.io'], ['rolebindings'], ['create']],
      [['rbac.authorization.k8s.io'], ['clusterroles'], ['bind']],
    ]),
    rule: 'bind-verb',
    expect: 'pass',
    differs: 'absent resourceNames means every role',
  },
  {
    peer: `${T}allowing_create_role_binding_and_associate_privileged_clusterrole_test.rego test_..._resource_not_role_binding`,
    manifest: role('r', 'default', [
      [['rbac.authorization.k8s.io'], ['rolebindings1'], ['create']],
      [['rbac.authorization.k8s.io'], ['clusterroles'], ['bind'], ['*']],
    ]),
    rule: 'bind-verb',
    expect: 'pass',
    differs: 'bind alone, limited by resourceNames, is reported at low risk',
  },
  {
    peer: `${T}allowing_create_role_clusterrolebinding_and_associate_privileged_clusterrole_test.rego`,
    manifest: clusterRole('r', [
      [['rbac.authorization.k8s.io'], ['clusterrolebindings'], ['create']],
      [['rbac.authorization.k8s.io'], ['clusterroles'], ['bind']],
    ]),
    rule: 'bind-verb',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: `${T}privilege_escalation_from_node_proxy_test.rego test_privilege_escalation_from_node_proxy_get (ClusterRole)`,
    manifest: clusterRole('r', [[[''], ['nodes/proxy'], ['get']]]),
    rule: 'nodes-proxy',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: `${T}privilege_escalation_from_node_proxy_test.rego test_privilege_escalation_from_node_proxy_create (Role)`,
    manifest: role('r', 'default', [[['*'], ['nodes/proxy'], ['create']]]),
    rule: 'nodes-proxy',
    expect: 'fail',
    differs: 'a Role cannot grant cluster-scoped resources',
  },
  {
    peer: `${T}privilege_escalation_from_node_proxy_test.rego (list, watch)`,
    manifest: clusterRole('r', [[[''], ['nodes/proxy'], ['list', 'watch']]]),
    rule: 'nodes-proxy',
    expect: 'pass',
  },
  {
    peer: `${T}exec_into_pods_test.rego test_exec_into_pods_create`,
    manifest: role('r', 'default', [[['*'], ['pods/exec'], ['create']]]),
    rule: 'pods-exec',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: `${T}exec_into_pods_test.rego test_exec_into_pods_wrong_verb`,
    manifest: role('r', 'default', [[['*'], ['pods/exec'], ['list']]]),
    rule: 'pods-exec',
    expect: 'pass',
  },
  {
    peer: `${T}manage_secrets_test.rego test_manage_secret_verb_get`,
    manifest: clusterRole('r', [[[''], ['secrets'], ['get']]]),
    rule: 'read-secrets',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: `${T}manage_secrets_test.rego test_manage_secret_verb_list`,
    manifest: clusterRole('r', [[[''], ['secrets'], ['list']]]),
    rule: 'read-secrets',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: `${T}manage_namespace_secrets_test.rego test_manage_secret_verb_watch`,
    manifest: role('r', 'default', [[[''], ['secrets'], ['watch']]]),
    rule: 'read-secrets',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: `${T}manage_secrets_test.rego test_manage_secret_verb_impersonate`,
    manifest: clusterRole('r', [[[''], ['secrets'], ['impersonate']]]),
    rule: 'impersonate',
    expect: 'fail',
    differs: 'impersonate on secrets authorizes nothing',
  },
  {
    peer: `${T}manage_secrets_test.rego test_manage_secret_verb_update`,
    manifest: clusterRole('r', [[[''], ['secrets'], ['update']]]),
    rule: 'write-secrets',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: `${T}manage_EKS_IAM_auth_configmap_test.rego test_manageEKSIAMAuthConfigmap_verb_update (kube-system)`,
    manifest: role('r', 'kube-system', [[['*'], ['configmaps'], ['update'], ['aws-auth']]]),
    rule: 'aws-auth-write',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: `${T}manage_EKS_IAM_auth_configmap_test.rego (unnamed, kube-system)`,
    manifest: role('r', 'kube-system', [[[''], ['configmaps'], ['patch']]]),
    rule: 'aws-auth-write',
    expect: 'pass',
    differs: 'absent resourceNames means every ConfigMap, aws-auth included',
  },
  {
    peer: `${T}manage_EKS_IAM_auth_configmap_test.rego test_manageEKSIAMAuthConfigmap_verb_update (default namespace)`,
    manifest: role('r', 'default', [[['*'], ['configmaps'], ['update'], ['aws-auth']]]),
    rule: 'aws-auth-write',
    expect: 'fail',
    differs: 'aws-auth lives in kube-system',
  },
  {
    peer: `${T}manage_webhookconfigurations_test.rego test_manageWebhookConfig_verb_create (ClusterRole)`,
    manifest: clusterRole('r', [[['admissionregistration.k8s.io'], ['validatingwebhookconfigurations'], ['create']]]),
    rule: 'admission-control-write',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: `${T}manage_webhookconfigurations_test.rego test_manageWebhookConfig_verb_create (Role)`,
    manifest: role('r', 'default', [[['*'], ['mutatingwebhookconfigurations'], ['create']]]),
    rule: 'admission-control-write',
    expect: 'fail',
    differs: 'a Role cannot grant cluster-scoped resources',
  },
  {
    peer: `${T}manage_K8s_RBAC_resources_test.rego test_manage_K8s_RBAC_resources_escalate`,
    manifest: role('r', 'default', [[['*'], ['roles'], ['escalate']]]),
    rule: 'escalate-verb',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: `${T}manage_K8s_RBAC_resources_test.rego test_manage_K8s_RBAC_resources_not_trigger_create`,
    manifest: role('r', 'default', [[['*'], ['roles'], ['create']]]),
    rule: 'escalate-verb',
    expect: 'pass',
  },
  {
    peer: `${T}manage_K8s_RBAC_resources_test.rego test_manage_K8s_RBAC_resources_not_trigger_create (severity)`,
    manifest: role('r', 'default', [[['*'], ['roles'], ['create']]]),
    rule: 'rbac-write',
    expect: 'pass',
    differs: 'writing roles is reported as a warning',
  },
  {
    peer: `${T}allowing_users_rolebinding_add_other_users_rolebindings_test.rego`,
    manifest: role('r', 'default', [[['*'], ['rolebindings'], ['get', 'patch']]]),
    rule: 'rbac-write',
    expect: 'fail',
    severity: 'warning',
  },
  {
    peer: `${T}delete_pod_logs_test.rego test_delete_podsLog_restricted_verb_delete`,
    manifest: role('r', 'default', [[['*'], ['pods/log'], ['delete']]]),
    rule: 'cover-tracks',
    expect: 'fail',
    severity: 'warning',
  },
  {
    peer: `${T}manage_configmaps_test.rego test_manageConfigmaps_verb_create`,
    manifest: role('r', 'default', [[['*'], ['configmaps'], ['create']]]),
    rule: 'configmaps-write',
    expect: 'fail',
    severity: 'warning',
  },
  {
    peer: `${T}manage_kubernetes_networking_test.rego test_manage_manage_kubernetes_networking_create`,
    manifest: role('r', 'default', [[['*'], ['services'], ['create']]]),
    rule: 'network-write',
    expect: 'fail',
    severity: 'warning',
  },
  {
    peer: `${T}allowing_to_update_a_malicious_pod_test.rego test_update_malicious_pod_deployment`,
    manifest: role('r', 'default', [[['*'], ['deployments'], ['update']]]),
    rule: 'workload-write',
    expect: 'fail',
    severity: 'warning',
  },
  {
    peer: `${T}anonymous_user_bind_test.rego test_anonymous_user_bind`,
    manifest: rb('b', 'default', 'Role', 'some-role', [['User', 'system:anonymous']]),
    rule: 'subject-anonymous',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: `${T}system_masters_group_bind_test.rego test_role_binding_with_system_masters_group_binding`,
    manifest: crb('b', 'ClusterRole', 'view', [['Group', 'system:masters']]),
    rule: 'subject-system-masters',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: `${T}system_masters_group_bind_test.rego test_role_binding_with_system_masters_group_binding_2`,
    manifest: rb('b', 'default', 'Role', 'some-role', [['Group', 'system:masters2']]),
    rule: 'subject-system-masters',
    expect: 'pass',
  },
  {
    peer: `${T}authenticate_group_bind_test.rego test_role_binding_with_system_authenticated_group_binding_non_gke`,
    manifest: rb('b', 'default', 'Role', 'some-role', [['Group', 'system:authenticated']]),
    rule: 'subject-all-authenticated',
    expect: 'pass',
    differs: 'on EKS as on GKE',
  },
  {
    peer: `${T}cluster_admin_role_is_only_used_where_required_test.rego test_cluster_role_admin_used_with_cluster_role_binding`,
    manifest: crb('b', 'ClusterRole', 'cluster-admin'),
    rule: 'cluster-admin-binding',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: `${T}cluster_admin_role_is_only_used_where_required_test.rego test_cluster_role_admin__used_with_non_system_role_binding`,
    manifest: rb('b', 'default', 'Role', 'cluster-admin'),
    rule: 'cluster-admin-binding',
    expect: 'fail',
    severity: 'warning',
  },
  {
    peer: `${K}restrict-binding-clusteradmin/.chainsaw-test/rb-bad.yaml (roleRef kind Role)`,
    manifest: rb('badrb02', 'foo', 'Role', 'cluster-admin', [['ServiceAccount', 'foo']]),
    rule: 'cluster-admin-binding',
    expect: 'fail',
    severity: 'warning',
  },
  {
    peer: `${T}cluster_admin_role_is_only_used_where_required_test.rego (edit through a ClusterRoleBinding)`,
    manifest: crb('b', 'ClusterRole', 'edit'),
    rule: 'builtin-admin-edit-binding',
    expect: 'fail',
    severity: 'warning',
  },
  // Polaris
  {
    peer: `${P}clusterrolePodExecAttach/failure.exec_explicit.yaml`,
    manifest: clusterRole('test', [[[''], ['pods/exec'], ['create']]]),
    rule: 'pods-exec',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: `${P}clusterrolePodExecAttach/failure.get_attach_using_apigroup_wildcard.yaml`,
    manifest: clusterRole('test', [[['*'], ['pods/attach'], ['get']]]),
    rule: 'pods-attach',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: `${P}clusterrolePodExecAttach/success.exec_wrong_verb.yaml`,
    manifest: clusterRole('test', [[[''], ['pods/exec'], ['list']]]),
    rule: 'pods-exec',
    expect: 'pass',
  },
  {
    peer: `${P}clusterrolePodExecAttach/success.allow_unrelated_perms.yaml`,
    manifest: clusterRole('test', [[[''], ['pods'], ['get', 'create']]]),
    rule: 'pods-exec',
    expect: 'pass',
  },
  {
    peer: `${P}clusterrolePodExecAttach/success.system_prefix.yaml`,
    manifest: clusterRole('system:test', [[[''], ['pods/exec'], ['create']]]),
    rule: 'pods-exec',
    expect: 'pass',
    differs: 'a system: name hides nothing',
  },
  {
    peer: `${P}clusterrolePodExecAttach/failure.all_wildcards.yaml`,
    manifest: clusterRole('test', [[['*'], ['*'], ['*']]]),
    rule: 'full-wildcard',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: `${P}rolePodExecAttach/failure.exec_explicit.yaml`,
    manifest: role('test', 'test', [[[''], ['pods/exec'], ['create']]]),
    rule: 'pods-exec',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: `${P}rolebindingRolePodExecAttach/failure.exec_explicit.yaml`,
    manifest: all(role('test', 'test', [[[''], ['pods/exec'], ['get']]]), rb('test', 'test', 'Role', 'test')),
    rule: 'pods-exec',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: `${P}rolebindingRolePodExecAttach/failure.binding_points_to_missing_ref.yaml`,
    manifest: rb('test', 'test', 'Role', 'missing'),
    rule: 'dangling-roleref',
    expect: 'fail',
    severity: 'warning',
  },
  {
    peer: `${P}clusterrolebindingClusterAdmin/failure.all_verbs.yaml`,
    manifest: all(clusterRole('test', [[['*'], ['*'], ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete']]]), crb('test', 'ClusterRole', 'test')),
    rule: 'full-wildcard',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: `${P}clusterrolebindingClusterAdmin/success.explicit_apigroups.yaml`,
    manifest: all(clusterRole('test', [[['apps'], ['*'], ['*']]]), crb('test', 'ClusterRole', 'test')),
    rule: 'full-wildcard',
    expect: 'pass',
  },
  {
    peer: `${P}clusterrolebindingClusterAdmin/success.explicit_verbs.yaml`,
    manifest: all(clusterRole('test', [[['*'], ['*'], ['get', 'list']]]), crb('test', 'ClusterRole', 'test')),
    rule: 'full-wildcard',
    expect: 'pass',
  },
  {
    peer: `${P}clusterrolebindingClusterAdmin/failure.default_clusteradmin_clusterrole.yaml`,
    manifest: crb('test', 'ClusterRole', 'cluster-admin'),
    rule: 'cluster-admin-binding',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: `${P}clusterrolebindingPodExecAttach/success.defaultclusterrolebinding_clusteradmin.yaml`,
    manifest: crb('cluster-admin', 'ClusterRole', 'cluster-admin', [['Group', 'system:masters']]),
    rule: 'cluster-admin-binding',
    expect: 'pass',
  },
  {
    peer: `${P}clusterrolebindingClusterAdmin/success.system_prefix_binding.yaml`,
    manifest: crb('system:test', 'ClusterRole', 'cluster-admin'),
    rule: 'cluster-admin-binding',
    expect: 'pass',
    differs: 'a system: name hides nothing',
  },
  {
    peer: `${P}rolebindingClusterAdminClusterRole/failure.default_clusteradmin_clusterrole.yaml`,
    manifest: rb('test', 'test', 'ClusterRole', 'cluster-admin'),
    rule: 'cluster-admin-binding',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: `${P}rolebindingRolePodExecAttach/failure.binding_to_system_prefix.yaml`,
    manifest: all(
      role('system:test', 'test', [[['*'], ['*'], ['*']]]),
      rb('test-binding-to-system-prefix-role', 'test', 'Role', 'system:test', [['User', 'testuser']]),
    ),
    rule: 'full-wildcard',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: `${P}rolebindingClusterAdminRole/failure.binding_to_system_prefix.yaml`,
    manifest: all(role('system:admin-like', 'test', [[['*'], ['*'], ['*']]]), rb('test', 'test', 'Role', 'system:admin-like', [['User', 'testuser']])),
    rule: 'full-wildcard',
    expect: 'fail',
    severity: 'error',
  },
  // Kyverno
  {
    peer: `${K}restrict-binding-clusteradmin/.chainsaw-test/crb-bad.yaml`,
    manifest: crb('badcrb01', 'ClusterRole', 'cluster-admin', [['User', 'chip']]),
    rule: 'cluster-admin-binding',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: `${K}restrict-binding-clusteradmin/.chainsaw-test/crb-good.yaml`,
    manifest: crb('goodcrb01', 'ClusterRole', 'view', [['User', 'chip']]),
    rule: 'cluster-admin-binding',
    expect: 'pass',
  },
  {
    peer: `${K}restrict-binding-system-groups/.chainsaw-test/rb-bad.yaml (unauthenticated)`,
    manifest: rb('badrb', 'default', 'ClusterRole', 'view', [['Group', 'system:unauthenticated']]),
    rule: 'subject-anonymous',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: `${K}restrict-binding-system-groups/.chainsaw-test/crb-bad.yaml (masters)`,
    manifest: crb('badcrb', 'ClusterRole', 'view', [['Group', 'system:masters']]),
    rule: 'subject-system-masters',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: `${K}restrict-binding-system-groups/.chainsaw-test/crb-good.yaml`,
    manifest: crb('goodcrb', 'ClusterRole', 'view', [['Group', 'devs']]),
    rule: 'subject-anonymous',
    expect: 'pass',
  },
  {
    peer: `${K}restrict-clusterrole-csr/.chainsaw-test/violating-clusterrole.yaml (certificates.k8s.io)`,
    manifest: clusterRole('r', [
      [['certificates.k8s.io'], ['certificatesigningrequests/approval'], ['update']],
      [['certificates.k8s.io'], ['signers'], ['approve']],
    ]),
    rule: 'csr-approve',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: `${K}restrict-clusterrole-csr/.chainsaw-test/violating-clusterrole.yaml (apiGroups "")`,
    manifest: clusterRole('r', [
      [[''], ['certificatesigningrequests/approval'], ['update', 'approve']],
      [[''], ['signers'], ['approve']],
    ]),
    rule: 'csr-approve',
    expect: 'fail',
    differs: 'apiGroups count',
  },
  {
    peer: `${K}restrict-clusterrole-csr/.chainsaw-test/non-violating-clusterrole.yaml`,
    manifest: clusterRole('r', [[['certificates.k8s.io'], ['certificatesigningrequests'], ['get', 'list']]]),
    rule: 'csr-approve',
    expect: 'pass',
  },
  {
    peer: `${K}restrict-clusterrole-mutating-validating-admission-webhooks/.chainsaw-test/violating-clusterrole.yaml`,
    manifest: clusterRole('r', [[['admissionregistration.k8s.io'], ['mutatingwebhookconfigurations'], ['update']]]),
    rule: 'admission-control-write',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: `${K}restrict-clusterrole-mutating-validating-admission-webhooks/.chainsaw-test/non-violating-clusterrole.yaml`,
    manifest: clusterRole('r', [[['admissionregistration.k8s.io'], ['validatingwebhookconfigurations'], ['get', 'list']]]),
    rule: 'admission-control-write',
    expect: 'pass',
  },
  {
    peer: `${K}restrict-clusterrole-nodesproxy/.chainsaw-test/cr-bad.yaml`,
    manifest: clusterRole('r', [[[''], ['nodes/proxy'], ['get']]]),
    rule: 'nodes-proxy',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: `${K}restrict-clusterrole-nodesproxy/.chainsaw-test/cr-good.yaml`,
    manifest: clusterRole('r', [[[''], ['nodes'], ['get']]]),
    rule: 'nodes-proxy',
    expect: 'pass',
  },
  {
    peer: `${K}restrict-escalation-verbs-roles/.chainsaw-test/cr-bad.yaml (bind)`,
    manifest: clusterRole('r', [[['rbac.authorization.k8s.io'], ['clusterroles'], ['bind']]]),
    rule: 'bind-verb',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: `${K}restrict-escalation-verbs-roles/.chainsaw-test/role-bad.yaml (escalate)`,
    manifest: role('r', 'default', [[['rbac.authorization.k8s.io'], ['roles'], ['escalate']]]),
    rule: 'escalate-verb',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: `${K}restrict-escalation-verbs-roles/.chainsaw-test/cr-bad.yaml (impersonate on roles)`,
    manifest: clusterRole('r', [[['rbac.authorization.k8s.io'], ['roles'], ['impersonate']]]),
    rule: 'impersonate',
    expect: 'fail',
    differs: 'impersonate on roles authorizes nothing',
  },
  {
    peer: `${K}restrict-escalation-verbs-roles/.chainsaw-test/cr-good.yaml`,
    manifest: clusterRole('r', [[['rbac.authorization.k8s.io'], ['clusterroles'], ['update', 'watch', 'list']]]),
    rule: 'escalate-verb',
    expect: 'pass',
  },
  {
    peer: `${K}restrict-wildcard-verbs/.chainsaw-test/cr-bad.yaml`,
    manifest: clusterRole('r', [[[''], ['pods'], ['*']]]),
    rule: 'wildcard-verbs',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: `${K}restrict-wildcard-verbs/.chainsaw-test/cr-good.yaml`,
    manifest: clusterRole('r', [[[''], ['pods'], ['get', 'watch', 'list']]]),
    rule: 'wildcard-verbs',
    expect: 'pass',
  },
  {
    peer: `${K}restrict-wildcard-resources/.chainsaw-test/role-bad.yaml`,
    manifest: role('r', 'default', [[[''], ['*'], ['get']]]),
    rule: 'wildcard-resources',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: `${K}restrict-wildcard-resources/.chainsaw-test/role-good.yaml`,
    manifest: role('r', 'default', [[[''], ['pods'], ['get']]]),
    rule: 'wildcard-resources',
    expect: 'pass',
  },
  {
    peer: `${K}restrict-secret-role-verbs/.chainsaw-test/cr-bad.yaml`,
    manifest: clusterRole('r', [[[''], ['secrets'], ['list']]]),
    rule: 'read-secrets',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: `${K}restrict-secret-role-verbs/.chainsaw-test/cr-good.yaml (create only)`,
    manifest: clusterRole('r', [[[''], ['secrets'], ['create', 'update', 'patch']]]),
    rule: 'read-secrets',
    expect: 'pass',
  },
  // kube-linter
  {
    peer: `${L}accesstoresources/template_test.go TestRoleWithAccessToSecrets`,
    manifest: all(role('role1', 'default', [[[''], ['secrets'], ['get']]]), rb('rb1', 'default', 'Role', 'role1', [['ServiceAccount', 'account1']])),
    rule: 'read-secrets',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: `${L}accesstoresources/template_test.go TestClusterRoleWithAggregationRule`,
    manifest: all(
      `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: agg\naggregationRule:\n  clusterRoleSelectors:\n    - matchLabels:\n        team: a\nrules: []\n`,
      `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: part\n  labels:\n    team: a\nrules:\n${rulesYaml([[[''], ['secrets'], ['get']]])}`,
      crb('crb1', 'ClusterRole', 'agg', [['ServiceAccount', 'account1']]),
    ),
    rule: 'read-secrets',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: `${L}accesstoresources/template_test.go TestRoleWithNoAccessToSecrets`,
    manifest: all(role('role1', 'default', [[[''], ['pods'], ['get']]]), rb('rb1', 'default', 'Role', 'role1', [['ServiceAccount', 'account1']])),
    rule: 'read-secrets',
    expect: 'pass',
  },
  {
    peer: `${L}accesstoresources/template_test.go (deployments in the core group)`,
    manifest: role('role1', 'default', [[[''], ['deployments'], ['create']]]),
    rule: 'workload-write',
    expect: 'fail',
    differs: 'apiGroups count',
  },
  {
    peer: `${L}clusteradminrolebinding/template_test.go`,
    manifest: crb('crb', 'ClusterRole', 'cluster-admin', [['ServiceAccount', 'sa']]),
    rule: 'cluster-admin-binding',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: `${L}wildcardinrules/template_test.go (resources *)`,
    manifest: clusterRole('r', [[['apps'], ['*'], ['get']]]),
    rule: 'wildcard-resources',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: 'stackrox/kube-linter tests/checks/access-to-create-pods.yml (role1)',
    manifest: all(
      role('role1', 'namespace-dev', [[[''], ['pods'], ['create']]]),
      rb('role-binding1', 'namespace-dev', 'Role', 'role1', [['ServiceAccount', 'account1']]),
    ),
    rule: 'workload-write',
    expect: 'fail',
    severity: 'warning',
  },
  {
    peer: 'stackrox/kube-linter tests/checks/access-to-create-pods.yml (dont-fire)',
    manifest: role('dont-fire', 'namespace-dev', [[[''], ['pods'], ['get']]]),
    rule: 'workload-write',
    expect: 'pass',
  },
  {
    peer: 'stackrox/kube-linter tests/checks/access-to-secrets.yml',
    manifest: all(
      role('role1', 'namespace-dev', [[[''], ['secrets'], ['get']]]),
      rb('role-binding1', 'namespace-dev', 'Role', 'role1', [['ServiceAccount', 'account1']]),
    ),
    rule: 'read-secrets',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: 'stackrox/kube-linter tests/checks/cluster-admin-role-binding.yml',
    manifest: crb('cluster-admin-binding', 'ClusterRole', 'cluster-admin', [['ServiceAccount', 'account1']]),
    rule: 'cluster-admin-binding',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: 'stackrox/kube-linter tests/checks/wildcard-in-rules.yml (secrets *)',
    manifest: role('role1', 'namespace-dev', [[[''], ['secrets'], ['*']]]),
    rule: 'wildcard-verbs',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: 'stackrox/kube-linter tests/checks/wildcard-in-rules.yml (pods get)',
    manifest: role('role1', 'namespace-dev', [[[''], ['pods'], ['get']]]),
    rule: 'wildcard-verbs',
    expect: 'pass',
  },
  {
    peer: `${L}accesstoresources/template_test.go TestNoRestrictions (a role no binding uses)`,
    manifest: role('role1', 'default', [[[''], ['secrets'], ['get']]]),
    rule: 'read-secrets',
    expect: 'pass',
    differs: 'roles no binding uses are judged as if bound',
  },
  // Checkov
  {
    peer: `${C}example_WildcardRoles/wildcard-second-rule (CKV_K8S_49 reads rules[0] only)`,
    manifest: role('r', 'default', [
      [[''], ['pods'], ['get']],
      [[''], ['configmaps'], ['*']],
    ]),
    rule: 'wildcard-verbs',
    expect: 'pass',
    differs: 'every rule is read',
  },
  {
    peer: `${C}example_RbacApproveCertificateSigningRequests (CKV_K8S_156)`,
    manifest: clusterRole('r', [
      [['certificates.k8s.io'], ['certificatesigningrequests/approval'], ['patch']],
      [['certificates.k8s.io'], ['signers'], ['approve']],
    ]),
    rule: 'csr-approve',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: `${C}example_RbacBindRoleBindings (CKV_K8S_157, bind on rolebindings)`,
    manifest: role('r', 'default', [[['rbac.authorization.k8s.io'], ['rolebindings'], ['bind']]]),
    rule: 'bind-verb',
    expect: 'fail',
    differs: 'bind is checked on roles',
  },
  {
    peer: `${C}example_RbacEscalateRoles (CKV_K8S_158)`,
    manifest: clusterRole('r', [[['rbac.authorization.k8s.io'], ['clusterroles'], ['escalate']]]),
    rule: 'escalate-verb',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: `${C}example_RbacControlWebhooks (CKV_K8S_155)`,
    manifest: clusterRole('r', [[['admissionregistration.k8s.io'], ['mutatingwebhookconfigurations'], ['create']]]),
    rule: 'admission-control-write',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: `${C}example_ImpersonatePermissions (CKV2_K8S_3, users)`,
    manifest: clusterRole('r', [[[''], ['users'], ['impersonate']]]),
    rule: 'impersonate',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: `${C}example_ImpersonatePermissions (userextras/* alone)`,
    manifest: clusterRole('r', [[['authentication.k8s.io'], ['userextras/scopes'], ['impersonate']]]),
    rule: 'impersonate',
    expect: 'fail',
    severity: 'info',
  },
  {
    peer: `${C}example_DefaultServiceAccountBinding (CKV_K8S_42)`,
    manifest: rb('b', 'default', 'ClusterRole', 'view', [['ServiceAccount', 'default']]),
    rule: 'default-serviceaccount-binding',
    expect: 'fail',
    severity: 'warning',
  },
  // Kubescape regolibrary
  {
    peer: 'kubescape/regolibrary rules/rule-can-list-get-secrets-v1/test/clusterrole-clusterrolebinding',
    manifest: all(
      clusterRole('test', [[[''], ['pods', 'secrets'], ['get']]]),
      crb('read-secrets-global', 'ClusterRole', 'test', [
        ['Group', 'manager'],
        ['Group', 'dev'],
      ]),
    ),
    rule: 'read-secrets',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: 'kubescape/regolibrary rules/exec-into-container-v1/test/clusterrole (pods/*)',
    manifest: all(
      clusterRole('secret-reader', [[[''], ['pods/*'], ['create', 'list']]]),
      rb('read-secrets', 'default', 'ClusterRole', 'secret-reader', [['User', 'dave']]),
    ),
    rule: 'pods-exec',
    expect: 'fail',
    differs: 'pods/* is no wildcard in Kubernetes',
  },
  {
    peer: 'kubescape/regolibrary rules/rule-can-create-pv/test/clusterrole-rolebinding',
    manifest: all(clusterRole('pv', [[[''], ['persistentvolumes'], ['create']]]), rb('pv', 'kube-system', 'ClusterRole', 'pv', [['User', 'dave']])),
    rule: 'create-persistentvolumes',
    expect: 'fail',
    differs: 'a RoleBinding cannot grant cluster-scoped resources',
  },
  {
    peer: 'kubescape/regolibrary rules/rule-can-create-pv/test/clusterrole-clusterrolebinding',
    manifest: all(clusterRole('pv', [[[''], ['persistentvolumes'], ['create']]]), crb('pv', 'ClusterRole', 'pv', [['User', 'dave']])),
    rule: 'create-persistentvolumes',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: 'kubescape/regolibrary rules/rule-can-create-service-account-token/test/role-rolebinding',
    manifest: all(role('t', 'default', [[[''], ['serviceaccounts/token'], ['create']]]), rb('t', 'default', 'Role', 't', [['User', 'dave']])),
    rule: 'token-request',
    expect: 'fail',
  },
  {
    peer: 'kubescape/regolibrary rules/rule-can-update-configmap-v1/test/role-rolebinding',
    manifest: all(role('cm', 'kube-system', [[[''], ['configmaps'], ['update']]]), rb('cm', 'kube-system', 'Role', 'cm', [['User', 'dave']])),
    rule: 'aws-auth-write',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: 'kubescape/regolibrary rules/cluster-admin-role/test/clusterrole-clusterrolebinding',
    manifest: crb('admin', 'ClusterRole', 'cluster-admin', [['Group', 'dev']]),
    rule: 'cluster-admin-binding',
    expect: 'fail',
    severity: 'error',
  },
  // Known gaps closed in eks-access (issue 12)
  {
    peer: `${P}clusterrolebindingPodExecAttach/success.system_prefix_binding.yaml (a User in a system: binding)`,
    manifest: all(clusterRole('system:sneaky', [[[''], ['secrets'], ['get']]]), crb('system:sneaky', 'ClusterRole', 'system:sneaky')),
    rule: 'read-secrets',
    expect: 'pass',
    differs: 'a system: name hides nothing',
  },
  {
    peer: `${T}any_any_test.rego (a ClusterRoleBinding to a Role)`,
    manifest: crb('b', 'Role', 'r'),
    rule: 'dangling-roleref',
    expect: 'fail',
    severity: 'error',
  },
  // A full wildcard someone wrote is judged by every rule, as the peers' checks are.
  {
    peer: 'kubescape/regolibrary rules/exec-into-container-v1/test/role',
    manifest: all(role('r', 'default', [[['*'], ['*'], ['*']]]), rb('r', 'default', 'Role', 'r')),
    rule: 'pods-exec',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: 'kubescape/regolibrary rules/rule-can-delete-k8s-events-v1/test/role-rolebinding',
    manifest: all(role('r', 'default', [[['*'], ['*'], ['*']]]), rb('r', 'default', 'Role', 'r')),
    rule: 'cover-tracks',
    expect: 'fail',
    severity: 'warning',
  },
  {
    peer: `${K}restrict-escalation-verbs-roles/.kyverno-test/resource.yaml badclusterrole02`,
    manifest: clusterRole('badclusterrole02', [[['*'], ['*'], ['*']]]),
    rule: 'escalate-verb',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: `${T}any_resource_test.rego test_resource_verb_role_no_any_verb`,
    manifest: role('r', 'default', [[['*'], ['*'], ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete']]]),
    rule: 'wildcard-resources',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: 'FairwindsOps/polaris test/checks/clusterrolePodExecAttach/success.defaultclusterrole_clusteradmin.yaml (cluster-admin the platform ships)',
    manifest: crb('admins', 'ClusterRole', 'cluster-admin'),
    rule: 'pods-exec',
    expect: 'pass',
  },
  // A ClusterRole under a default's name whose rules the default already has is that default: the API server puts the rest back.
  {
    peer: `${P}clusterrolePodExecAttach/success.defaultclusterrole_clusteradmin.yaml`,
    manifest: clusterRole('cluster-admin', [[[''], ['pods/exec'], ['create']]]),
    rule: 'pods-exec',
    expect: 'pass',
  },
  {
    peer: `${P}clusterrolePodExecAttach/success.defaultclusterrole_admin.yaml (no aggregationRule)`,
    manifest: clusterRole('admin', [[[''], ['pods/attach'], ['create']]]),
    rule: 'pods-attach',
    expect: 'pass',
  },
  {
    peer: `${P}clusterrolePodExecAttach/success.defaultclusterrole_admin.yaml (a rule admin lacks)`,
    manifest: clusterRole('admin', [[[''], ['nodes/proxy'], ['get']]]),
    rule: 'nodes-proxy',
    expect: 'fail',
    severity: 'error',
  },
  // Impersonating a namespace's service accounts is a Role's to grant.
  {
    peer: 'bridgecrewio/checkov tests/kubernetes/checks/graph_checks ImpersonatePermissions sa-escalate',
    manifest: all(
      role('risky-impersonate-role', 'default', [[['*'], ['groups', 'users', '*'], ['impersonate']]]),
      rb('sa-escalate', 'default', 'Role', 'risky-impersonate-role', [['ServiceAccount', 'escalating-sa']]),
    ),
    rule: 'impersonate',
    expect: 'fail',
    severity: 'error',
  },
  {
    peer: `${C}example_ReadAllSecrets (a Role reading one named Secret)`,
    manifest: all(
      role('my-role', 'my-namespace', [[[''], ['secrets'], ['get'], ['my-secret-resource']]]),
      rb('my-role-binding', 'my-namespace', 'Role', 'my-role', [['ServiceAccount', 'my-service-account']]),
    ),
    rule: 'read-secrets',
    expect: 'pass',
    differs: 'named Secrets of one namespace are reported at low risk (info)',
  },
  {
    peer: `${C}example_DefaultServiceAccountBinding (CKV_K8S_42, a ClusterRoleBinding)`,
    manifest: crb('destroy-k8s', 'ClusterRole', 'view', [['ServiceAccount', 'default']]),
    rule: 'default-serviceaccount-binding',
    expect: 'fail',
    severity: 'warning',
  },
  {
    peer: `${T}manage_EKS_IAM_auth_configmap_test.rego test_manageEKSIAMAuthConfigmap_verb_create (kube-system)`,
    manifest: role('r', 'kube-system', [[[''], ['configmaps'], ['create']]]),
    rule: 'aws-auth-write',
    expect: 'fail',
    severity: 'error',
  },
];

async function findingsOf(manifest: string): Promise<Finding[]> {
  const s = scratch({ 'm/case.yaml': manifest });
  const previous = process.cwd();
  process.chdir(s.dir);
  try {
    const r = await lintManifests(['m'], { today: '2026-11-28' });
    assert.equal(
      r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
      [],
      'the case itself is invalid',
    );
    return r.findings;
  } finally {
    process.chdir(previous);
    s.cleanup();
  }
}

const pages = new Map<string, string>();
const page = (rule: string) => {
  let text = pages.get(rule);
  if (text === undefined) {
    text = readFileSync(join(ROOT, 'docs', 'rules', `${rule}.md`), 'utf8');
    pages.set(rule, text);
  }
  return text;
};

for (const c of CASES) {
  test(`${c.rule} ${c.expect}${c.differs ? ' (differs)' : ''}: ${c.peer}`, async () => {
    const mine = (await findingsOf(c.manifest)).filter((f) => f.ruleId === c.rule);
    const reports = c.differs ? c.expect === 'pass' : c.expect === 'fail';
    assert.is(mine.length > 0, reports, mine.map((f) => `${f.severity} ${f.message}`).join('\n') || 'no finding');
    if (reports && c.severity)
      assert.ok(
        mine.some((f) => f.severity === c.severity),
        mine.map((f) => `${f.severity} ${f.message}`).join('\n'),
      );
    if (c.differs) assert.ok(/## Peers/.test(page(c.rule)), `docs/rules/${c.rule}.md has no Peers section explaining: ${c.differs}`);
  });
}

test('most peer cases agree with their peer; the sample leans on the differences, each explained on its rule page', () => {
  const agree = CASES.filter((c) => !c.differs).length;
  assert.ok(CASES.length >= 80 && agree / CASES.length >= 0.75, `${agree} of ${CASES.length}`);
});

test.run();
