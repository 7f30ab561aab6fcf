/**
 * `eks-access review [--within 30d] [--format text|json|markdown] [--today YYYY-MM-DD]`: the periodic
 * access review. Lists what has expired (access and waivers: `lint` fails on these too), what expires
 * within the window, cluster-admin-equivalent grants without an expiry, people who sign in as IAM users
 * where a role would do, and employees with no grant left. Exit 1 when anything has expired.
 *
 * Reuse: expired access, expired waivers and admin-without-expiry come from the linter itself
 * (`lint(inputFromModel(model), { rules: [expired-access, require-expiry-for-admin] })`; the runner
 * reports expired waivers), so review and lint never disagree on what is expired or what counts as
 * cluster-admin (level admin, profile cluster-admin cluster-wide, system:masters, a custom profile of
 * `*`, AmazonEKSClusterAdminPolicy at cluster scope: judged on the rules granted, not the spelling).
 * Only what the rules cannot answer is derived here: expiry within a window of any length
 * (`expiring-access` has a fixed 30 days), waivers about to expire, IAM user identities of the model
 * (`iam-user-mapping` leaves out the users this repository creates, which `iam-users-exist` reports),
 * and employees whose grants have all ended (`orphan-employee` only sees files with no grant at all).
 */
import { placeText, positionOf, UsageError, type Source } from '../diagnostics.js';
import { inputFromModel } from '../lint/from-model.js';
import { expiredAccess } from '../lint/rules/process/expired-access.js';
import { requireExpiryForAdmin } from '../lint/rules/process/require-expiry-for-admin.js';
import { addDays, describeGrant } from '../lint/rules/process/util.js';
import { lint, WAIVER_EXPIRED } from '../lint/run.js';
import type { Finding } from '../lint/types.js';
import type { AccessModel, Employee, Grant, Waiver } from '../model/types.js';
import { codeSpan, compareStrings, markdownText, printable } from '../text.js';

type ReviewKind = 'expired-access' | 'expired-waiver' | 'expiring-access' | 'expiring-waiver' | 'admin-without-expiry' | 'iam-user' | 'no-grants-left';

/** The sections of the report, in the order they are printed. */
const REVIEW_SECTIONS: readonly { kind: ReviewKind; title: string }[] = [
  { kind: 'expired-access', title: 'Expired access (left out of generate; run eks-access expire --write)' },
  { kind: 'expired-waiver', title: 'Expired waivers (lint fails on them too)' },
  { kind: 'expiring-access', title: 'Access expiring soon' },
  { kind: 'expiring-waiver', title: 'Waivers expiring soon' },
  { kind: 'admin-without-expiry', title: 'Cluster-admin without expires' },
  { kind: 'iam-user', title: 'IAM users that could be roles' },
  { kind: 'no-grants-left', title: 'Employees with no grants left' },
];

export interface ReviewItem {
  kind: ReviewKind;
  /** The person concerned (waivers: the employee they name, if any). */
  employee?: string;
  clusters: string[];
  file: string;
  line: number;
  column: number;
  /** The expiry date concerned (past or coming), YYYY-MM-DD. */
  date?: string;
  /** Days from today to `date`: negative when it is past. */
  days?: number;
  /** What expires or is reported, in the access file's terms: `profile developer in payments`. */
  what: string;
  /** One sentence with what to do. */
  message: string;
  /** The lint rule the item comes from, when it comes from the linter. */
  ruleId?: string;
  /** A LintPolicy waiver accepts it (it is still listed). */
  waived?: { reason: string; expires: string };
}

export interface Review {
  today: string;
  /** The window in days, and its last day. */
  within: number;
  until: string;
  items: ReviewItem[];
  summary: Record<ReviewKind, number> & { expired: number; expiring: number };
}

export const REVIEW_FORMATS = ['text', 'json', 'markdown'] as const;
export type ReviewFormat = (typeof REVIEW_FORMATS)[number];

