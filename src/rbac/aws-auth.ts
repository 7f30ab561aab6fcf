/**
 * The aws-auth ConfigMap the way aws-iam-authenticator reads it, in one place for the linter, the
 * RBAC engine, can-i, import and drift. Each behaviour copies a function of the authenticator
 * (kubernetes-sigs/aws-iam-authenticator):
 * - `pkg/mapper/configmap/configmap.go` `ParseMap`: only the keys `mapRoles`, `mapUsers` and
 *   `mapAccounts` (spelled exactly); each section parsed on its own (`utilyaml.ToJSON` then
 *   `json.Unmarshal` into `[]RoleMapping` / `[]UserMapping`, see go-yaml.ts; `yaml.Unmarshal` into
 *   `[]string` for accounts); a section that does not parse is dropped whole, the others are kept
 *   ("Only saving data that was good"); a field of the wrong type is skipped and its entry kept;
 *   `isSkippable` values (``, "", '', backticks) are empty.
 * - `pkg/config/mapper.go` `RoleMapping.Validate` / `UserMapping.Validate`: an entry needs exactly one
 *   of rolearn and sso, or a userarn; invalid entries are dropped one by one.
 * - `configmap.go` `saveMap` and `RoleMapping.Key` / `UserMapping.Key`: roles stored by lower-cased
 *   ARN, users by ARN as written; the last of duplicates wins.
 * - `pkg/mapper/configmap/mapper.go` `Map` with `RoleMapping.Matches` / `UserMapping.Matches`: the
 *   caller's canonical ARN looked up in the role mappings, then in the user mappings, with
 *   `strings.EqualFold`, whatever section an ARN is written in.
 * - `pkg/arn/arn.go` `Canonicalize`; `pkg/server/server.go` `doMapping` (mapAccounts: username = the
 *   canonical ARN, no groups) and `renderTemplate(s)`.
 * A ConfigMap whose data is not a map of strings is invalid as a whole (the API server would refuse
 * it): it maps nobody.
 */
import { foldKey, yamlToJson, yamlToStrings, type InnerPosition, type JsonValue } from './go-yaml.js';

export type { InnerPosition } from './go-yaml.js';

export type AwsAuthSection = 'mapRoles' | 'mapUsers' | 'mapAccounts';
const AWS_AUTH_SECTIONS: readonly AwsAuthSection[] = ['mapRoles', 'mapUsers', 'mapAccounts'];

/** The partitions `Canonicalize` accepts (`pkg/endpoints.PARTITIONS`). */
const AUTHENTICATOR_PARTITIONS: readonly string[] = ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc'];

/** A valid rolearn or userarn entry, as `ParseMap` keeps it. */
interface AwsAuthEntry {
  section: 'mapRoles' | 'mapUsers';
  arn: string;
  /** Undefined when the entry has no (string) username: the authenticator then maps to "". */
  username?: string;
  groups: { name: string; pos?: InnerPosition }[];
  pos?: InnerPosition;
}

interface AwsAuthProblem {
  section: AwsAuthSection;
  reason: string;
  /** The authenticator reads no entry of the section at all. */
  wholeSection: boolean;
  /** The entry is still used (a skipped field), as opposed to dropped. */
  kept?: boolean;
  pos?: InnerPosition;
}

export interface AwsAuthData {
  /** Valid entries in file order, duplicates kept (see `effectiveEntries`). */
  entries: AwsAuthEntry[];
  accounts: { id: string; pos?: InnerPosition }[];
  /** Keys such as `maproles` that the authenticator ignores because of their spelling. */
  ignoredKeys: string[];
  problems: AwsAuthProblem[];
  /** Why the ConfigMap is invalid as a whole (then it maps nobody), and the data key at fault. */
  invalid?: string;
  invalidKey?: string;
}

/** `isSkippable`. */
function skippable(data: string): boolean {
  const t = data.trim();
  return t === '' || t === '``' || t === '""' || t === "''";
}

function describeJson(v: JsonValue): string {
  switch (v.t) {
    case 'array':
      return 'a list';
    case 'object':
      return 'a mapping';
    case 'string':
      return `the string ${JSON.stringify(v.v)}`;
    case 'number':
      return `the number ${v.text}`;
    case 'bool':
      return `the boolean ${v.v}`;
    case 'null':
      return 'null';
  }
}

