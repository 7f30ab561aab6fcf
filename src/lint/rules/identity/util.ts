/**
 * Helpers shared by the identity rules: what kind of principal a mapping is (a node, a person, a
 * service), how the authenticator reads its ARN, and reporting a problem once however many clusters
 * or authentication paths (aws-auth and access entries) repeat it.
 */
import { placeKey, positionOf, type Source } from '../../../diagnostics.js';
import { parseIamArn, partitionOf } from '../../../model/identity.js';
import type { Employee } from '../../../model/types.js';
import { compareStrings } from '../../../text.js';
import type { AwsAuthView, IdentityMapping, LintInput, Report, RuleContext } from '../../types.js';

/** The groups the kubelet's identity carries; they belong to node and Fargate roles only. */
export const NODE_GROUPS: readonly string[] = ['system:nodes', 'system:bootstrappers'];

/** What EKS writes for node groups (`EC2PrivateDNSName`) and Fargate profiles / hybrid nodes (`SessionName`). */
const NODE_USERNAME = /^system:node:\{\{(EC2PrivateDNSName|SessionName)\}\}$/;

const KNOWN_PARTITIONS: readonly string[] = ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc'];

export function sourceKey(at: Source): string {
  return placeKey(at);
}

export function isNodeUsername(username: string | undefined): boolean {
  return username !== undefined && username.startsWith('system:node:');
}

/** Node username or node group: the mapping claims to be a kubelet. */
export function carriesNodeIdentity(m: IdentityMapping): boolean {
  return isNodeUsername(m.username) || m.groups.some((g) => NODE_GROUPS.includes(g.name));
}

/** An IAM Identity Center (AWS SSO) permission-set role: STS sets the session name to the user's SSO name. */
export function isSsoRoleArn(arn: string): boolean {
  return /:role\/aws-reserved\/sso\.amazonaws\.com\//i.test(arn) || /:role\/(?:[^*?]*\/)?AWSReservedSSO_[^/]*$/.test(arn);
}

/** A person signs in through it: an employee's identity, any IAM user, or an SSO role. */
export function isPersonMapping(m: IdentityMapping): boolean {
  return m.employees.length > 0 || m.kind === 'user' || (m.kind === 'role' && isSsoRoleArn(m.arn));
}

/** A well-formed node or Fargate mapping, as EKS writes it: a role, group system:nodes, a per-node username template. */
export function isNodeMapping(m: IdentityMapping): boolean {
  return m.kind === 'role' && !isPersonMapping(m) && m.groups.some((g) => g.name === 'system:nodes') && NODE_USERNAME.test(m.username ?? '');
}

/** "employee bob (IAM user arn:...)", "role arn:... (employees bob, carol)", "role arn:...", "account 1234...". */
export function describeMapping(m: IdentityMapping): string {
  if (m.kind === 'account') return `account ${m.arn}`;
  const what = m.kind === 'role' ? `role ${m.arn}` : `IAM user ${m.arn}`;
  if (m.employees.length === 0) return what;
  if (m.kind === 'user' && m.employees.length === 1) return `employee ${m.employees[0]} (${what})`;
  return `${what} (${m.employees.length === 1 ? 'employee' : 'employees'} ${m.employees.join(', ')})`;
}

/** The employees of each file, in line order (asked for every finding: worked out once per lint run). */
function employeesByFile(context: RuleContext): Map<string, Employee[]> {
  return context.once(employeesByFile, () => {
    const files = new Map<string, Employee[]>();
    for (const e of context.input.model?.employees.values() ?? []) {
      const list = files.get(e.file);
      if (list) list.push(e);
      else files.set(e.file, [e]);
    }
    // Only files with several documents need lines (which cost a positioned parse).
    for (const list of files.values()) if (list.length > 1) list.sort((a, b) => positionOf(a.at).line - positionOf(b.at).line);
    return files;
  });
}

/** The employee whose file holds `at`, so waivers by employee apply to findings reported there. */
function employeeAt(context: RuleContext, at: Source): string | undefined {
  if (!context.input.model) return undefined;
  const inFile = employeesByFile(context).get(at.file) ?? [];
  if (inFile.length <= 1) return inFile[0]?.name;
  // Several documents in one file: the employee whose name comes last before `at`.
  const line = positionOf(at).line;
  return (inFile.filter((e) => positionOf(e.at).line <= line).pop() ?? inFile[0]!).name;
}

/** " on prod, staging" or "" (manifests have no cluster names). */
export function onClusters(clusters: Iterable<string>): string {
  const list = [...new Set(clusters)].filter((c) => c !== '').sort(compareStrings);
  return list.length === 0 ? '' : ` on ${list.join(', ')}`;
}

/**
 * Collects one problem per place (and key): a grant on three clusters, or a role mapped both in
 * aws-auth and as an access entry, is one thing to fix, reported once with every cluster named.
 */
export class OncePerPlace<T> {
  private readonly items = new Map<string, { at: Source; value: T; clusters: Set<string> }>();

  add(at: Source, cluster: string, value: T, key = ''): void {
    const k = `${sourceKey(at)}|${key}`;
    const item = this.items.get(k);
    if (item) item.clusters.add(cluster);
    else this.items.set(k, { at, value, clusters: new Set([cluster]) });
  }

  /** In input order. */
  entries(): { at: Source; value: T; clusters: string[] }[] {
    return [...this.items.values()].map((i) => ({ at: i.at, value: i.value, clusters: [...i.clusters].sort(compareStrings) }));
  }

