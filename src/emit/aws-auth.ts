import type { V1ConfigMap } from '@kubernetes/client-node';
import { identityMappings } from '../model/resolve.js';
import type { AccessModel, Cluster } from '../model/types.js';
import { parseDocument } from 'yaml';
import { yamlText } from './serialize.js';
import { ANNOTATION, MANAGED_BY } from './common.js';

/** A list as the block string aws-auth holds, written the way the authenticator reads it back. */
function mapText(entries: readonly object[]): string {
  const text = entries.length === 0 ? '[]\n' : yamlText(entries);
  assertReadsBack(text, entries);
  return text;
}

/**
 * The authenticator (go-yaml, YAML 1.1) must read the text back as exactly these entries, strings
 * and lists of strings: one it read differently would drop the mappings, node groups included
 * (a lockout), so such an aws-auth is never written.
 */
function assertReadsBack(text: string, entries: readonly object[]): void {
  for (const version of ['1.1', '1.2'] as const) {
    const doc = parseDocument(text, { version });
    const back: unknown = doc.errors.length === 0 ? doc.toJS() : undefined;
    if (JSON.stringify(back) !== JSON.stringify(entries)) {
      throw new Error(`internal error: the aws-auth mappings would not read back as written (YAML ${version}); nothing was written`);
    }
  }
}

/**
 * The whole kube-system/aws-auth ConfigMap of a cluster: its preserved entries first, verbatim and in
 * their order, then the people. Argo CD must never prune it: without it no node can join.
 */
export function emitAwsAuth(model: AccessModel, c: Cluster): V1ConfigMap {
  const { roles, users } = identityMappings(model, c);
  const preservedRoles = c.awsAuth.mapRoles.map((m) => ({ rolearn: m.rolearn, username: m.username, ...(m.groups && { groups: [...m.groups] }) }));
  const preservedUsers = c.awsAuth.mapUsers.map((m) => ({ userarn: m.userarn, username: m.username, ...(m.groups && { groups: [...m.groups] }) }));
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'aws-auth',
      namespace: 'kube-system',
      labels: { ...MANAGED_BY },
      annotations: {
        [ANNOTATION.source]: c.file,
        'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false',
        'kustomize.toolkit.fluxcd.io/prune': 'disabled',
      },
    },
    data: {
      mapRoles: mapText([...preservedRoles, ...roles]),
      mapUsers: mapText([...preservedUsers, ...users]),
    },
  };
}
