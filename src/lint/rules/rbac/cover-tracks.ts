import { reportGroup, via, where, who } from '../../analysis.js';
import type { Rule } from '../../types.js';
import { groupsReaching, listWords, reachedLabels, type Target } from './util.js';

const DELETE = ['delete', 'deletecollection'];
const TARGETS: readonly Target[] = [
  { verbs: DELETE, group: '', resource: 'pods', subresource: 'log' },
  { verbs: DELETE, group: '', resource: 'events' },
  { verbs: DELETE, group: 'events.k8s.io', resource: 'events' },
];

/** Events and logs are what an incident responder reads first; deleting them hides what happened. */
export const coverTracks: Rule = {
  meta: {
    id: 'cover-tracks',
    code: 'RBAC027',
    description: 'Disallow deleting events and pod logs',
    severity: 'warning',
    risk: 'medium',
    category: 'rbac',
  },
  check(input, report) {
    for (const g of groupsReaching(input, TARGETS)) {
      reportGroup(
        report,
        g,
        `${who(g)} can delete ${listWords(reachedLabels(g.grants, TARGETS))} ${where(g)} ${via(g.grants)}: they can erase the record of what they or others did. Grant read access to events and logs only`,
      );
    }
  },
};
