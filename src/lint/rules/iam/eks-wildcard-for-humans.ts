import { iamGlob, isAllResources, isPlainAllow, serviceWildcard, statementRule, userLabel } from './util.js';

/**
 * EKS actions that change a cluster or who can use it. The access-entry and cluster-config ones are
 * an IAM-side path to cluster-admin (CreateAccessEntry + AssociateAccessPolicy on yourself).
 */
const EKS_WRITE_ACTIONS: readonly string[] = [
  'AssociateAccessPolicy',
  'AssociateEncryptionConfig',
  'AssociateIdentityProviderConfig',
  'CreateAccessEntry',
  'CreateAddon',
  'CreateCluster',
  'CreateEksAnywhereSubscription',
  'CreateFargateProfile',
  'CreateNodegroup',
  'CreatePodIdentityAssociation',
  'DeleteAccessEntry',
  'DeleteAddon',
  'DeleteCluster',
  'DeleteEksAnywhereSubscription',
  'DeleteFargateProfile',
  'DeleteNodegroup',
  'DeletePodIdentityAssociation',
  'DeregisterCluster',
  'DisassociateAccessPolicy',
  'DisassociateIdentityProviderConfig',
  'RegisterCluster',
  'StartInsightsRefresh',
  'TagResource',
  'UntagResource',
  'UpdateAccessEntry',
  'UpdateAddon',
  'UpdateClusterConfig',
  'UpdateClusterVersion',
  'UpdateEksAnywhereSubscription',
  'UpdateNodegroupConfig',
  'UpdateNodegroupVersion',
  'UpdatePodIdentityAssociation',
];

/** Prefixes of EKS actions that only read. */
const READ_ONLY = /^(describe|list|get|accesskubernetesapi)/i;

/** The EKS write actions an action pattern allows (`eks:Update*`, `eks:CreateAccessEntry`). */
function eksWrites(action: string): string[] {
  const m = /^eks:(.+)$/i.exec(action.trim());
  if (!m) return [];
  const name = m[1]!;
  if (!/[*?]/.test(name)) return READ_ONLY.test(name) ? [] : [name];
  return EKS_WRITE_ACTIONS.filter((w) => iamGlob(name, w));
}

/**
 * `eks:*` (or EKS write actions on every cluster) lets a person delete clusters, change their
 * endpoint and authentication mode, and give themselves cluster-admin through access entries,
 * whatever their Kubernetes grants say.
 */
export const eksWildcardForHumans = statementRule(
  {
    id: 'eks-wildcard-for-humans',
    code: 'IAM019',
    description: 'Disallow eks:* and EKS write actions on every cluster for people',
    severity: 'error',
    risk: 'high',
    category: 'iam',
  },
  (s, p, u) => {
    // `*` is star-star-allow's or action-wildcard's, NotAction/NotResource allow-notaction-notresource's.
    if (!isPlainAllow(s)) return undefined;
    const service = s.actions.filter((a) => serviceWildcard(a) === 'eks');
    const broad = s.resources.some(isAllResources);
    const writes = broad ? [...new Set(s.actions.filter((a) => serviceWildcard(a) !== 'eks').flatMap(eksWrites))] : [];
    if (service.length === 0 && writes.length === 0) return undefined;
    const access = service.length > 0 || writes.some((w) => /AccessEntry|AccessPolicy|UpdateClusterConfig/.test(w));
    const what = service.length > 0 ? `"${service[0]}" on ${s.resources.join(', ')}` : `EKS write actions (${writes.join(', ')}) on ${s.resources.join(', ')}`;
    return `${userLabel(u)}'s inline policy ${p.name} allows ${what}: the person can change or delete clusters${access ? ' and give themselves cluster-admin through access entries or the authentication mode' : ''}, whatever its Kubernetes grants say. Allow eks:DescribeCluster on the person's clusters and leave cluster changes to the platform pipeline`;
  },
);
