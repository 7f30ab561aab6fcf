/**
 * The aws-auth ConfigMap the way aws-iam-authenticator reads it, in one place for the linter, the
 * RBAC engine, import and drift: only the keys `mapRoles`, `mapUsers` and `mapAccounts` (spelled
 * exactly); entry keys matched case-insensitively (Go's encoding/json); a YAML error drops a whole
 * section; an entry without its ARN, or whose groups are not a list, is dropped; among duplicates
 * the last one wins (roles by lower-cased ARN, users by ARN as written).
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';

export type AwsAuthSection = 'mapRoles' | 'mapUsers' | 'mapAccounts';
export const AWS_AUTH_SECTIONS: readonly AwsAuthSection[] = ['mapRoles', 'mapUsers', 'mapAccounts'];

/** A place inside one section's string (1-based); undefined means the value as a whole. */
export interface InnerPosition {
  line: number;
  column: number;
}

export interface AwsAuthEntry {
  section: 'mapRoles' | 'mapUsers';
  arn: string;
  username?: string;
  groups: { name: string; pos?: InnerPosition }[];
  pos?: InnerPosition;
}

export interface AwsAuthProblem {
  section: AwsAuthSection;
  reason: string;
  /** The authenticator reads no entry of the section at all. */
  wholeSection: boolean;
  pos?: InnerPosition;
}

export interface AwsAuthData {
  /** In file order, duplicates kept (see `effectiveEntries`). */
  entries: AwsAuthEntry[];
  accounts: { id: string; pos?: InnerPosition }[];
  /** Keys such as `maproles` that the authenticator ignores because of their spelling. */
  ignoredKeys: string[];
  problems: AwsAuthProblem[];
}

/** The empty values the authenticator treats as "not set". */
function emptyish(v: unknown): boolean {
  return v === undefined || v === null || v === '' || v === "''" || v === '``' || v === '""';
}

function plain(n: unknown): unknown {
  if (isScalar(n)) return n.value;
  if (isSeq(n)) return n.items.map((i) => plain(i));
  return n ?? undefined;
}

export function readAwsAuth(data: unknown): AwsAuthData {
  const out: AwsAuthData = { entries: [], accounts: [], ignoredKeys: [], problems: [] };
  const values = data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  for (const key of Object.keys(values)) {
    if (!(AWS_AUTH_SECTIONS as readonly string[]).includes(key) && AWS_AUTH_SECTIONS.some((s) => s.toLowerCase() === key.toLowerCase())) out.ignoredKeys.push(key);
  }
  const items = (section: AwsAuthSection): { items: unknown[]; where: (n: unknown) => InnerPosition | undefined } => {
    const none = { items: [], where: () => undefined };
    const value = values[section];
    if (emptyish(value)) return none;
    const whole = (reason: string, pos?: InnerPosition) => {
      out.problems.push({ section, reason, wholeSection: true, ...(pos && { pos }) });
      return none;
    };
    if (typeof value !== 'string') return whole(`data.${section} must be a string (a YAML list written after "${section}: |"); as it is, the ConfigMap is invalid`);
    const lc = new LineCounter();
    const doc = parseDocument(value, { lineCounter: lc, version: '1.1', uniqueKeys: false, logLevel: 'error' });
    const where = (n: unknown): InnerPosition | undefined => {
      const offset = (n as { range?: [number, number, number] } | null)?.range?.[0];
      if (offset === undefined) return undefined;
      const p = lc.linePos(offset);
      return { line: p.line, column: p.col };
    };
    if (doc.errors.length > 0) {
      const p = lc.linePos(doc.errors[0]!.pos[0]);
      return whole(`data.${section} is not valid YAML (${doc.errors[0]!.message.split('\n')[0]}); the authenticator drops every entry of ${section}`, { line: p.line, column: p.col });
    }
    if (doc.contents === null) return none;
    if (!isSeq(doc.contents)) return whole(`data.${section} must be a YAML list`);
    return { items: doc.contents.items, where };
  };
  for (const [section, arnKey] of [['mapRoles', 'rolearn'], ['mapUsers', 'userarn']] as const) {
    const s = items(section);
    for (const item of s.items) {
      const pos = s.where(item);
      const drop = (reason: string) => out.problems.push({ section, reason, wholeSection: false, ...(pos && { pos }) });
      if (!isMap(item)) {
        drop(`an entry of ${section} is not a mapping; the authenticator drops it`);
        continue;
      }
      const fields = new Map<string, unknown>();
      for (const pair of item.items) if (isScalar(pair.key)) fields.set(String(pair.key.value).toLowerCase(), pair.value);
      const arn = plain(fields.get(arnKey));
      if (typeof arn !== 'string' || emptyish(arn)) {
        drop(section === 'mapRoles' && fields.has('sso') ? 'an sso entry of mapRoles is ignored (the SSO matcher is not enabled on EKS)' : `an entry of ${section} has no ${arnKey}; the authenticator drops it`);
        continue;
      }
      const groupsNode = fields.get('groups');
      if (groupsNode !== undefined && !isSeq(groupsNode) && !emptyish(plain(groupsNode))) {
        const gpos = s.where(groupsNode);
        out.problems.push({ section, reason: `groups of ${arn} is not a list; the authenticator drops the entry`, wholeSection: false, ...((gpos ?? pos) && { pos: gpos ?? pos }) });
        continue;
      }
      const groups = isSeq(groupsNode) ? (groupsNode.items as Node[]).map((n) => ({ name: String(plain(n) ?? ''), ...(s.where(n) && { pos: s.where(n)! }) })) : [];
      const username = plain(fields.get('username'));
      out.entries.push({ section, arn, ...(typeof username === 'string' && !emptyish(username) && { username }), groups, ...(pos && { pos }) });
    }
  }
  const accounts = items('mapAccounts');
  for (const item of accounts.items) {
    const pos = accounts.where(item);
    if (!isScalar(item)) {
      out.problems.push({ section: 'mapAccounts', reason: 'an entry of mapAccounts is not an account id; the authenticator drops it', wholeSection: false, ...(pos && { pos }) });
      continue;
    }
    out.accounts.push({ id: String(item.value), ...(pos && { pos }) });
  }
  return out;
}

/** The key under which the authenticator stores a mapping: roles by lower-cased ARN, users as written. */
export function mappingKey(e: { section: AwsAuthSection; arn: string }): string {
  return `${e.section}|${e.section === 'mapRoles' ? e.arn.toLowerCase() : e.arn}`;
}

/** The entries that take effect: for each principal the last one written. */
export function effectiveEntries(entries: readonly AwsAuthEntry[]): AwsAuthEntry[] {
  const byKey = new Map<string, AwsAuthEntry>();
  for (const e of entries) byKey.set(mappingKey(e), e);
  return [...byKey.values()];
}
