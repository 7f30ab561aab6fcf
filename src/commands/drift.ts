/**
 * `eks-access drift --context CTX [--cluster C]`: compares generated/clusters/<C> with a live cluster
 * through the Kubernetes API, read-only. Missing, extra (left behind) and changed objects, and aws-auth
 * mappings added by hand or lacking; exit 1 on any drift, 0 in sync, 2 when the cluster cannot be read.
 * The comparison is drift-compare.ts (pure), the requests drift-fetch.ts.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { CommandContext, Io } from '../cli.js';
import { formatDiagnostic, hasErrors, UsageError } from '../diagnostics.js';
import { discoverFiles, displayPath, loadFiles } from '../load/load.js';
import { objectsOf } from '../rbac/objects.js';
import { suggest } from '../text.js';
import { compareObjects, formatDriftJson, formatDriftText, hasDrift, type GeneratedObject } from '../drift/compare.js';
// The Kubernetes client is loaded only when drift runs: every other command starts faster without it.
import type { Connection } from '../drift/fetch.js';

export interface DriftOptions {
  context: string;
  cluster?: string;
  kubeconfig?: string;
  out: string;
  format: string;
  timeout: string;
}

/** `10s`, `500ms`, `2m` or a number of seconds, as milliseconds. */
export function parseTimeout(value: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value.trim());
  const ms = m ? Math.round(Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 'm' ? 60_000 : 1000)) : NaN;
  if (!Number.isFinite(ms) || ms <= 0 || ms > 3_600_000) throw new UsageError(`--timeout must be a duration such as 10s, 500ms or 2m (at most 1h), got "${value}"`);
  return ms;
}

