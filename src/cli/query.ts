/** What can-i and who-can share: the RBAC bundle a query runs against. */
import { loadAccess } from '../pipeline.js';
import type { QueryTarget } from '../rbac/query.js';
import { printDiagnostics, type Io } from './context.js';

/** The RBAC bundle a query runs against: --manifests, or the access folder's --cluster. Undefined after printing why not. */
export async function queryTarget(io: Io, opts: { dir: string; manifests?: string[]; cluster?: string }): Promise<QueryTarget | undefined> {
  const { targetForCluster, targetForManifests } = await import('../rbac/query.js');
  if (opts.manifests) {
    const { target, problems, warnings } = await targetForManifests(opts.manifests);
    for (const p of problems) io.stderr.write(`${p}\n`);
    for (const w of warnings) io.stderr.write(`Warning: ${w}\n`);
    return problems.length > 0 ? undefined : target;
  }
  const loaded = await loadAccess(opts.dir);
  if (!loaded.model) {
    printDiagnostics(io, loaded.diagnostics);
    return undefined;
  }
  return targetForCluster(loaded.model, opts.cluster);
}
