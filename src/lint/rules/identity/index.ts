import type { Rule } from '../../types.js';
import { mapToSystemMasters } from './map-to-system-masters.js';

export const IDENTITY_RULES: readonly Rule[] = [mapToSystemMasters];
