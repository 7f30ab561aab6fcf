import type { Cluster } from './types.js';

const sets = new WeakMap<readonly string[], ReadonlySet<string>>();

/**
 * The cluster's namespaces as a set, built once per list: a grant's namespaces are looked up in it,
 * so checking every grant costs the grant's namespaces, not the cluster's.
 */
export function namespaceSet(cluster: Pick<Cluster, 'namespaces'>): ReadonlySet<string> {
  let set = sets.get(cluster.namespaces);
  if (!set) sets.set(cluster.namespaces, (set = new Set(cluster.namespaces)));
  return set;
}