interface DecodedMapping {
  arn: string;
  sso?: { permissionSetName: string; accountID: string; partition: string };
  username?: string;
  groups: { name: string; pos?: InnerPosition }[] | undefined;
  pos?: InnerPosition;
  skipped: { field: string; why: string; pos?: InnerPosition }[];
}

/** `json.Unmarshal` of one element into RoleMapping / UserMapping: keys folded, wrong types skipped. */
function decodeMapping(v: JsonValue, arnField: 'rolearn' | 'userarn'): DecodedMapping {
  const m: DecodedMapping = { arn: '', groups: undefined, skipped: [], ...(v.pos && { pos: v.pos }) };
  if (v.t !== 'object') {
    if (v.t !== 'null') m.skipped.push({ field: '(entry)', why: `is ${describeJson(v)}, not a mapping`, ...(v.pos && { pos: v.pos }) });
    return m;
  }
  const fields = arnField === 'rolearn' ? ['rolearn', 'sso', 'username', 'groups', 'userid'] : ['userarn', 'username', 'groups', 'userid'];
  const byFold = new Map(fields.map((f) => [foldKey(f), f]));
  const skip = (field: string, value: JsonValue, want: string) =>
    m.skipped.push({ field, why: `is ${describeJson(value)}, not ${want}`, ...(value.pos && { pos: value.pos }) });
  for (const [key, value] of v.entries) {
    const field = byFold.get(foldKey(key));
    if (field === undefined || field === 'userid') continue;
    if (field === 'groups') {
      if (value.t === 'null') m.groups = undefined;
      else if (value.t !== 'array') skip(key, value, 'a list of strings');
      else {
        m.groups = value.items.map((g) => {
          if (g.t !== 'string' && g.t !== 'null') skip(`${key} item`, g, 'a string');
          return { name: g.t === 'string' ? g.v : '', ...(g.pos && { pos: g.pos }) };
        });
      }
    } else if (field === 'sso') {
      if (value.t === 'null') delete m.sso;
      else if (value.t !== 'object') skip(key, value, 'a mapping');
      else {
        m.sso ??= { permissionSetName: '', accountID: '', partition: '' };
        const sub = new Map(['permissionSetName', 'accountID', 'partition'].map((f) => [foldKey(f), f as keyof NonNullable<DecodedMapping['sso']>]));
        for (const [k, x] of value.entries) {
          const f = sub.get(foldKey(k));
          if (!f) continue;
          if (x.t === 'string') m.sso[f] = x.v;
          else if (x.t !== 'null') skip(`sso.${k}`, x, 'a string');
        }
      }
    } else if (value.t === 'string') {
      if (field === 'username') m.username = value.v;
      else m.arn = value.v;
    } else if (value.t !== 'null') skip(key, value, 'a string');
  }
  return m;
}

/** `RoleMapping.Validate` / `UserMapping.Validate`; undefined when valid. */
function invalidBecause(m: DecodedMapping, section: 'mapRoles' | 'mapUsers'): string | undefined {
  if (section === 'mapUsers') return m.arn === '' ? 'value for userarn must be supplied' : undefined;
  if (m.arn === '' && !m.sso) return 'one of rolearn or SSO must be supplied';
  if (m.arn !== '' && m.sso) return 'only one of rolearn or SSO can be supplied';
  if (m.sso) {
    if (!/^[0-9]{12}$/.test(m.sso.accountID)) return `AccountID '${m.sso.accountID}' is not a valid AWS Account ID`;
    if (!/^[A-Za-z0-9_+=,.@-]{1,32}$/.test(m.sso.permissionSetName))
      return `PermissionSetName '${m.sso.permissionSetName}' is not a valid AWS SSO PermissionSet Name`;
    if (m.sso.partition !== '' && !AUTHENTICATOR_PARTITIONS.includes(m.sso.partition)) return `partition '${m.sso.partition}' is not a valid AWS partition`;
  }
  return undefined;
}

