/**
 * The severity model (docs/rules/README.md): a finding's severity follows from its risk, its scope,
 * the environment of its cluster and its time box, not from the rule alone. A LintPolicy override
 * of the rule still wins.
 */
import type { ClusterEnvironment, LintPolicy } from '../model/types.js';
import { addDays } from './rules/process/util.js';
import type { LintInput, LintSeverity, Report, Risk, Rule } from './types.js';

/** A high-risk grant that ends within this many days is a warning, by default. */
const DEFAULT_TIME_BOX_DAYS = 30;

/**
 * Rules whose findings say the cluster does not do what the file says: a mapping it silently
 * ignores, reads differently or drops. Always errors, whatever the risk of what was meant.
 */
const MISREAD_RULES: ReadonlySet<string> = new Set([
  'rolearn-has-path',
  'duplicate-principal',
  'reserved-username-prefix',
  'map-accounts',
  'aws-auth-ignored-entry',
  'invalid-or-wildcard-arn',
]);

const RANK: Record<LintSeverity, number> = { info: 0, warning: 1, error: 2 };

/** The environment of a finding's cluster; unknown or several clusters: production (the strict one). */
function environmentOf(input: LintInput, cluster: string | undefined): ClusterEnvironment {
  if (!input.model || cluster === undefined || cluster === '') return 'production';
  const names = cluster.split(/,\s*/);
  const envs = names.map((n) => input.model!.clusters.get(n)?.environment ?? 'production');
  return envs.includes('production') ? 'production' : envs.includes('staging') ? 'staging' : 'development';
}

/** What the model makes of one report of `rule`, before any LintPolicy override. */
export function modelSeverity(rule: Rule, r: Report, risk: Risk, input: LintInput, policy: LintPolicy | undefined): LintSeverity {
  // Process rules (expiry, waivers, orphans) judge dates and paperwork, not permissions.
  if (rule.meta.category === 'process') return r.severity !== undefined && RANK[r.severity] < RANK[rule.meta.severity] ? r.severity : rule.meta.severity;
  if (MISREAD_RULES.has(rule.meta.id) || r.misread) return 'error';
  let severity: LintSeverity;
  if (risk === 'critical') severity = 'error';
  else if (risk === 'high') severity = highRisk(r, input, policy);
  else if (risk === 'medium') severity = 'warning';
  else severity = 'info';
  // A rule may lower it where it knows better (time-boxed cluster-admin is reported as info).
  return r.severity !== undefined && RANK[r.severity] < RANK[severity] ? r.severity : severity;
}

function highRisk(r: Report, input: LintInput, policy: LintPolicy | undefined): LintSeverity {
  // Manifests say nothing of environment or time box: a high risk there is an error.
  if (input.mode === 'manifests') return 'error';
  if (environmentOf(input, r.cluster) !== 'production') return 'warning';
  const days = policy?.timeBoxDays ?? DEFAULT_TIME_BOX_DAYS;
  if (r.expires !== undefined && r.expires <= addDays(input.today, days)) return 'warning';
  return 'error';
}
