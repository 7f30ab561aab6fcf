import { isAllActions, isAllow, onStarResource, statementRule, userLabel } from './util.js';

/**
 * `Allow` with NotAction or NotResource is a deny-list: it allows everything not named, including
 * every action and resource AWS adds later. `NotAction: iam:*` on `*` is PowerUserAccess, i.e.
 * nearly full admin.
 */
export const allowNotactionNotresource = statementRule(
  {
    id: 'allow-notaction-notresource',
    code: 'IAM013',
    description: 'Disallow Allow statements that use NotAction or NotResource',
    severity: 'error',
    risk: 'high',
    category: 'iam',
  },
  (s, p, u) => {
    if (!isAllow(s) || (s.notActions.length === 0 && s.notResources.length === 0)) return undefined;
    const parts: string[] = [];
    if (s.notActions.length > 0) parts.push(`every action except ${s.notActions.join(', ')}`);
    else parts.push(s.actions.join(', '));
    if (s.notResources.length > 0) parts.push(`on every resource except ${s.notResources.join(', ')}`);
    else parts.push(`on ${s.resources.join(', ')}`);
    // A deny-list over everything is close to administrator.
    const nearlyAll = (s.notActions.length > 0 && onStarResource(s)) || (s.notResources.length > 0 && s.actions.some(isAllActions));
    return {
      message: `${userLabel(u)}'s inline policy ${p.name} allows ${parts.join(' ')} (${s.notActions.length > 0 ? 'NotAction' : 'NotResource'} with Allow): it grants whatever it does not name, including what AWS adds later. Allow the actions and resources the person needs by name, and use a Deny statement for exceptions`,
      risk: nearlyAll ? 'critical' : undefined,
    };
  },
);