/** Reads the `data` of an aws-auth ConfigMap as the authenticator does (see the module comment). */
export function readAwsAuth(data: unknown): AwsAuthData {
  const out: AwsAuthData = { entries: [], accounts: [], ignoredKeys: [], problems: [] };
  if (data === undefined || data === null) return out;
  if (typeof data !== 'object' || Array.isArray(data)) {
    out.invalid = 'data must be a mapping of keys to strings; the API server refuses this ConfigMap, and no mapping of it applies';
    return out;
  }
  const values = data as Record<string, unknown>;
  // A ConfigMap's data is map[string]string: one value of another type (a missing `|` after mapRoles:)
  // makes the whole object invalid, so nothing of it maps anyone. A null value decodes as "".
  const bad = Object.entries(values).find(([, v]) => v !== null && typeof v !== 'string');
  if (bad) {
    out.invalidKey = bad[0];
    const what = Array.isArray(bad[1]) ? 'a list' : typeof bad[1] === 'object' ? 'a mapping' : `a ${typeof bad[1]}`;
    const how = (AWS_AUTH_SECTIONS as readonly string[]).includes(bad[0])
      ? `a YAML list written after "${bad[0]}: |"`
      : 'quote it: kubectl reads yes, on, 1_000 and numbers as other types';
    out.invalid = `data.${bad[0]} must be a string (${how}), but it is ${what}: the API server refuses this ConfigMap, so none of its mappings applies (nodes included)`;
    return out;
  }
  // ValidateConfigMap: keys of [-._a-zA-Z0-9]+ (not "." or ".."), at most 1 MiB of data in all.
  const badKey = Object.keys(values).find((k) => !/^[-._a-zA-Z0-9]+$/.test(k) || k === '.' || k === '..' || k.length > 253);
  if (badKey !== undefined) {
    out.invalidKey = badKey;
    out.invalid = `data key ${JSON.stringify(badKey)} is not a valid ConfigMap key (letters, digits, "-", "_" and "." only): the API server refuses this ConfigMap, so none of its mappings applies (nodes included)`;
    return out;
  }
  const size = Object.values(values).reduce((n: number, v) => n + Buffer.byteLength(typeof v === 'string' ? v : ''), 0);
  if (size > 1024 * 1024) {
    out.invalid = `data holds ${size} bytes, more than the 1 MiB a ConfigMap may: the API server refuses this ConfigMap, so none of its mappings applies (nodes included)`;
    return out;
  }
  for (const key of Object.keys(values)) {
    if (!(AWS_AUTH_SECTIONS as readonly string[]).includes(key) && AWS_AUTH_SECTIONS.some((s) => s.toLowerCase() === key.toLowerCase()))
      out.ignoredKeys.push(key);
  }
  const text = (section: AwsAuthSection): string | undefined => {
    const v = values[section];
    return typeof v === 'string' && !skippable(v) ? v : undefined;
  };
  for (const [section, arnField] of [
    ['mapRoles', 'rolearn'],
    ['mapUsers', 'userarn'],
  ] as const) {
    const t = text(section);
    if (t === undefined) continue;
    const json = yamlToJson(t);
    if (!json.ok) {
      out.problems.push({
        section,
        reason: `data.${section} is not valid YAML for the authenticator (${json.error}); it drops every entry of ${section}`,
        wholeSection: true,
        ...(json.pos && { pos: json.pos }),
      });
      continue;
    }
    const v = json.value;
    if (v.t === 'null') continue;
    if (v.t !== 'array') {
      out.problems.push({
        section,
        reason: `data.${section} is ${describeJson(v)}, not a list; the authenticator maps no entry of ${section}`,
        wholeSection: true,
        ...(v.pos && { pos: v.pos }),
      });
      continue;
    }
    for (const item of v.items) {
      const m = decodeMapping(item, arnField);
      const name = m.arn || (m.sso ? `the sso entry ${m.sso.permissionSetName}` : `an entry of ${section}`);
      const invalid = invalidBecause(m, section);
      if (invalid !== undefined) {
        const because = m.skipped.length > 0 ? ` (${m.skipped.map((s) => `${s.field} ${s.why}`).join('; ')})` : '';
        const missing = m.arn === '' && !m.sso;
        out.problems.push({
          section,
          reason: missing
            ? `an entry of ${section} has no ${arnField}${because}; the authenticator drops it`
            : `${name} is invalid (${invalid})${because}; the authenticator drops it`,
          wholeSection: false,
          ...(m.pos && { pos: m.pos }),
        });
        continue;
      }
      for (const s of m.skipped) {
        const what =
          s.field.startsWith('groups') || s.field.toLowerCase().startsWith('groups')
            ? s.field.endsWith(' item')
              ? 'that group becomes ""'
              : 'the entry keeps no groups'
            : s.field.toLowerCase() === 'username'
              ? 'the username is then empty'
              : 'that field is ignored';
        out.problems.push({
          section,
          reason: `${s.field} of ${name} ${s.why}; the authenticator skips it and keeps the entry (${what})`,
          wholeSection: false,
          kept: true,
          ...((s.pos ?? m.pos) && { pos: s.pos ?? m.pos! }),
        });
      }
      if (m.sso) {
        out.problems.push({
          section,
          reason: `${name} (an sso matcher) is kept but matches no one: the SSORoleMatch feature gate is off on EKS`,
          wholeSection: false,
          kept: true,
          ...(m.pos && { pos: m.pos }),
        });
        continue;
      }
      out.entries.push({
        section,
        arn: m.arn,
        ...(m.username !== undefined && { username: m.username }),
        groups: m.groups ?? [],
        ...(m.pos && { pos: m.pos }),
      });
    }
  }
  const accounts = text('mapAccounts');
  if (accounts !== undefined) {
    const r = yamlToStrings(accounts);
    for (const e of r.errors) {
      const whole = r.values.length === 0;
      out.problems.push({
        section: 'mapAccounts',
        reason: `data.mapAccounts: ${e.message}; the authenticator ${whole ? 'maps no account of it' : 'skips that entry'}`,
        wholeSection: whole,
        ...(e.pos && { pos: e.pos }),
      });
    }
    for (const a of r.values) out.accounts.push({ id: a.v, ...(a.pos && { pos: a.pos }) });
  }
  return out;
}

