import type { Rule } from '../../types.js';
import { listWords } from './util.js';

const LABELS = ['admin', 'edit', 'view'].map((r) => `rbac.authorization.k8s.io/aggregate-to-${r}`);

/**
 * The built-in admin, edit and view ClusterRoles aggregate every ClusterRole labelled
 * `rbac.authorization.k8s.io/aggregate-to-<role>: "true"`: a custom role with that label adds its
 * rules to everyone bound to the built-in, without any binding changing. The rules themselves are
 * judged by the other rules through the resolved grants; this one reports the label.
 */
export const aggregationLabel: Rule = {
  meta: {
    id: 'aggregation-label',
    code: 'RBAC032',
    description: 'Disallow custom ClusterRoles that aggregate into the built-in admin, edit or view roles',
    severity: 'error',
    risk: 'high',
    category: 'rbac',
  },
  check(input, report) {
    for (const role of input.roles) {
      if (role.builtin || role.kind !== 'ClusterRole') continue;
      const into = LABELS.filter((l) => role.labels[l] === 'true').map((l) => l.slice(l.lastIndexOf('-') + 1));
      if (into.length === 0) continue;
      const labels = listWords(into.map((r) => `rbac.authorization.k8s.io/aggregate-to-${r}: "true"`));
      const plural = into.length > 1;
      report({
        message: `ClusterRole ${role.name}${role.cluster ? ` on ${role.cluster}` : ''} carries the label${plural ? 's' : ''} ${labels}, so its ${role.rules.length} rule${role.rules.length === 1 ? ' is' : 's are'} silently added to the built-in ${listWords(into)} role${plural ? 's' : ''} and to everyone bound to ${plural ? 'them' : 'it'}. Remove the label and bind this ClusterRole to the people who need it`,
        at: role.at,
        ...(role.cluster && { cluster: role.cluster }),
        object: `ClusterRole/${role.name}`,
        risk: into.some((r) => r !== 'view') ? 'high' : 'medium',
      });
    }
  },
};
