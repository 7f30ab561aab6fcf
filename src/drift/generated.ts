/** The generated side of drift: which clusters generate wrote, the one a context names, and its objects as generate wrote them. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { formatDiagnostic, hasErrors, UsageError } from '../diagnostics.js';
import { discoverFiles, displayPath, loadFiles } from '../load/load.js';
import { objectsOf } from '../rbac/objects.js';
import { suggest } from '../text.js';
import type { GeneratedObject } from './compare.js';
import type { Connection } from './fetch.js';

/** `10s`, `500ms`, `2m` or a number of seconds, as milliseconds. */
export function parseTimeout(value: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value.trim());
  const ms = m ? Math.round(Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 'm' ? 60_000 : 1000)) : NaN;
  if (!Number.isFinite(ms) || ms <= 0 || ms > 3_600_000)
    throw new UsageError(`--timeout must be a duration such as 10s, 500ms or 2m (at most 1h), got "${value}"`);
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
export function pickCluster(
  folders: readonly string[],
  conn: Pick<Connection, 'clusterEntry' | 'context'>,
  out: string,
  explicit?: string,
): { cluster: string; warning?: string } {
  const matches = folders.filter((f) => namesOf(conn).includes(f));
  if (explicit !== undefined) {
    if (!folders.includes(explicit)) {
      const hint = suggest(explicit, folders);
      throw new UsageError(
        `no generated cluster "${explicit}" in ${displayPath(join(out, 'clusters'))}${hint ? ` (did you mean "${hint}"?)` : ''}; it has: ${folders.join(', ') || 'none'}`,
      );
    }
    const other = matches.length === 1 && matches[0] !== explicit ? matches[0] : undefined;
    return {
      cluster: explicit,
      ...(other !== undefined && {
        warning: `warning: context ${conn.context} points at cluster "${conn.clusterEntry}", which looks like "${other}", but --cluster is "${explicit}"`,
      }),
    };
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
    if (hasErrors(loaded.diagnostics))
      throw new UsageError(`${loaded.diagnostics.map(formatDiagnostic).join('\n')}\n${folder} cannot be read; run eks-access generate`);
    const data = (loaded.value[0]?.data ?? {}) as { resources?: unknown };
    const resources = Array.isArray(data.resources) ? data.resources.filter((r): r is string => typeof r === 'string') : [];
    paths = resources.map((r) => join(dir, r));
  } else {
    paths = (await discoverFiles(dir)).filter((p) => !p.endsWith('kustomization.yaml') && !p.endsWith('kustomization.yml'));
  }
  const loaded = await loadFiles(paths);
  if (hasErrors(loaded.diagnostics))
    throw new UsageError(
      `${loaded.diagnostics
        .filter((d) => d.severity === 'error')
        .map(formatDiagnostic)
        .join('\n')}\n${folder} cannot be read; run eks-access generate`,
    );
  const objects: GeneratedObject[] = [];
  for (const d of loaded.value) for (const l of objectsOf(d)) objects.push({ object: l.obj, file: d.file });
  return { objects, folder };
}
