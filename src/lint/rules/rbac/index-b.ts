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
import { escalateVerb } from './escalate-verb.js';
import { impersonate } from './impersonate.js';
import { namespaceWrite } from './namespace-write.js';
import { networkWrite } from './network-write.js';
import { nonresourceWildcard } from './nonresource-wildcard.js';
import { podNodeStatus } from './pod-node-status.js';
import { policyEngineAdmin } from './policy-engine-admin.js';
import { rbacWrite } from './rbac-write.js';
import { servicesStatus } from './services-status.js';
import { stealPods } from './steal-pods.js';
import { tokenRequest } from './token-request.js';

/** Escalation, cluster control planes and the rest (RBAC013-RBAC033). */
export const RBAC_RULES_B: readonly Rule[] = [
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
  escalateVerb,
  impersonate,
  namespaceWrite,
  networkWrite,
  nonresourceWildcard,
  podNodeStatus,
  policyEngineAdmin,
  rbacWrite,
  servicesStatus,
  stealPods,
  tokenRequest,
];
