import { diagnostic, sortDiagnostics, type Diagnostic } from '../diagnostics.js';
import { resolve } from 'node:path';
import { displayPath, expandPaths, loadFiles, locate, type LoadedDocument } from '../load/load.js';
import { isAwsAuthConfigMap } from '../rbac/graph.js';
import { objectsOf, str } from '../rbac/objects.js';
import type { LintPolicy } from '../model/types.js';
import { validateDocument } from '../schema/schemas.js';
import { inputFromManifests } from './from-manifests.js';
import type { LintResult } from './index.js';
import { unknownPolicyRules } from './policy-check.js';
import { lint } from './run.js';

/** What `lint --manifests` read and found. */
export interface ManifestsResult extends LintResult {
  /** How many objects of which kinds were read from how many files, and the files skipped. */
  summary: string;
  /** Some path given holds no RBAC object, aws-auth ConfigMap or Terraform IAM: exit 2. */
  nothingRead: boolean;
}

/** Files named on the command line that are not YAML or JSON (Terraform HCL, Markdown...): skipped with a note. */
const NOT_YAML = /\.(tf|hcl|tfvars|md|markdown|mdx|txt|rst|adoc|sh|bash|py|go|js|mjs|ts|html|xml|ini|toml|cfg|conf|lock|csv|png|jpg|gif|svg|pdf)$/i;

const RBAC_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);
const TERRAFORM_TYPES = [
  'aws_iam_user',
  'aws_iam_user_policy',
  'aws_iam_user_policy_attachment',
  'aws_iam_policy_attachment',
  'aws_eks_access_entry',
  'aws_eks_access_policy_association',
];

/** Terraform JSON (a `.tf.json` file): an object of Terraform's top-level blocks, with no `kind`. */
function isTerraform(d: LoadedDocument): boolean {
  const data = d.data as Record<string, unknown> | null;
  return (
    !!data &&
    typeof data === 'object' &&
    !Array.isArray(data) &&
    !('kind' in data) &&
    ['resource', 'terraform', 'provider', 'module', 'data', 'variable', 'output', 'locals'].some((k) => k in data)
  );
}