/** The generated cluster folders under `<out>/clusters`. */
export function generatedClusters(out: string): string[] {
  const root = join(out, 'clusters');
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new UsageError(`${displayPath(root)} not found; run eks-access generate first (or pass --out)`);
  return readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/** The cluster names a kubeconfig context may stand for: its cluster entry and its own name, EKS ARNs reduced to the cluster name. */
function namesOf(conn: Pick<Connection, 'clusterEntry' | 'context'>): string[] {
  const names = new Set<string>();
  for (const n of [conn.clusterEntry, conn.context]) {
    names.add(n);
    const arn = /^arn:[a-z-]+:eks:[a-z0-9-]+:\d{12}:cluster\/(.+)$/.exec(n);
    if (arn) names.add(arn[1]!);
  }
  return [...names];
}

/**
 * Which generated cluster to compare: `--cluster`, else the one folder named like the context's
 * cluster (an EKS ARN `arn:aws:eks:<region>:<account>:cluster/<name>` counts by its name).
 */
export function pickCluster(folders: readonly string[], conn: Pick<Connection, 'clusterEntry' | 'context'>, out: string, explicit?: string): { cluster: string; warning?: string } {
  const matches = folders.filter((f) => namesOf(conn).includes(f));
  if (explicit !== undefined) {
    if (!folders.includes(explicit)) {
      const hint = suggest(explicit, folders);
      throw new UsageError(`no generated cluster "${explicit}" in ${displayPath(join(out, 'clusters'))}${hint ? ` (did you mean "${hint}"?)` : ''}; it has: ${folders.join(', ') || 'none'}`);
    }
    const other = matches.length === 1 && matches[0] !== explicit ? matches[0] : undefined;
    return { cluster: explicit, ...(other !== undefined && { warning: `warning: context ${conn.context} points at cluster "${conn.clusterEntry}", which looks like "${other}", but --cluster is "${explicit}"` }) };
  }
  if (matches.length === 1) return { cluster: matches[0]! };
  throw new UsageError(
    `--cluster is required: the cluster of context ${conn.context} ("${conn.clusterEntry}") ${matches.length === 0 ? 'matches no' : 'matches more than one'} folder of ${displayPath(join(out, 'clusters'))} (${folders.join(', ') || 'none'})`,
  );
}

/**
 * The objects of generated/clusters/<cluster>: the files its kustomization lists (what Argo CD or Flux
 * applies), or every YAML file of the folder when there is no kustomization.
 */
export async function readGenerated(out: string, cluster: string): Promise<{ objects: GeneratedObject[]; folder: string }> {
  const dir = join(out, 'clusters', cluster);
  const folder = displayPath(dir);
  const kustomization = join(dir, 'kustomization.yaml');
  let paths: string[];
  if (existsSync(kustomization)) {
    const loaded = await loadFiles([kustomization]);
    if (hasErrors(loaded.diagnostics)) throw new UsageError(`${loaded.diagnostics.map(formatDiagnostic).join('\n')}\n${folder} cannot be read; run eks-access generate`);
    const data = (loaded.value[0]?.data ?? {}) as { resources?: unknown };
    const resources = Array.isArray(data.resources) ? data.resources.filter((r): r is string => typeof r === 'string') : [];
    paths = resources.map((r) => join(dir, r));
  } else {
    paths = (await discoverFiles(dir)).filter((p) => !p.endsWith('kustomization.yaml') && !p.endsWith('kustomization.yml'));
  }
  const loaded = await loadFiles(paths);
  if (hasErrors(loaded.diagnostics)) throw new UsageError(`${loaded.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic).join('\n')}\n${folder} cannot be read; run eks-access generate`);
  const objects: GeneratedObject[] = [];
  for (const d of loaded.value) for (const l of objectsOf(d)) objects.push({ object: l.obj, file: d.file });
  return { objects, folder };
}

/** Runs drift: everything printed goes through the context's redactor. Returns the exit code. */
export async function runDrift(opts: DriftOptions, io: Io): Promise<number> {
  const format = opts.format;
  if (format !== 'text' && format !== 'json') throw new UsageError(`unknown --format "${format}"; expected text or json`);
  const timeoutMs = parseTimeout(opts.timeout);
  const { fetchLive, openContext } = await import('../drift/fetch.js');
  const conn = openContext(opts.kubeconfig, opts.context);
  const redact = conn.redact;
  const out: Io = { stdout: { write: (s: string) => io.stdout.write(redact(s)) }, stderr: { write: (s: string) => io.stderr.write(redact(s)) } };
  try {
    const picked = pickCluster(generatedClusters(opts.out), conn, opts.out, opts.cluster);
    if (picked.warning) out.stderr.write(`${picked.warning}\n`);
    const generated = await readGenerated(opts.out, picked.cluster);
    const live = await fetchLive(conn, picked.cluster, timeoutMs);
    const report = compareObjects(generated.objects, live, { clusterLabel: `cluster ${picked.cluster}` });
    const context = { cluster: picked.cluster, context: conn.context, folder: generated.folder };
    out.stdout.write(format === 'json' ? formatDriftJson(report, context) : formatDriftText(report, context));
    return hasDrift(report) ? 1 : 0;
  } catch (e) {
    if (e instanceof UsageError) throw new UsageError(redact(e.message));
    // Not expected; still one line, and never a credential.
    throw new UsageError(`drift failed: ${redact(String(e instanceof Error ? e.message : e).split('\n')[0] ?? '')}`);
  }
}

export function registerDrift(program: Command, ctx: CommandContext): void {
  program
    .command('drift')
    .description('compare generated/clusters/<cluster> with a live cluster through the Kubernetes API, read-only: missing, extra and changed objects, aws-auth mappings added by hand (exit 1 on drift)')
    .requiredOption('--context <name>', 'the kubeconfig context of the cluster')
    .option('--cluster <name>', 'the generated cluster to compare (default: the one named like the context\'s cluster)')
    .option('--kubeconfig <file>', 'the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
    .option('--out <dir>', 'the generated folder', 'generated')
    .option('--format <format>', 'text or json', 'text')
    .option('--timeout <duration>', 'give up when the cluster has not answered within this time (e.g. 10s, 500ms)', '10s')
    .addHelpText(
      'after',
      `
Reads, with list/get only: ClusterRoles, ClusterRoleBindings, Roles and RoleBindings labelled
app.kubernetes.io/managed-by=eks-access (all namespaces) and the ConfigMap kube-system/aws-auth.
Server-set fields (uid, resourceVersion, managedFields, ...), the kubectl last-applied annotation,
Argo CD / Flux tracking labels and the rules of aggregated ClusterRoles are not compared.
Exit codes: 0 in sync, 1 drift, 2 the cluster could not be read (unreachable, 401, 403, timeout).`,
    )
    .action(async (opts: DriftOptions) => {
      ctx.setCode(await runDrift(opts, ctx.io));
    });
}
