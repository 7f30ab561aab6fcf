import type { Rule } from '../../types.js';
import { admissionControlWrite } from './admission-control-write.js';
import { aggregationLabel } from './aggregation-label.js';
import { awsAuthWrite } from './aws-auth-write.js';
import { bindVerb } from './bind-verb.js';
import { broadDelete } from './broad-delete.js';
import { configmapsWrite } from './configmaps-write.js';
import { coverTracks } from './cover-tracks.js';
import { crdWrite } from './crd-write.js';
import { createPersistentvolumes } from './create-persistentvolumes.js';
import { csrApprove } from './csr-approve.js';
import { ephemeralContainers } from './ephemeral-containers.js';
import { escalateVerb } from './escalate-verb.js';
import { fullWildcard } from './full-wildcard.js';
import { impersonate } from './impersonate.js';
import { namespaceWrite } from './namespace-write.js';
import { networkWrite } from './network-write.js';
import { nodesProxy } from './nodes-proxy.js';
import { nonresourceWildcard } from './nonresource-wildcard.js';
import { podNodeStatus } from './pod-node-status.js';
import { podsAttach } from './pods-attach.js';
import { podsExec } from './pods-exec.js';
import { podsPortforward } from './pods-portforward.js';
import { policyEngineAdmin } from './policy-engine-admin.js';
import { rbacWrite } from './rbac-write.js';
import { readSecrets } from './read-secrets.js';
import { servicesStatus } from './services-status.js';
import { stealPods } from './steal-pods.js';
import { tokenRequest } from './token-request.js';
import { wildcardApigroups } from './wildcard-apigroups.js';
import { wildcardResources } from './wildcard-resources.js';
import { wildcardVerbs } from './wildcard-verbs.js';
import { workloadWrite } from './workload-write.js';
import { writeSecrets } from './write-secrets.js';

/** Every RBAC rule (RBAC001-RBAC033): wildcards, Secrets, workloads, pod access, escalation, the cluster's control planes. */
export const RBAC_RULES: readonly Rule[] = [
  admissionControlWrite,
  aggregationLabel,
  awsAuthWrite,
  bindVerb,
  broadDelete,
  configmapsWrite,
  coverTracks,
  crdWrite,
  createPersistentvolumes,
  csrApprove,
  ephemeralContainers,
  escalateVerb,
  fullWildcard,
  impersonate,
  namespaceWrite,
  networkWrite,
  nodesProxy,
  nonresourceWildcard,
  podNodeStatus,
  podsAttach,
  podsExec,
  podsPortforward,
  policyEngineAdmin,
  rbacWrite,
  readSecrets,
  servicesStatus,
  stealPods,
  tokenRequest,
  wildcardApigroups,
  wildcardResources,
  wildcardVerbs,
  workloadWrite,
  writeSecrets,
];
