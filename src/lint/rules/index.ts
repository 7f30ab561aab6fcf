import type { Rule } from '../types.js';
import { ACCESS_ENTRY_RULES } from './access-entry/index.js';
import { BINDING_RULES } from './binding/index.js';
import { IAM_RULES } from './iam/index.js';
import { IDENTITY_RULES } from './identity/index.js';
import { PROCESS_RULES } from './process/index.js';
import { RBAC_RULES } from './rbac/index.js';

/** Every rule, sorted by id: the catalogue `eks-access rules` prints. */
export const RULES: readonly Rule[] = [...ACCESS_ENTRY_RULES, ...BINDING_RULES, ...IAM_RULES, ...IDENTITY_RULES, ...PROCESS_RULES, ...RBAC_RULES].sort(
  (a, b) => (a.meta.id < b.meta.id ? -1 : a.meta.id > b.meta.id ? 1 : 0),
);

const byId = new Map(RULES.map((r) => [r.meta.id, r]));

export function ruleById(id: string): Rule | undefined {
  return byId.get(id);
}

/** The project's home. */
export const REPO_URL = 'https://github.com/eks-access/eks-access';
/** Where each rule's page is published; the same page is `docs/rules/<id>.md` in this repository. */
const DOCS_BASE_URL = `${REPO_URL}/blob/main/docs/rules/`;

export function docsUrl(id: string): string {
  return `${DOCS_BASE_URL}${id}.md`;
}
