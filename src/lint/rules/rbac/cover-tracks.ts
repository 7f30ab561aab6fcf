import { via, where, who } from '../../analysis.js';
import { listWords, resourceAccessRule, type Target } from './util.js';

const DELETE = ['delete', 'deletecollection'];
const TARGETS: readonly Target[] = [
  { verbs: DELETE, group: '', resource: 'pods', subresource: 'log' },
  { verbs: DELETE, group: '', resource: 'events' },
  { verbs: DELETE, group: 'events.k8s.io', resource: 'events' },
];

/** Events and logs are what an incident responder reads first; deleting them hides what happened. */
export const coverTracks = resourceAccessRule({
  meta: {
    id: 'cover-tracks',
    code: 'RBAC027',
    description: 'Disallow deleting events and pod logs',
    severity: 'warning',
    risk: 'medium',
    category: 'rbac',
  },
  targets: TARGETS,
  message: (g, reached) =>
    `${who(g)} can delete ${listWords(reached)} ${where(g)} ${via(g.grants)}: they can erase the record of what they or others did. Grant read access to events and logs only`,
});
