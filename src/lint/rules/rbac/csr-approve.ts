import { reportGroup, via, who } from '../../analysis.js';
import type { Rule } from '../../types.js';
import { pairedGroups, pairWhere, partnersElsewhere, type Pair, type Target } from './util.js';

const GROUP = 'certificates.k8s.io';
const APPROVE_SIGNERS: Target = { verbs: ['approve'], group: GROUP, resource: 'signers', clusterScoped: true };
const UPDATE_APPROVAL: Target = {
  verbs: ['update', 'patch'],
  group: GROUP,
  resource: 'certificatesigningrequests',
  subresource: 'approval',
  clusterScoped: true,
};
const PAIRS: readonly Pair[] = [{ first: APPROVE_SIGNERS, second: [UPDATE_APPROVAL] }];

/** Signers whose certificates the API server or kubelets trust: client certificates for any user or group. */
function trustedSigner(name: string): boolean {
  return name.startsWith('kubernetes.io/') || name === '*';
}

/**
 * Approving a CertificateSigningRequest needs both update on certificatesigningrequests/approval
 * and approve on the signer. With kubernetes.io/kube-apiserver-client the certificate names any
 * user and group, system:masters included, and cannot be revoked before it expires.
 */
export const csrApprove: Rule = {
  meta: {
    id: 'csr-approve',
    code: 'RBAC018',
    description: 'Disallow approving certificate signing requests (approval update with approve on signers)',
    severity: 'error',
    risk: 'critical',
    category: 'rbac',
  },
  check(input, report, context) {
    for (const r of pairedGroups(context, PAIRS)) {
      if (r.scopes.length === 0) continue;
      const g = r.group;
      const names = g.grants.flatMap((x) => x.rule.resourceNames ?? []);
      const limited = g.grants.every((x) => (x.rule.resourceNames ?? []).length > 0) && !names.some(trustedSigner);
      const signers = limited ? `the signers ${[...new Set(names)].sort().join(', ')}` : 'any signer (kubernetes.io/kube-apiserver-client included)';
      reportGroup(
        report,
        g,
        `${who(g)} can approve certificate signing requests for ${signers} ${pairWhere(r)} ${via(g.grants)}${partnersElsewhere(r)}: an approved client certificate can name any user and group, system:masters included, and cannot be revoked. Leave approval to the kube-controller-manager and the cluster's own approvers`,
        limited ? 'medium' : 'critical',
      );
    }
  },
};