/** The key under which the authenticator stores a mapping: roles by lower-cased ARN, users as written (`Key`). */
export function mappingKey(e: { section: AwsAuthSection; arn: string }): string {
  return `${e.section}|${e.section === 'mapRoles' ? e.arn.toLowerCase() : e.arn}`;
}

/** The entries that take effect (`saveMap`): for each key the last one written. */
export function effectiveEntries<T extends { section: AwsAuthSection; arn: string }>(entries: readonly T[]): T[] {
  const byKey = new Map<string, T>();
  for (const e of entries) {
    const k = mappingKey(e);
    byKey.delete(k);
    byKey.set(k, e);
  }
  return [...byKey.values()];
}

/* ---------- identity mapping ---------- */

type PrincipalType = 'role' | 'assumed-role' | 'user' | 'root' | 'federated-user';

export interface CanonicalArn {
  type: PrincipalType;
  canonical: string;
  partition: string;
  accountId: string;
  /** The STS session name (assumed roles only; "" otherwise, as `getIdentityFromSTSResponse` leaves it). */
  sessionName: string;
}

/** `pkg/arn/arn.go` `Canonicalize` (with `aws-sdk-go-v2/aws/arn.Parse`): an error message or the canonical ARN. */
export function canonicalizeArn(arn: string): CanonicalArn | { error: string } {
  if (!arn.startsWith('arn:')) return { error: `arn '${arn}' is invalid: 'arn: invalid prefix'` };
  const parts = arn.split(':');
  if (parts.length < 6) return { error: `arn '${arn}' is invalid: 'arn: not enough sections'` };
  const [, partition, service, , accountId] = parts as [string, string, string, string, string];
  const resource = parts.slice(5).join(':');
  if (!AUTHENTICATOR_PARTITIONS.includes(partition)) return { error: `arn '${arn}' does not have a recognized partition` };
  const segments = resource.split('/');
  const kind = segments[0];
  const base = { partition, accountId, sessionName: '' };
  if (service === 'sts') {
    if (kind === 'federated-user') return { ...base, type: 'federated-user', canonical: arn };
    if (kind === 'assumed-role') {
      if (segments.length < 3) return { error: `assumed-role arn '${arn}' does not have a role` };
      // The role keeps every segment between assumed-role and the last one, the session name.
      const role = segments.slice(1, -1).join('/');
      return { ...base, type: 'assumed-role', canonical: `arn:${partition}:iam::${accountId}:role/${role}`, sessionName: segments[segments.length - 1]! };
    }
    return { error: `unrecognized resource ${resource} for service sts` };
  }
  if (service === 'iam') {
    if (kind === 'role') return { ...base, type: 'role', canonical: arn };
    if (kind === 'user') return { ...base, type: 'user', canonical: arn };
    if (kind === 'root') return { ...base, type: 'root', canonical: arn };
    return { error: `unrecognized resource ${resource} for service iam` };
  }
  return { error: `service ${service} in arn ${arn} is not a valid service for identities` };
}

