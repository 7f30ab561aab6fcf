import { readFileSync } from 'node:fs';
import { placeText, UsageError } from '../diagnostics.js';
import { expandPaths, loadFiles } from '../load/load.js';
import type { AccessModel, Cluster } from '../model/types.js';
import { didYouMean } from '../text.js';
import { awsAuthEntriesFor, bundleForCluster, userInfoFor } from './access-bundle.js';
import { withAuthenticatedGroup, withImplicitGroups, type Bundle, type UserInfo } from './engine.js';
import { bundleFromDocuments, mapArn, type AwsAuthEntry } from './manifest-bundle.js';
import { resourcesNamedBy, type Discovery } from './request.js';

/** Where the answer comes from: an access folder's cluster, or RBAC manifests. */
export interface QueryTarget {
  bundle: Bundle;
  awsAuth: AwsAuthEntry[];
  accounts: string[];
  /** What the cluster serves and its namespaces, for kubectl's warnings. */
  discovery: Discovery;
  model?: AccessModel;
  cluster?: Cluster;
}

/** Every rule a bundle holds (roles, cluster roles, access policies). */
function rulesIn(bundle: Bundle) {
  return [...[...bundle.clusterRoles.values()].flatMap((r) => r.rules), ...[...bundle.roles.values()].flat(), ...bundle.policies.flatMap((p) => p.rules)];
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
  const bundle = bundleForCluster(model, cluster);
  return {
    bundle,
    awsAuth: awsAuthEntriesFor(model, cluster),
    accounts: [],
    discovery: { resources: resourcesNamedBy(rulesIn(bundle)), namespaces: cluster.namespaces, where: `cluster ${cluster.name}` },
    model,
    cluster,
  };
}

export async function targetForManifests(paths: readonly string[]): Promise<{ target: QueryTarget; problems: string[]; warnings: string[] }> {
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
  const { bundle, awsAuth, accounts, namespaces, resources } = bundleFromDocuments([...fast, ...loaded.value]);
  // An empty file or dump is a cluster without objects of its own: the answer is then "no" (but the
  // defaults'), not an input error.
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  return {
    target: { bundle, awsAuth, accounts, discovery: { resources: [...resources, ...resourcesNamedBy(rulesIn(bundle))], namespaces, where: 'the manifests' } },
    problems: errors.filter((d) => d.ruleId !== 'empty-file').map((d) => `${placeText(d)}  ${d.message}`),
    warnings: errors.filter((d) => d.ruleId === 'empty-file').map((d) => `${placeText(d)}  ${d.message}`),
  };
}

export type Who = { ok: true; who: UserInfo } | { ok: false; reason: string };

/**
 * The user to ask for: `--as`/`--as-group` (as the impersonation filter builds it), `--employee`, or
 * `--as-arn` through the identity mappings. An ARN the authenticator does not map is a definite answer
 * (the API server says 401 Unauthorized), not a usage error: `ok: false` with the reason.
 */
export function resolveWho(target: QueryTarget, opts: { as?: string; asGroup?: string[]; employee?: string; asArn?: string }): Who {
  const given = [opts.as !== undefined, opts.employee !== undefined, opts.asArn !== undefined].filter(Boolean).length;
  if (given !== 1) throw new UsageError('say who: exactly one of --as USER, --employee NAME or --as-arn ARN');
  if (opts.asGroup && opts.as === undefined)
    throw new UsageError('--as-group goes with --as USER (the API server refuses groups without a user to impersonate)');
  if (opts.as !== undefined) return { ok: true, who: withImplicitGroups({ user: opts.as, groups: opts.asGroup ?? [] }) };
  if (opts.employee !== undefined) {
    if (!target.model || !target.cluster) throw new UsageError('--employee needs the access folder (not --manifests)');
    const e = target.model.employees.get(opts.employee);
    if (!e) throw new UsageError(`unknown employee "${opts.employee}"${didYouMean(opts.employee, target.model.employees.keys())}`);
    return { ok: true, who: userInfoFor(target.model, target.cluster, e) };
  }
  const mapped = mapArn(target.awsAuth, target.accounts, opts.asArn!);
  if (!mapped.ok)
    return {
      ok: false,
      reason: `${opts.asArn} is not authenticated${target.cluster ? ` on cluster ${target.cluster.name}` : ''}: ${mapped.reason}; the API server answers 401 Unauthorized`,
    };
  return { ok: true, who: withAuthenticatedGroup({ user: mapped.user, groups: mapped.groups }) };
}
