import { reportGroup, via, where, who } from '../../analysis.js';
import type { Rule } from '../../types.js';
import { groupsReaching, listWords, onlyNamed, reachedLabels, WRITE_VERBS, type Target } from './util.js';

const GROUP = 'admissionregistration.k8s.io';
const TARGETS: readonly Target[] = [
  'mutatingwebhookconfigurations',
  'validatingwebhookconfigurations',
  'validatingadmissionpolicies',
  'validatingadmissionpolicybindings',
  'mutatingadmissionpolicies',
  'mutatingadmissionpolicybindings',
].map((resource) => ({ verbs: WRITE_VERBS, group: GROUP, resource, clusterScoped: true }));

/**
 * Admission webhooks and policies see, and can rewrite or block, every object written to the
 * cluster: a mutating webhook can add a privileged container to every pod or read every Secret
 * as it is created; deleting a validating one removes a guardrail.
 */
export const admissionControlWrite: Rule = {
  meta: {
    id: 'admission-control-write',
    code: 'RBAC017',
    description: 'Disallow writing admission webhook configurations and admission policies',
    severity: 'error',
    risk: 'critical',
    category: 'rbac',
  },
  check(input, report) {
    for (const g of groupsReaching(input, TARGETS)) {
      reportGroup(
        report,
        g,
        `${who(g)} can change ${listWords(reachedLabels(g.grants, TARGETS))} ${where(g)} ${via(g.grants)}: a webhook or admission policy they control can rewrite or reject every object sent to the API server, and see the Secrets in them. Leave admission control to the platform's deployment pipeline`,
        onlyNamed(g.grants, TARGETS) ? 'high' : 'critical',
      );
    }
  },
};
