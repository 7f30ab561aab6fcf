import type { Rule } from '../../types.js';
import { awsAuthDeprecated } from './aws-auth-deprecated.js';
import { awsAuthIgnoredEntry } from './aws-auth-ignored-entry.js';
import { awsAuthLockout } from './aws-auth-lockout.js';
import { danglingGroup } from './dangling-group.js';
import { duplicatePrincipal } from './duplicate-principal.js';
import { iamUserMapping } from './iam-user-mapping.js';
import { invalidOrWildcardArn } from './invalid-or-wildcard-arn.js';
import { mapAccounts } from './map-accounts.js';
import { mapToReservedSystemGroup } from './map-to-reserved-system-group.js';
import { mapToSystemMasters } from './map-to-system-masters.js';
import { nodeIdentityMisuse } from './node-identity-misuse.js';
import { reservedUsernamePrefix } from './reserved-username-prefix.js';
import { rolearnHasPath } from './rolearn-has-path.js';
import { spoofableSessionUsername } from './spoofable-session-username.js';
import { usernameCollision } from './username-collision.js';

export const IDENTITY_RULES: readonly Rule[] = [
  awsAuthDeprecated,
  awsAuthIgnoredEntry,
  awsAuthLockout,
  danglingGroup,
  duplicatePrincipal,
  iamUserMapping,
  invalidOrWildcardArn,
  mapAccounts,
  mapToReservedSystemGroup,
  mapToSystemMasters,
  nodeIdentityMisuse,
  reservedUsernamePrefix,
  rolearnHasPath,
  spoofableSessionUsername,
  usernameCollision,
];
