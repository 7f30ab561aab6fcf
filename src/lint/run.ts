import { comparePositions, PLACE, placeKey, positionOf, type Position, type Source } from '../diagnostics.js';
import type { LintPolicy, Waiver } from '../model/types.js';
import { compareStrings } from '../text.js';
import { RULES, ruleById } from './rules/index.js';
import type { Finding, LintInput, LintSeverity, Report, Rule, RuleContext } from './types.js';
import { modelSeverity } from './severity.js';

import { waiverExpired } from './rules/process/waiver-expired.js';
import { waiverUnused } from './rules/process/waiver-unused.js';

/** Rule ids the runner itself reports, about the LintPolicy's waivers. */
export const WAIVER_EXPIRED = waiverExpired.meta.id;
const WAIVER_UNUSED = waiverUnused.meta.id;

/** The order findings are reported in: by file, line, column, rule and message. */
export function compareFindings(a: Finding, b: Finding): number {
  return compareStrings(a.file, b.file) || comparePositions(a, b) || compareStrings(a.ruleId, b.ruleId) || compareStrings(a.message, b.message);
}

/** The severity a policy sets for a rule (by id or by code), or the rule's default; `off` disables it. */
function severityOf(rule: Rule, policy: LintPolicy | undefined): LintSeverity | 'off' {
  return policyOverride(rule, policy) ?? rule.meta.severity;
}

function policyOverride(rule: Rule, policy: LintPolicy | undefined): LintSeverity | 'off' | undefined {
  return policy?.rules[rule.meta.id] ?? policy?.rules[rule.meta.code];
}

/**
 * The rules that can fail a run under `policy`: those the policy makes errors, every rule judged by
 * risk that the policy leaves alone (a finding's risk may make it an error), the process rules
 * whose severity is error, plus those named by expired waivers, whose messages count the findings
 * they no longer waive. `generate`, which only stops on errors, runs just these.
 */
export function rulesThatCanFail(policy: LintPolicy | undefined, today: string): Rule[] {
  const expired = new Set((policy?.waivers ?? []).filter((w) => w.expires < today).map((w) => w.rule));
  return RULES.filter((r) => {
    const override = policyOverride(r, policy);
    if (override !== undefined) return override === 'error' || expired.has(r.meta.id) || expired.has(r.meta.code);
    return r.meta.category !== 'process' || r.meta.severity === 'error' || expired.has(r.meta.id) || expired.has(r.meta.code);
  });
}

/**
 * Does `w` cover this finding? Waivers name a rule (id or code) and an employee or a file. A waiver by
 * file covers a person's finding only while that person is the file's one employee: someone added to
 * the file later (a second document) is not waived by a reason written for the first.
 */
function waives(w: Waiver, f: Finding, accessDir: string | undefined, sharedFiles: ReadonlySet<string>): boolean {
  const rule = ruleById(f.ruleId);
  if (w.rule !== f.ruleId && w.rule !== rule?.meta.code) return false;
  if (w.employee !== undefined) return f.employee === w.employee;
  if (w.file !== undefined) {
    if (f.employee !== undefined && sharedFiles.has(f.file)) return false;
    const wanted = accessDir ? `${accessDir.replace(/\/+$/, '')}/${w.file.replace(/^\.?\//, '')}` : w.file;
    return f.file === wanted || f.file.endsWith(`/${w.file.replace(/^\.?\//, '')}`);
  }
  return false;
}

/** A fresh context for one lint run over `input`: what rules work out once for the run lives here. */
function ruleContext(input: LintInput): RuleContext {
  const values = new Map<object, unknown>();
  return {
    input,
    once<T>(key: object, compute: () => T): T {
      if (values.has(key)) return values.get(key) as T;
      const value = compute();
      values.set(key, value);
      return value;
    },
  };
}

export interface LintOptions {
  /** The access folder as given, to resolve waivers' `file`. */
  accessDir?: string;
  /** Only these rules (tests); default all. */
  rules?: readonly Rule[];
  /** A LintPolicy from elsewhere (`lint --manifests --policy FILE`); default the access folder's. */
  policy?: LintPolicy;
  /**
   * false: in the order found, and a finding whose place is not positioned yet keeps line and column
   * 0 and its place, for positionOf (`diff` compares findings by rule and message and names the place
   * of the few that changed; `generate` prints only the errors that stop it).
   */
  sort?: boolean;
}

/**
 * Runs every enabled rule over `input`, applies the LintPolicy's severities and waivers, and reports
 * expired and unused waivers. Findings come back sorted and without repeats.
 */
