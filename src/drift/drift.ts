/**
 * `eks-access drift --context CTX [--cluster C]`: compares generated/clusters/<C> with a live cluster
 * through the Kubernetes API, read-only. Missing, extra (left behind) and changed objects, and aws-auth
 * mappings added by hand or lacking; exit 1 on any drift, 0 in sync, 2 when the cluster cannot be read.
 * The comparison is src/drift/compare.ts (pure), the requests src/drift/fetch.ts.
 */
import type { Io } from '../io.js';
import { UsageError } from '../diagnostics.js';
import { compareObjects, formatDriftJson, formatDriftText, hasDrift } from './compare.js';
import { generatedClusters, parseTimeout, pickCluster, readGenerated } from './generated.js';

export interface DriftOptions {
  context: string;
  cluster?: string;
  kubeconfig?: string;
  out: string;
  format: 'text' | 'json';
  timeout: string;
}

/** Runs drift: everything printed goes through the context's redactor. Returns the exit code. */
export async function runDrift(opts: DriftOptions, io: Io): Promise<number> {
  const format = opts.format;
  const timeoutMs = parseTimeout(opts.timeout);
  // The Kubernetes client is loaded only when drift runs: every other command starts faster without it.
  const { fetchLive, openContext } = await import('./fetch.js');
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
