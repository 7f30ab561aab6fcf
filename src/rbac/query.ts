import { readFileSync } from 'node:fs';
import { UsageError } from '../diagnostics.js';
import { expandPaths, loadFiles } from '../load/load.js';
import type { AccessModel, Cluster } from '../model/types.js';
import { didYouMean } from '../text.js';
import { awsAuthEntriesFor, bundleForCluster, userInfoFor } from './access-bundle.js';
import { withImplicitGroups, type Bundle, type UserInfo } from './engine.js';
import { bundleFromDocuments, resolveArn, type AwsAuthEntry } from './manifest-bundle.js';

/** Where the answer comes from: an access folder's cluster, or RBAC manifests. */
export interface QueryTarget {
  bundle: Bundle;
  awsAuth: AwsAuthEntry[];
  accounts: string[];
  model?: AccessModel;
  cluster?: Cluster;
}

export function clusterOf(model: AccessModel, name: string | undefined): Cluster {
  if (name === undefined) {
    if (model.clusters.size === 1) return [...model.clusters.values()][0]!;
    throw new UsageError(`--cluster is required: one of ${[...model.clusters.keys()].sort().join(', ')}`);
  }
  const c = model.clusters.get(name);
  if (!c) throw new UsageError(`unknown cluster "${name}"${didYouMean(name, model.clusters.keys())}`);
  return c;
}

export function targetForCluster(model: AccessModel, clusterName: string | undefined): QueryTarget {
  const cluster = clusterOf(model, clusterName);
  return { bundle: bundleForCluster(model, cluster), awsAuth: awsAuthEntriesFor(model, cluster), accounts: [], model, cluster };
}

export async function targetForManifests(paths: readonly string[]): Promise<{ target: QueryTarget; problems: string[] }> {
  const files = await expandPaths(paths);
  // `kubectl get -o json` dumps take the fast path: answering needs no positions. Anything that is
  // not plain JSON goes through the YAML loader, which reports problems with file:line:column.
  const fast: { data: unknown }[] = [];
  const slow: string[] = [];
  for (const f of files) {
    if (!f.endsWith('.json')) {
      slow.push(f);
      continue;
    }
    try {
      fast.push({ data: JSON.parse(readFileSync(f, 'utf8')) as unknown });
    } catch {
      slow.push(f);
    }
  }
  const loaded = await loadFiles(slow);
  const { bundle, awsAuth, accounts } = bundleFromDocuments([...fast, ...loaded.value]);
  return { target: { bundle, awsAuth, accounts }, problems: loaded.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.file}:${d.line}:${d.column}  ${d.message}`) };
}

/** The user to ask for: `--as`/`--as-group`, `--employee`, or `--as-arn` through the identity mappings. */
export function resolveWho(target: QueryTarget, opts: { as?: string; asGroup?: string[]; employee?: string; asArn?: string }): UserInfo {
  const given = [opts.as !== undefined, opts.employee !== undefined, opts.asArn !== undefined].filter(Boolean).length;
  if (given !== 1) throw new UsageError('say who: exactly one of --as USER, --employee NAME or --as-arn ARN');
  if (opts.as !== undefined) return withImplicitGroups({ user: opts.as, groups: opts.asGroup ?? [] });
  if (opts.employee !== undefined) {
    if (!target.model || !target.cluster) throw new UsageError('--employee needs the access folder (not --manifests)');
    const e = target.model.employees.get(opts.employee);
    if (!e) throw new UsageError(`unknown employee "${opts.employee}"${didYouMean(opts.employee, target.model.employees.keys())}`);
    return userInfoFor(target.model, target.cluster, e);
  }
  const who = resolveArn(target.awsAuth, target.accounts, opts.asArn!);
  if (!who) throw new UsageError(`${opts.asArn} is not mapped${target.cluster ? ` on cluster ${target.cluster.name}` : ''}: the API server would answer 401 Unauthorized (give an sts assumed-role ARN with its session name, or an IAM user ARN)`);
  return who;
}
