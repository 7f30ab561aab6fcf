import type { Rule } from '../../types.js';
import { builtinAdminEditBinding } from './builtin-admin-edit-binding.js';
import { clusterAdminBinding } from './cluster-admin-binding.js';
import { clusterScopeWhenNamespaceSuffices } from './cluster-scope-when-namespace-suffices.js';
import { danglingRoleref } from './dangling-roleref.js';
import { defaultServiceaccountBinding } from './default-serviceaccount-binding.js';
import { grantInKubeSystem } from './grant-in-kube-system.js';
import { subjectAllAuthenticated } from './subject-all-authenticated.js';
import { subjectAnonymous } from './subject-anonymous.js';
import { subjectSystemMasters } from './subject-system-masters.js';
import { unknownPlatformRole } from './unknown-platform-role.js';

export const BINDING_RULES: readonly Rule[] = [
  builtinAdminEditBinding,
  clusterAdminBinding,
  clusterScopeWhenNamespaceSuffices,
  danglingRoleref,
  defaultServiceaccountBinding,
  grantInKubeSystem,
  subjectAllAuthenticated,
  subjectAnonymous,
  subjectSystemMasters,
  unknownPlatformRole,
];