/** `30d`, `4w` (or a bare number of days) as days; anything else is a usage error. */
export function parseWithin(value: string): number {
  const m = /^(\d{1,5})([dw]?)$/.exec(value.trim());
  if (!m) throw new UsageError(`--within must be a number of days or weeks such as 30d or 4w, got "${value}"`);
  return Number(m[1]) * (m[2] === 'w' ? 7 : 1);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

const key = (s: Source) => placeText(s);

function uniqueSorted(list: Iterable<string>): string[] {
  return [...new Set(list)].sort(compareStrings);
}

function clustersOfEmployee(e: Employee): string[] {
  return uniqueSorted(e.grants.flatMap((g) => g.clusters));
}

/** The date a grant ends: the earlier of its own expires and the person's. */
function endOf(e: Employee, g: Grant): string | undefined {
  return [g.expires, e.expires].filter((d): d is string => d !== undefined).sort()[0];
}

/** The review of a valid access model as of `today`, with a window of `within` days. */
export function review(model: AccessModel, options: { today: string; within: number; accessDir?: string }): Review {
  const { today, within } = options;
  const until = addDays(today, within);
  const items: ReviewItem[] = [];
  const at = (s: Source) => {
    const { line, column } = positionOf(s);
    return { file: s.file, line, column };
  };
  const dated = (date: string) => ({ date, days: daysBetween(today, date) });

  // Where each employee, grant and waiver is written, to turn findings back into the model's terms.
  const employeesAt = new Map<string, Employee>();
  const grantsAt = new Map<string, { e: Employee; g: Grant }>();
  for (const e of model.employees.values()) {
    employeesAt.set(key(e.at), e);
    if (e.expiresAt) employeesAt.set(key(e.expiresAt), e);
    for (const g of e.grants) grantsAt.set(key(g.at), { e, g });
  }
  const waivers = model.lintPolicy?.waivers ?? [];
  const waiversAt = new Map<string, Waiver>(waivers.map((w) => [key(w.at), w]));
  const waiverClusters = (w: Waiver) => {
    const e = w.employee !== undefined ? model.employees.get(w.employee) : undefined;
    return e ? clustersOfEmployee(e) : [];
  };

  // The linter's own verdicts. Severity overrides are set aside (a review lists what lint would have
  // failed on even where a rule is turned off); waivers still apply and are shown.
  const reviewed: AccessModel = model.lintPolicy ? { ...model, lintPolicy: { ...model.lintPolicy, rules: {} } } : model;
  const findings: Finding[] = lint(inputFromModel(reviewed, today), {
    rules: [expiredAccess, requireExpiryForAdmin],
    ...(options.accessDir !== undefined && { accessDir: options.accessDir }),
  });
  for (const f of findings) {
    const waived = f.waived && { reason: f.waived.reason, expires: f.waived.expires };
    const { line, column } = positionOf(f);
    const base = { file: f.file, line, column, message: f.message, ruleId: f.ruleId, ...(waived && { waived }) };
    const k = placeText(f);
    if (f.ruleId === expiredAccess.meta.id) {
      const grant = grantsAt.get(k);
      const person = employeesAt.get(k);
      if (grant)
        items.push({
          kind: 'expired-access',
          employee: grant.e.name,
          clusters: uniqueSorted(grant.g.clusters),
          ...dated(grant.g.expires!),
          what: describeGrant(grant.g),
          ...base,
        });
      else if (person)
        items.push({
          kind: 'expired-access',
          employee: person.name,
          clusters: clustersOfEmployee(person),
          ...dated(person.expires!),
          what: 'all access (the employee expires)',
          ...base,
        });
    } else if (f.ruleId === requireExpiryForAdmin.meta.id) {
      const grant = grantsAt.get(k);
      if (grant)
        items.push({ kind: 'admin-without-expiry', employee: grant.e.name, clusters: uniqueSorted(grant.g.clusters), what: describeGrant(grant.g), ...base });
    } else if (f.ruleId === WAIVER_EXPIRED) {
      const w = waiversAt.get(k);
      if (w)
        items.push({
          kind: 'expired-waiver',
          ...(w.employee !== undefined && { employee: w.employee }),
          clusters: waiverClusters(w),
          ...dated(w.expires),
          what: `waiver of ${w.rule} for ${w.employee !== undefined ? `employee ${w.employee}` : `file ${w.file}`}`,
          ...base,
        });
    }
  }

  const soon = (d: string | undefined): d is string => d !== undefined && d >= today && d <= until;
  const employees = [...model.employees.values()].sort((a, b) => compareStrings(a.name, b.name));
  for (const e of employees) {
    const personExpired = e.expires !== undefined && e.expires < today;
    if (e.grants.length > 0 && !personExpired) {
      // Access ending within the window: the person as a whole, then grants that end before they do.
      if (soon(e.expires)) {
        const d = dated(e.expires);
        items.push({
          kind: 'expiring-access',
          employee: e.name,
          clusters: clustersOfEmployee(e),
          ...at(e.expiresAt ?? e.at),
          ...d,
          what: 'all access (the employee expires)',
          message: `employee ${e.name} expires on ${e.expires} (in ${d.days} day(s)): all their access ends then; renew it with a new expires and reason, or plan the removal of ${e.file}`,
        });
      }
      for (const g of e.grants) {
        if (!soon(g.expires) || (e.expires !== undefined && e.expires <= g.expires)) continue;
        const d = dated(g.expires);
        items.push({
          kind: 'expiring-access',
          employee: e.name,
          clusters: uniqueSorted(g.clusters),
          ...at(g.at),
          ...d,
          what: describeGrant(g),
          message: `employee ${e.name}'s grant ${describeGrant(g)} on ${g.clusters.join(', ')} expires on ${g.expires} (in ${d.days} day(s)); renew it with a new expires and reason, or remove it`,
        });
      }
    }
    if (e.identity.kind === 'iamUser' || e.identity.kind === 'iamUserArn') {
      const who = e.identity.kind === 'iamUser' ? `the IAM user ${e.identity.userName} this repository creates` : `the existing IAM user ${e.identity.arn}`;
      items.push({
        kind: 'iam-user',
        employee: e.name,
        clusters: clustersOfEmployee(e),
        ...at(e.identity.at),
        what: e.identity.kind === 'iamUser' ? `iamUser: ${e.identity.userName}` : `iamUserArn: ${e.identity.arn}`,
        message: `employee ${e.name} signs in as ${who}, with long-lived access keys; give them identity.role with an IAM Identity Center (AWS SSO) role instead`,
        ruleId: 'iam-user-mapping',
      });
    }
    const live = e.grants.filter((g) => {
      const end = endOf(e, g);
      return end === undefined || end >= today;
    });
    if (live.length === 0) {
      const ends = e.grants.map((g) => endOf(e, g)!).sort();
      const last = ends[ends.length - 1];
      items.push({
        kind: 'no-grants-left',
        employee: e.name,
        clusters: clustersOfEmployee(e),
        ...at(e.at),
        ...(last !== undefined && dated(last)),
        what: e.grants.length === 0 ? 'no grants' : `all ${e.grants.length} grant(s) expired`,
        message:
          e.grants.length === 0
            ? `employee ${e.name} has no grants: delete ${e.file} if they left or moved, or add the access they need`
            : `every grant of employee ${e.name} has expired (the last on ${last}): delete ${e.file} (offboarding), or renew the access with a new expires and reason`,
      });
    }
  }
  for (const w of waivers) {
    if (!soon(w.expires)) continue;
    const d = dated(w.expires);
    items.push({
      kind: 'expiring-waiver',
      ...(w.employee !== undefined && { employee: w.employee }),
      clusters: waiverClusters(w),
      ...at(w.at),
      ...d,
      what: `waiver of ${w.rule} for ${w.employee !== undefined ? `employee ${w.employee}` : `file ${w.file}`}`,
      message: `waiver of ${w.rule} expires on ${w.expires} (in ${d.days} day(s)); after that lint fails on what it waives: fix the finding, or renew the waiver with a new reason`,
    });
  }

  const order = new Map(REVIEW_SECTIONS.map((s, i) => [s.kind, i]));
  items.sort((a, b) => order.get(a.kind)! - order.get(b.kind)! || compareStrings(a.file, b.file) || a.line - b.line || a.column - b.column);
  const count = (k: ReviewKind) => items.filter((i) => i.kind === k).length;
  const summary = Object.fromEntries(REVIEW_SECTIONS.map((s) => [s.kind, count(s.kind)])) as Record<ReviewKind, number>;
  return {
    today,
    within,
    until,
    items,
    summary: { ...summary, expired: summary['expired-access'] + summary['expired-waiver'], expiring: summary['expiring-access'] + summary['expiring-waiver'] },
  };
}

/** Exit code of a review: 1 when anything has expired. */
export function reviewExitCode(r: Review): number {
  return r.summary.expired > 0 ? 1 : 0;
}

function when(i: ReviewItem): string {
  if (i.date === undefined || i.days === undefined) return '';
  if (i.days < 0) return `${i.date} (${-i.days} day(s) ago)`;
  if (i.days === 0) return `${i.date} (today)`;
  return `${i.date} (in ${i.days} day(s))`;
}

function headline(r: Review): string {
  const s = r.summary;
  return `${s.expired} expired, ${s.expiring} expiring by ${r.until}, ${s['admin-without-expiry']} cluster-admin without expires, ${s['iam-user']} IAM user(s), ${s['no-grants-left']} employee(s) with no grants left`;
}

function renderReviewText(r: Review): string {
  const out: string[] = [`Access review as of ${r.today}, window ${r.within} day(s) (until ${r.until}): ${headline(r)}`];
  for (const s of REVIEW_SECTIONS) {
    const list = r.items.filter((i) => i.kind === s.kind);
    if (list.length === 0) continue;
    out.push('', `${s.title}: ${list.length}`);
    for (const i of list) {
      const parts = [`${i.file}:${i.line}:${i.column}`, i.employee ?? '-', i.clusters.length > 0 ? i.clusters.join(',') : '-', when(i), i.what].filter(
        (p) => p !== '',
      );
      out.push(`  ${parts.join('  ')}${i.waived ? `  [waived until ${i.waived.expires}: ${i.waived.reason}]` : ''}`);
    }
  }
  if (r.items.length === 0) out.push('', 'Nothing to review.');
  // Each line holds values of the access files: line breaks and control characters are shown escaped.
  return out.map(printable).join('\n') + '\n';
}

/** Markdown table cell: the text escaped (markdownText), so that no pipe, line break, HTML, link or mention leaves it. */
const cell = markdownText;

function renderReviewMarkdown(r: Review): string {
  const out: string[] = [`## EKS access review, ${r.today}`, '', `${headline(r)}. Window: ${r.within} day(s), until ${r.until}.`];
  for (const s of REVIEW_SECTIONS) {
    const list = r.items.filter((i) => i.kind === s.kind);
    if (list.length === 0) continue;
    out.push('', `### ${s.title}: ${list.length}`, '', '| Employee | Cluster(s) | Date | What | Where | To do |', '|---|---|---|---|---|---|');
    for (const i of list) {
      const what = `${codeSpan(i.what, { cell: true })}${i.waived ? ` (waived until ${cell(i.waived.expires)}: ${cell(i.waived.reason)})` : ''}`;
      out.push(
        `| ${cell(i.employee ?? '')} | ${cell(i.clusters.join(', '))} | ${cell(when(i))} | ${what} | ${codeSpan(`${i.file}:${i.line}`, { cell: true })} | ${cell(i.message)} |`,
      );
    }
  }
  if (r.items.length === 0) out.push('', 'Nothing to review.');
  return out.join('\n') + '\n';
}

export function renderReview(r: Review, format: ReviewFormat): string {
  switch (format) {
    case 'json':
      return JSON.stringify(r, null, 2) + '\n';
    case 'markdown':
      return renderReviewMarkdown(r);
    case 'text':
      return renderReviewText(r);
  }
}
