import type { Rule } from '../../types.js';
import { expiredAccess } from './expired-access.js';
import { expiringAccess } from './expiring-access.js';
import { orphanEmployee } from './orphan-employee.js';
import { requireExpiryForAdmin } from './require-expiry-for-admin.js';
import { waiverExpired } from './waiver-expired.js';
import { waiverMissingJustification } from './waiver-missing-justification.js';
import { waiverUnused } from './waiver-unused.js';

export const PROCESS_RULES: readonly Rule[] = [
  expiredAccess,
  expiringAccess,
  orphanEmployee,
  requireExpiryForAdmin,
  waiverExpired,
  waiverMissingJustification,
  waiverUnused,
];
