/** What can-i and who-can share: the RBAC bundle a query runs against, and the request asked. */
import { loadAccess } from '../pipeline.js';
import type { QueryTarget } from '../rbac/query.js';
import type { Request } from '../rbac/engine.js';
import type { RequestArgs } from '../rbac/request.js';
import type { Io } from '../io.js';
import { printDiagnostics } from './context.js';

/** The RBAC bundle a query runs against: --manifests, or the access folder's --cluster. Undefined after printing why not. */
async function queryTarget(io: Io, opts: { dir: string; manifests?: string[]; cluster?: string }): Promise<QueryTarget | undefined> {
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

/**
 * The request of `verb resource [name]` and the bundle it is asked of: the arguments checked first
 * (a usage error before any file is read), then checked again against what the target defines
 * (its resources and namespaces), warnings printed. Undefined after printing why there is no target.
 */
export async function queryRequest(
  io: Io,
  verb: string,
  resource: string,
  name: string | undefined,
  opts: RequestArgs & { dir: string; manifests?: string[]; cluster?: string },
): Promise<{ target: QueryTarget; request: Request } | undefined> {
  const { prepareRequest } = await import('../rbac/request.js');
  prepareRequest(verb, resource, name, opts);
  const target = await queryTarget(io, opts);
  if (!target) return undefined;
  const { request, warnings } = prepareRequest(verb, resource, name, opts, target.discovery);
  for (const w of warnings)
    io.stderr.write(`Warning: ${w}
`);
  return { target, request };
}
