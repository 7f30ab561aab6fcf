import { via, where, who } from '../../analysis.js';
import { listWords, resourceAccessRule, WRITE_VERBS } from './util.js';

const GROUP = 'admissionregistration.k8s.io';

/**
 * Admission webhooks and policies see, and can rewrite or block, every object written to the
 * cluster: a mutating webhook can add a privileged container to every pod or read every Secret
 * as it is created; deleting a validating one removes a guardrail.
 */
export const admissionControlWrite = resourceAccessRule({
  meta: {
    id: 'admission-control-write',
    code: 'RBAC017',
    description: 'Disallow writing admission webhook configurations and admission policies',
    severity: 'error',
    risk: 'critical',
    category: 'rbac',
  },
  targets: [
    'mutatingwebhookconfigurations',
    'validatingwebhookconfigurations',
    'validatingadmissionpolicies',
    'validatingadmissionpolicybindings',
    'mutatingadmissionpolicies',
    'mutatingadmissionpolicybindings',
  ].map((resource) => ({ verbs: WRITE_VERBS, group: GROUP, resource, clusterScoped: true })),
  message: (g, reached) =>
    `${who(g)} can change ${listWords(reached)} ${where(g)} ${via(g.grants)}: a webhook or admission policy they control can rewrite or reject every object sent to the API server, and see the Secrets in them. Leave admission control to the platform's deployment pipeline`,
  namedRisk: 'high',
});