  /**
   * Reports every place once, in input order (see `reportAt`), with the message made of its value
   * and its clusters (sorted), and the fields `extra` adds.
   */
  reportEach(
    report: (r: Report) => void,
    context: RuleContext,
    message: (value: T, clusters: string[]) => string,
    extra?: (value: T) => Partial<Report>,
  ): void {
    for (const { at, value, clusters } of this.entries()) reportAt(report, context, at, clusters, message(value, clusters), extra?.(value));
  }
}

/** The people of each role mapping several employees sign in through, by the mapping's place (its first member's identity). */
function sharedMappings(context: RuleContext): Map<string, readonly string[]> {
  return context.once(sharedMappings, () => {
    const out = new Map<string, readonly string[]>();
    for (const m of context.input.identities) if (!m.preserved && m.employees.length > 1) out.set(sourceKey(m.at), m.employees);
    return out;
  });
}

/**
 * Reports with the employee and a single cluster filled in where they are known. A problem of a
 * role several employees share is reported once per person, at that person's identity, so that each
 * file shows it and a waiver for one person never waives it for the others.
 */
export function reportAt(
  report: (r: Report) => void,
  context: RuleContext,
  at: Source,
  clusters: readonly string[],
  message: string,
  extra: Partial<Report> = {},
): void {
  const input = context.input;
  const named = clusters.filter((c) => c !== '');
  const cluster = named.length === 1 ? { cluster: named[0]! } : {};
  const members = input.model ? sharedMappings(context).get(sourceKey(at)) : undefined;
  if (members) {
    for (const name of members) {
      const e = input.model!.employees.get(name);
      if (e) report({ message, at: e.identity.at, employee: name, ...cluster, ...extra });
    }
    return;
  }
  const employee = employeeAt(context, at);
  report({ message, at, ...(employee !== undefined && { employee }), ...cluster, ...extra });
}

/**
 * The aws-auth entries of one ConfigMap: in the access folder those of its cluster; with `--manifests`
 * (where every object is on the same unnamed cluster) those written inside that ConfigMap, i.e. after
 * it in its file and before the next aws-auth ConfigMap there.
 */
export function mappingsOf(input: LintInput, view: AwsAuthView): IdentityMapping[] {
  const awsAuth = input.identities.filter((m) => m.via === 'aws-auth' && m.cluster === view.cluster);
  if (input.mode === 'access') return awsAuth;
  const line = (s: Source) => positionOf(s).line;
  const start = line(view.at);
  const next = input.awsAuth.filter((v) => v.at.file === view.at.file && line(v.at) > start).reduce((min, v) => Math.min(min, line(v.at)), Infinity);
  return awsAuth.filter((m) => m.at.file === view.at.file && line(m.at) > start && line(m.at) < next);
}

/**
 * Why the authenticator can never match this ARN, or undefined when it is a well-formed IAM ARN of the
 * right kind. Matching is an exact, case-insensitive comparison with the caller's canonical ARN
 * (`arn:<partition>:iam::<account>:role/<name>` or `...:user/<path><name>`, a federated user or the
 * account root as they are; `pkg/arn` `Canonicalize`): no wildcards, no sessions.
 */
export function arnProblem(m: IdentityMapping, clusterRegion?: string): string | undefined {
  const arn = m.arn;
  if (m.kind === 'account') {
    return /^\d{12}$/.test(arn)
      ? undefined
      : `"${arn}" is not a 12-digit AWS account id, so no caller's account matches it (the authenticator keeps each entry's text as written, leading zeros included)`;
  }
  const field = m.kind === 'role' ? 'rolearn' : 'userarn';
  if (/[*?]/.test(arn)) {
    return `${field} ${arn} contains a wildcard, but the authenticator compares ARNs exactly: the entry matches no one, and if read as a pattern it would let every matching principal in`;
  }
  const sts = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\//.exec(arn);
  if (sts) {
    return `${field} ${arn} is an STS session ARN; the authenticator turns every session into its role ARN before matching, so this entry matches no one. Map arn:${sts[1]}:iam::${sts[2]}:role/${sts[3]} (without the role's path)`;
  }
  // A federated user and the account root are canonical ARNs the authenticator maps as written.
  if (/^arn:[^:]+:sts::\d{12}:federated-user\/.+$/.test(arn) || /^arn:[^:]+:iam::\d{12}:root$/.test(arn)) return undefined;
  const loose = /^arn:([^:]*):iam::([^:]*):(user|role)\/(.+)$/.exec(arn);
  if (!loose) return `${field} ${arn} is not an IAM ${m.kind} ARN (arn:aws:iam::<account>:${m.kind}/<name>), so it matches no one`;
  const [, partition, account] = loose;
  if (!KNOWN_PARTITIONS.includes(partition!))
    return `${field} ${arn} names the unknown partition "${partition}" (aws, aws-cn, aws-us-gov...), so it matches no one`;
  if (!/^\d{12}$/.test(account!)) return `${field} ${arn} has the account id "${account}", not 12 digits, so it matches no one`;
  // The authenticator looks every caller up in mapRoles and then in mapUsers, so an ARN works in either list.
  if (clusterRegion !== undefined && partition !== partitionOf(clusterRegion)) {
    return `${field} ${arn} is in partition ${partition}, but the cluster's region ${clusterRegion} is in ${partitionOf(clusterRegion)}: no caller of this cluster has that ARN`;
  }
  return undefined;
}

/** A well-formed IAM role ARN with a path (`role/team/x`, `role/aws-reserved/sso.amazonaws.com/...`). */
export function rolePath(arn: string): { path: string; name: string; bare: string } | undefined {
  const p = parseIamArn(arn);
  if (!p || p.type !== 'role' || p.path === '/' || /[*?]/.test(arn)) return undefined;
  return { path: p.path, name: p.name, bare: `arn:${p.partition}:iam::${p.accountId}:role/${p.name}` };
}