export function lint(input: LintInput, options: LintOptions = {}): Finding[] {
  const lazy = options.sort === false;
  const policy = options.policy ?? input.model?.lintPolicy;
  const findings: Finding[] = [];
  // Repeats (same rule, place and message) are dropped. The place is compared only between findings
  // that agree on the rest, so a finding's line is worked out only when something reads it.
  const seen = new Map<string, Finding[]>();
  const context = ruleContext(input);
  for (const rule of options.rules ?? RULES) {
    const severity = severityOf(rule, policy);
    if (severity === 'off') continue;
    const overridden = policyOverride(rule, policy) !== undefined;
    rule.check(
      input,
      (r: Report) => {
        const at = r.at;
        const risk = r.risk ?? rule.meta.risk;
        // Lazy: the place's position as it is (0 until something prints or compares it, see
        // positionOf); sorted: worked out now.
        const position = lazy ? at : positionOf(at);
        const f = {
          ruleId: rule.meta.id,
          code: rule.meta.code,
          // A LintPolicy's word on the rule wins; otherwise the risk, scope, environment and time box decide.
          severity: overridden ? severity : modelSeverity(rule, r, risk, input, policy),
          risk,
          message: r.message,
          file: at.file,
          ...(r.employee !== undefined && { employee: r.employee }),
          ...(r.cluster !== undefined && r.cluster !== '' && { cluster: r.cluster }),
          ...(r.namespace !== undefined && { namespace: r.namespace }),
          ...(r.object !== undefined && { object: r.object }),
          ...(r.grant !== undefined && { grant: r.grant }),
          line: position.line,
          column: position.column,
          ...(lazy && at[PLACE] !== undefined && { [PLACE]: at[PLACE] }),
        } as Finding;
        const key = `${f.ruleId}|${f.file}|${f.message}`;
        const same = seen.get(key);
        if (same) {
          // The same place needs no position; two places can still share one (a list item and its first key).
          const place = placeKey(f);
          if (same.some((g) => placeKey(g) === place) || same.some((g) => samePosition(positionOf(g), positionOf(f)))) return;
          same.push(f);
        } else seen.set(key, [f]);
        findings.push(f);
      },
      context,
    );
  }
  if (policy) applyWaivers(findings, policy, input.today, options, input);
  return lazy ? findings : findings.sort(compareFindings);
}

function samePosition(a: Position, b: Position): boolean {
  return a.line === b.line && a.column === b.column;
}

function waiverFinding(ruleId: string, w: Waiver, message: string, policy: LintPolicy): Finding | undefined {
  const rule = ruleById(ruleId);
  if (!rule) return undefined;
  const severity = severityOf(rule, policy);
  if (severity === 'off') return undefined;
  const at: Source = w.at;
  const { line, column } = positionOf(at);
  return {
    ruleId,
    code: rule.meta.code,
    severity,
    risk: rule.meta.risk,
    message,
    file: at.file,
    line,
    column,
    ...(w.employee !== undefined && { employee: w.employee }),
  };
}

function applyWaivers(findings: Finding[], policy: LintPolicy, today: string, options: LintOptions, input: LintInput): void {
  const extra: Finding[] = [];
  // Files that hold more than one employee.
  const seen = new Set<string>();
  const sharedFiles = new Set<string>();
  for (const e of input.model?.employees.values() ?? []) {
    if (seen.has(e.file)) sharedFiles.add(e.file);
    seen.add(e.file);
  }
  for (const w of policy.waivers) {
    const expired = w.expires < today;
    const matched = findings.filter((f) => !f.waived && waives(w, f, options.accessDir, sharedFiles));
    if (expired) {
      const f = waiverFinding(
        WAIVER_EXPIRED,
        w,
        `waiver for ${w.rule} ${w.employee ? `(employee ${w.employee}) ` : ''}expired on ${w.expires}; it no longer waives ${matched.length} finding(s): fix them or renew the waiver with a new reason`,
        policy,
      );
      if (f) extra.push(f);
      continue;
    }
    for (const f of matched) f.waived = { reason: w.reason, expires: w.expires, at: w.at };
    if (matched.length === 0 && !options.rules) {
      const known = ruleById(w.rule) ?? RULES.find((r) => r.meta.code === w.rule);
      const message = known
        ? `waiver for ${w.rule} ${w.employee ? `(employee ${w.employee}) ` : ''}matches no finding; remove it`
        : `waiver names unknown rule "${w.rule}"; run eks-access rules for the list`;
      const f = waiverFinding(WAIVER_UNUSED, w, message, policy);
      if (f) extra.push(f);
    }
  }
  findings.push(...extra);
}

/** Does any finding fail the run (an unwaived error)? */
export function failing(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error' && !f.waived);
}
