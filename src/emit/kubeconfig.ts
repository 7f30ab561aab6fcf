import { grantsOn, hasGrantOn } from '../model/resolve.js';
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import { clusterArn, partitionOf } from '../model/identity.js';
import type { AccessModel, Cluster, Employee } from '../model/types.js';
import { compareStrings } from '../text.js';

export interface KubeconfigObject {
  apiVersion: 'v1';
  kind: 'Config';
  clusters: { name: string; cluster: { server: string; 'certificate-authority-data': string } }[];
  contexts: { name: string; context: { cluster: string; user: string; namespace?: string } }[];
  'current-context': string;
  preferences: Record<string, never>;
  users: {
    name: string;
    user: { exec: { apiVersion: string; command: string; args: string[]; env: { name: string; value: string }[]; interactiveMode: string } };
  }[];
}

/**
 * The AWS CLI profile a cluster's kubeconfig user signs in with: the cluster's `awsProfile`, or
 * `eks-access-<accountId>`. Set per context as AWS_PROFILE, so one kubeconfig with clusters in several
 * accounts works without switching profiles by hand.
 */
function awsProfileOf(c: Cluster): string {
  return c.awsProfile ?? `eks-access-${c.accountId}`;
}

/** The namespace a person works in on `c`, when all their grants there name exactly one. */
function defaultNamespace(e: Employee, c: Cluster): string | undefined {
  const namespaces = new Set<string>();
  for (const g of grantsOn(e, c)) {
    if (g.kind === 'level' || g.kind === 'groups' || (g.kind === 'profile' && g.scope === 'cluster')) return undefined;
    if (g.kind === 'accessPolicy' && !g.namespaces) return undefined;
    const list = g.kind === 'profile' && g.scope === 'namespaces' ? g.namespaces : g.kind === 'rules' || g.kind === 'accessPolicy' ? g.namespaces : [];
    for (const ns of list ?? []) namespaces.add(ns);
  }
  return namespaces.size === 1 ? [...namespaces][0] : undefined;
}

/**
 * An employee's kubeconfig: one context per cluster they may use, authenticating with
 * `aws eks get-token` as `aws eks update-kubeconfig` writes it. Role identities sign the token with
 * the person's own role session (AWS SSO or a profile with their role_session_name), never with
 * `--role`: that would sign as the shared session `EKSGetTokenAuth` and no binding would match.
 * Clusters without endpoint and CA data are left out with a warning rather than written broken.
 */
export function emitKubeconfig(model: AccessModel, e: Employee): { config?: KubeconfigObject; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const clusters = [...model.clusters.values()].filter((c) => hasGrantOn(e, c)).sort((a, b) => compareStrings(a.name, b.name));
  const config: KubeconfigObject = { apiVersion: 'v1', kind: 'Config', clusters: [], contexts: [], 'current-context': '', preferences: {}, users: [] };
  for (const c of clusters) {
    if (c.endpoint === undefined || c.certificateAuthorityData === undefined) {
      diagnostics.push(
        diagnostic(
          c.at,
          `cluster "${c.name}" has no endpoint and certificateAuthorityData, so kubeconfigs leave it out; add them (aws eks describe-cluster --name ${c.name})`,
          'kubeconfig',
          'warning',
        ),
      );
      continue;
    }
    const arn = clusterArn(partitionOf(c.region), c.region, c.accountId, c.name);
    const namespace = defaultNamespace(e, c);
    config.clusters.push({ name: arn, cluster: { server: c.endpoint, 'certificate-authority-data': c.certificateAuthorityData } });
    config.contexts.push({ name: c.name, context: { cluster: arn, user: arn, ...(namespace !== undefined && { namespace }) } });
    config.users.push({
      name: arn,
      user: {
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1beta1',
          command: 'aws',
          args: ['--region', c.region, 'eks', 'get-token', '--cluster-name', c.name, '--output', 'json'],
          env: [{ name: 'AWS_PROFILE', value: awsProfileOf(c) }],
          interactiveMode: 'IfAvailable',
        },
      },
    });
  }
  if (config.contexts.length === 0) return { diagnostics };
  config['current-context'] = config.contexts[0]!.name;
  return { config, diagnostics };
}
