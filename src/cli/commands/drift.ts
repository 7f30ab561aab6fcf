/**
 * `eks-access drift --context CTX [--cluster C]`: compares generated/clusters/<C> with a live cluster
 * through the Kubernetes API, read-only. Missing, extra (left behind) and changed objects, and aws-auth
 * mappings added by hand or lacking; exit 1 on any drift, 0 in sync, 2 when the cluster cannot be read.
 * The comparison is src/drift/compare.ts (pure), the requests src/drift/fetch.ts.
 */
import type { Command } from 'commander';
import { UsageError } from '../../diagnostics.js';
import { compareObjects, formatDriftJson, formatDriftText, hasDrift } from '../../drift/compare.js';
import { generatedClusters, parseTimeout, pickCluster, readGenerated } from '../../drift/generated.js';
import { parseFormat, type CommandContext, type Io } from '../context.js';

interface DriftOptions {
  context: string;
  cluster?: string;
  kubeconfig?: string;
  out: string;
  format: string;
  timeout: string;
}

/** Runs drift: everything printed goes through the context's redactor. Returns the exit code. */
async function runDrift(opts: DriftOptions, io: Io): Promise<number> {
  const format = parseFormat(opts.format, ['text', 'json']);
  const timeoutMs = parseTimeout(opts.timeout);
  // The Kubernetes client is loaded only when drift runs: every other command starts faster without it.
  const { fetchLive, openContext } = await import('../../drift/fetch.js');
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

export function register(program: Command, ctx: CommandContext): void {
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
