import type { Rule } from '../../types.js';
import { ephemeralContainers } from './ephemeral-containers.js';
import { fullWildcard } from './full-wildcard.js';
import { nodesProxy } from './nodes-proxy.js';
import { podsAttach } from './pods-attach.js';
import { podsExec } from './pods-exec.js';
import { podsPortforward } from './pods-portforward.js';
import { readSecrets } from './read-secrets.js';
import { wildcardApigroups } from './wildcard-apigroups.js';
import { wildcardResources } from './wildcard-resources.js';
import { wildcardVerbs } from './wildcard-verbs.js';
import { workloadWrite } from './workload-write.js';
import { writeSecrets } from './write-secrets.js';

/** Wildcards, secrets, workloads and pod access (RBAC001-RBAC012). */
export const RBAC_RULES_A: readonly Rule[] = [
  ephemeralContainers,
  fullWildcard,
  nodesProxy,
  podsAttach,
  podsExec,
  podsPortforward,
  readSecrets,
  wildcardApigroups,
  wildcardResources,
  wildcardVerbs,
  workloadWrite,
  writeSecrets,
];