/** What the authenticator needs to map callers: the effective entries and the accounts. */
export interface IdentityMappings {
  entries: readonly { section: 'mapRoles' | 'mapUsers'; arn: string; username?: string; groups: readonly string[] }[];
  accounts: readonly string[];
}

export type MappedIdentity = { ok: true; user: string; groups: string[]; via: string } | { ok: false; reason: string };

/** Go's strings.EqualFold (simple Unicode folding), close enough: the folded keys compared. */
function equalFold(a: string, b: string): boolean {
  return foldKey(a) === foldKey(b);
}

/** `pkg/server/server.go` instance-id check of `renderTemplate`. */
const INSTANCE_ID = /^i-([0-9A-Za-z_]{8}|[0-9A-Za-z_]{17})$/;

/**
 * `renderTemplate`: `{{EC2PrivateDNSName}}` only for an instance-id session (it cannot be looked up
 * offline, so it renders as a placeholder no binding names), then AccountID, SessionName (`@` becomes
 * `-`), SessionNameRaw and AccessKeyID (unknown offline: a placeholder too), in that order.
 */
export function renderTemplate(template: string, id: CanonicalArn): { ok: true; value: string } | { ok: false; error: string } {
  let t = template;
  if (t.includes('{{EC2PrivateDNSName}}')) {
    if (!INSTANCE_ID.test(id.sessionName)) return { ok: false, error: 'SessionName did not contain an instance id' };
    t = t.split('{{EC2PrivateDNSName}}').join(`<private DNS name of ${id.sessionName}>`);
  }
  t = t.split('{{AccountID}}').join(id.accountId);
  t = t.split('{{SessionName}}').join(id.sessionName.replace(/@/g, '-'));
  t = t.split('{{SessionNameRaw}}').join(id.sessionName);
  t = t.split('{{AccessKeyID}}').join('<access key id>');
  return { ok: true, value: t };
}

/**
 * Who the authenticator says an IAM principal is (`Map`, then `doMapping`): role mappings first, then
 * user mappings (ARNs compared with EqualFold, whichever section they are written in), each key's last
 * entry winning; then mapAccounts (the canonical ARN as username, no groups). Templates are rendered in
 * the username and every group; a template that cannot render means the caller is not authenticated.
 */
export function mapIdentity(m: IdentityMappings, principal: string): MappedIdentity {
  const c = canonicalizeArn(principal);
  if ('error' in c) return { ok: false, reason: c.error };
  const effective = effectiveEntries(m.entries);
  const find = (section: 'mapRoles' | 'mapUsers') => [...effective].reverse().find((e) => e.section === section && equalFold(e.arn, c.canonical));
  const entry = find('mapRoles') ?? find('mapUsers');
  if (entry) {
    const user = renderTemplate(entry.username ?? '', c);
    if (!user.ok) return { ok: false, reason: `error rendering username template "${entry.username}": ${user.error}` };
    const groups: string[] = [];
    for (const g of entry.groups) {
      const r = renderTemplate(g, c);
      if (!r.ok) return { ok: false, reason: `error rendering group template "${g}": ${r.error}` };
      groups.push(r.value);
    }
    return { ok: true, user: user.value, groups, via: `${entry.section} entry ${entry.arn}` };
  }
  if (m.accounts.includes(c.accountId)) return { ok: true, user: c.canonical, groups: [], via: `mapAccounts ${c.accountId}` };
  return { ok: false, reason: `ARN is not mapped: ${c.canonical}` };
}
