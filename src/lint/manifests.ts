import { sortDiagnostics } from '../diagnostics.js';
import { expandPaths, loadFiles } from '../load/load.js';
import { inputFromManifests } from './from-manifests.js';
import type { LintResult } from './index.js';
import { lint } from './run.js';

/**
 * `lint --manifests`: any Kubernetes RBAC YAML (single objects, multi-document files, `kind: List`
 * dumps from `kubectl get -o yaml`), aws-auth ConfigMaps and Terraform JSON, files or folders.
 */
export async function lintManifests(paths: readonly string[], options: { today: string }): Promise<LintResult> {
  const files = await expandPaths(paths);
  const loaded = await loadFiles(files);
  const built = inputFromManifests(loaded.value, options.today);
  return { diagnostics: sortDiagnostics([...loaded.diagnostics, ...built.diagnostics]), findings: lint(built.input) };
}