/** The kinds of what one document holds, as the summary counts them (`other` for what lint ignores). */
function kindsOf(d: LoadedDocument): string[] {
  const data = d.data as Record<string, unknown> | null;
  if (isTerraform(d)) {
    const resources = (data!.resource ?? {}) as Record<string, Record<string, unknown>>;
    return Object.entries(resources && typeof resources === 'object' ? resources : {}).flatMap(([t, byName]) =>
      Object.keys(byName ?? {}).map(() => (TERRAFORM_TYPES.includes(t) ? t : 'other Terraform resource')),
    );
  }
  return objectsOf(d).map((l) => {
    const kind = str(l.obj.kind) ?? '';
    if (RBAC_KINDS.has(kind) && (str(l.obj.apiVersion) ?? '').startsWith('rbac.authorization.k8s.io/')) return kind;
    if (isAwsAuthConfigMap(l.obj)) return 'aws-auth ConfigMap';
    return 'other';
  });
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * `lint --manifests`: any Kubernetes RBAC YAML (single objects, multi-document files, `kind: List`
 * dumps from `kubectl get -o yaml`), aws-auth ConfigMaps and Terraform JSON, files or folders.
 */
export async function lintManifests(paths: readonly string[], options: { today: string; policyFile?: string }): Promise<ManifestsResult> {
  const notes: string[] = [];
  const byPath: { path: string; files: string[]; skipped: boolean }[] = [];
  for (const p of paths) {
    const all = await expandPaths([p]);
    const files = all.filter((f) => {
      if (!NOT_YAML.test(f)) return true;
      notes.push(`${displayPath(f)}:1:1  note  not YAML or JSON: skipped`);
      return false;
    });
    byPath.push({ path: p, files, skipped: files.length < all.length });
  }
  const files = [...new Set(byPath.flatMap((x) => x.files))].sort();
  const loaded = await loadFiles(files);
  // A file named without a YAML or JSON extension that does not parse as YAML is not one: a note, not a syntax error.
  const unparsed = new Set(loaded.diagnostics.filter((d) => d.ruleId === 'yaml-syntax' && d.severity === 'error').map((d) => d.file));
  let notRead = 0;
  for (const file of unparsed) {
    if (/\.(ya?ml|json)$/i.test(file)) continue;
    notRead++;
    notes.push(`${file}:1:1  note  not YAML or JSON: skipped`);
    loaded.diagnostics = loaded.diagnostics.filter((d) => d.file !== file);
    loaded.value = loaded.value.filter((d) => d.file !== file);
    for (const entry of byPath) if (entry.files.some((f) => displayPath(f) === file)) entry.skipped = true;
  }
  const kinds = new Map<string, number>();
  const relevantFiles = new Set<string>();
  const failedFiles = new Set(loaded.diagnostics.filter((d) => d.severity === 'error').map((d) => d.file));
  let objects = 0;
  for (const d of loaded.value) {
    const found = kindsOf(d);
    for (const k of found) {
      objects++;
      kinds.set(k, (kinds.get(k) ?? 0) + 1);
      if (k !== 'other') relevantFiles.add(d.file);
    }
    // A Terraform file with no resource yet (providers, variables) is still Terraform to lint.
    if (found.length === 0 && isTerraform(d)) relevantFiles.add(d.file);
  }
  const counted = [...kinds.entries()].sort((a, b) => (a[0] === 'other' ? 1 : b[0] === 'other' ? -1 : b[1] - a[1] || (a[0] < b[0] ? -1 : 1)));
  const summary = [
    `read ${plural(objects, 'object')}${counted.length > 0 ? ` (${counted.map(([k, n]) => `${n} ${k}`).join(', ')})` : ''} from ${plural(files.length - notRead, 'file')}`,
    ...notes,
  ].join('\n');
  const empty: Diagnostic[] = [];
  const anything = relevantFiles.size > 0 || failedFiles.size > 0;
  for (const { path, files: mine, skipped } of byPath) {
    const shown = mine.map((f) => displayPath(f));
    // A file named by mistake among others (a README) is only a note; a folder that holds nothing is an error.
    if (shown.some((f) => relevantFiles.has(f) || failedFiles.has(f)) || (skipped && anything)) continue;
    empty.push(
      diagnostic(
        { file: displayPath(resolve(path)), line: 1, column: 1 },
        `no RBAC object (Role, ClusterRole, RoleBinding, ClusterRoleBinding), aws-auth ConfigMap or Terraform IAM resource in ${plural(mine.length, 'YAML or JSON file')}: nothing to lint`,
        'manifests',
      ),
    );
  }
  if (empty.length > 0) return { diagnostics: empty, findings: [], summary, nothingRead: true };
  const built = inputFromManifests(loaded.value, options.today);
  const policy = options.policyFile === undefined ? undefined : await loadPolicy(options.policyFile);
  if (policy?.diagnostics.length)
    return { diagnostics: sortDiagnostics([...loaded.diagnostics, ...policy.diagnostics]), findings: [], summary, nothingRead: false };
  return {
    diagnostics: sortDiagnostics([...loaded.diagnostics, ...built.diagnostics]),
    findings: lint(built.input, policy?.policy ? { policy: policy.policy } : {}),
    summary,
    nothingRead: false,
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
    const raw = d.data as { rules?: LintPolicy['rules']; timeBoxDays?: number; waivers?: Omit<LintPolicy['waivers'][number], 'at'>[] };
    const unknown = unknownPolicyRules(raw.rules ?? {}, (key) => locate(d, ['rules', key], true));
    if (unknown.length > 0) return { diagnostics: [...diagnostics, ...unknown] };
    return {
      policy: {
        rules: raw.rules ?? {},
        ...(raw.timeBoxDays !== undefined && { timeBoxDays: raw.timeBoxDays }),
        waivers: (raw.waivers ?? []).map((w, i) => ({ ...w, at: locate(d, ['waivers', i]) })),
        file: d.file,
        at: locate(d, []),
      },
      diagnostics,
    };
  }
  if (diagnostics.length === 0)
    diagnostics.push(diagnostic({ file: loaded.value[0]?.file ?? file, line: 1, column: 1 }, 'no LintPolicy document in this file', 'schema'));
  return { diagnostics };
}
