import { diagnostic, sortDiagnostics, type Diagnostic } from '../diagnostics.js';
import { expandPaths, loadFiles, locate } from '../load/load.js';
import type { LintPolicy } from '../model/types.js';
import { validateDocument } from '../schema/schemas.js';
import { inputFromManifests } from './from-manifests.js';
import type { LintResult } from './index.js';
import { lint } from './run.js';

/**
 * `lint --manifests`: any Kubernetes RBAC YAML (single objects, multi-document files, `kind: List`
 * dumps from `kubectl get -o yaml`), aws-auth ConfigMaps and Terraform JSON, files or folders.
 */
export async function lintManifests(paths: readonly string[], options: { today: string; policyFile?: string }): Promise<LintResult> {
  const files = await expandPaths(paths);
  const loaded = await loadFiles(files);
  const built = inputFromManifests(loaded.value, options.today);
  const policy = options.policyFile === undefined ? undefined : await loadPolicy(options.policyFile);
  if (policy?.diagnostics.length) return { diagnostics: sortDiagnostics([...loaded.diagnostics, ...policy.diagnostics]), findings: [] };
  return {
    diagnostics: sortDiagnostics([...loaded.diagnostics, ...built.diagnostics]),
    findings: lint(built.input, policy?.policy ? { policy: policy.policy } : {}),
  };
}

/**
 * The LintPolicy of a file (an access folder's policy.yaml, say) for manifests: severities by rule,
 * waivers by `file` (a path the findings' files end with). Waivers by employee match nothing here.
 */
async function loadPolicy(file: string): Promise<{ policy?: LintPolicy; diagnostics: Diagnostic[] }> {
  const [path] = await expandPaths([file]);
  const loaded = await loadFiles([path!]);
  const diagnostics = [...loaded.diagnostics];
  for (const d of loaded.value) {
    const v = validateDocument(d);
    diagnostics.push(...v.diagnostics.filter((x) => x.severity === 'error'));
    if (v.kind !== 'LintPolicy' || v.diagnostics.some((x) => x.severity === 'error')) continue;
    const raw = d.data as { rules?: LintPolicy['rules']; waivers?: Omit<LintPolicy['waivers'][number], 'at'>[] };
    return {
      policy: { rules: raw.rules ?? {}, waivers: (raw.waivers ?? []).map((w, i) => ({ ...w, at: locate(d, ['waivers', i]) })), file: d.file, at: locate(d, []) },
      diagnostics,
    };
  }
  if (diagnostics.length === 0) diagnostics.push(diagnostic({ file: loaded.value[0]?.file ?? file, line: 1, column: 1 }, 'no LintPolicy document in this file', 'schema'));
  return { diagnostics };
}
