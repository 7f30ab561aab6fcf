/**
 * `eks-access import`: an existing cluster's aws-auth ConfigMap and RBAC dump in, the access files that
 * reproduce it out (clusters/, profiles/, employees/), with IMPORT-REPORT.md saying what could not be
 * expressed. The plan is in plan.ts, the check of the permissions in verify.ts; this module reads,
 * checks, verifies and writes. src/cli/commands/import.ts prints what it returns.
 */
import { needsQuotes } from '../emit/serialize.js';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Document, isScalar, visit } from 'yaml';
import { comparePositions, formatDiagnostic, hasErrors, lineText, positionOf, UsageError, type Diagnostic, type Source } from '../diagnostics.js';
import { discoverFiles, displayPath, expandPaths, loadFiles, parseYamlText, type LoadedDocument } from '../load/load.js';
import type { AuthenticationMode } from '../model/types.js';
import { buildAccess } from '../pipeline.js';
import { blockingFindings } from '../lint/index.js';
import type { Finding } from '../lint/types.js';
import { bundleFromDocuments } from '../rbac/manifest-bundle.js';
import { codeSpan, markdownText, printable } from '../text.js';
import { addFiles, WriteError } from '../write/writer.js';
import { planImport, REPORT_SECTIONS, type ImportPlan, type ImportOptions, type SectionId } from './plan.js';
import { comparePermissions, type Difference } from './verify.js';

export const AUTHENTICATION: readonly AuthenticationMode[] = ['aws-auth', 'both', 'access-entries'];
export const REPORT_FILE = 'IMPORT-REPORT.md';

/**
 * The `$schema` reference for a file written into `outDir`: the nearest `schemas/access.schema.json` in
 * `outDir` or above it (this repository, or one `eks-access init` made), else none. A path to the
 * installed package's own copy would break as soon as the repository is cloned elsewhere.
 */
export function schemaReference(outDir: string, fileDir: string): string | undefined {
  const toPosix = (p: string) => p.split(sep).join('/');
  for (let d = resolve(outDir); ; d = dirname(d)) {
    const candidate = join(d, 'schemas', 'access.schema.json');
    if (existsSync(candidate)) return toPosix(relative(resolve(fileDir), candidate));
    if (dirname(d) === d) break;
  }
  return undefined;
}

/** YAML text of one access document, fields in the order people read them. */
export function documentText(data: Record<string, unknown>, schema: string | undefined): string {
  const header = schema === undefined ? '' : `# yaml-language-server: $schema=${schema}\n`;
  const doc = new Document(data, { version: '1.2', aliasDuplicateObjects: false });
  // Lists of plain values on one line, as people write them: namespaces: [a, b], verbs: [get, list].
  visit(doc, {
    Seq: (_key, node) => void (node.flow = node.items.every((i) => isScalar(i))),
    // Quoted as generate quotes them, so yq, go-yaml and PyYAML read these files as eks-access does
    // (`0X1F`, `2001-1-2`, `=` and `<<` stay strings).
    Scalar: (_key, node) => void (typeof node.value === 'string' && needsQuotes(node.value) && (node.type = 'QUOTE_DOUBLE')),
  });
  return header + doc.toString({ lineWidth: 0, indentSeq: true, flowCollectionPadding: false });
}

/** The import report as Markdown: every value of the input escaped (markdownText) or in a code span (codeSpan). */
function formatReport(plan: ImportPlan, extra: { outDir: string; verified?: { people: number; requests: number; differences: Difference[] } }): string {
  const r = plan.report;
  // The arrows of the notes (`User x -> ClusterRole y`) are the report's own, so they stay as written.
  const md = (text: string) => text.split(' -> ').map(markdownText).join(' -> ');
  const lines: string[] = [`# Import report: cluster ${md(r.cluster)}`, ''];
  const count = (kind: string) => plan.documents.filter((d) => d.kind === kind).length;
  lines.push(
    `Read ${r.sources.map((s) => codeSpan(s)).join(', ')}: ${r.customObjects} custom RBAC objects; ${r.platformObjects} Kubernetes and EKS default objects (system:*, eks:*) skipped.`,
  );
  lines.push(
    `Wrote 1 cluster, ${count('Profile')} profile(s) and ${count('Employee')} employee(s) to ${codeSpan(extra.outDir)} (authentication: ${plan.cluster.authentication}).`,
  );
  if (extra.verified) {
    const v = extra.verified;
    lines.push(
      v.differences.length === 0
        ? `Verified with the can-i engine: each of the ${v.people} imported principals has the same permissions before and after the import (the same rules in every namespace, or the same answer to up to ${v.requests} requests: verbs × the resources their roles name × every namespace and cluster-wide).`
        : `**Permissions differ** for ${v.differences.length} principal(s) (can-i engine, up to ${v.requests} requests each); see below.`,
    );
  }
  lines.push('');
  const at = (a?: Source) => {
    if (!a) return '';
    const { line, column } = positionOf(a);
    return `${md(a.file)}:${line}:${column}  `;
  };
  if (extra.verified && extra.verified.differences.length > 0) {
    lines.push('## Permission differences', '');
    for (const d of extra.verified.differences) {
      lines.push(`- ${md(d.who)}:`);
      for (const p of d.problems.slice(0, 10)) lines.push(`  - ${md(p)}`);
      if (d.problems.length > 10) lines.push(`  - ... and ${d.problems.length - 10} more`);
    }
    lines.push('');
  }
  for (const [id, title] of Object.entries(REPORT_SECTIONS) as [SectionId, string][]) {
    const items = r.sections[id];
    if (items.length === 0) continue;
    lines.push(`## ${title}`, '');
    if (id === 'usernames')
      lines.push(
        'eks-access maps every role with the username template `session:{{SessionName}}` and an IAM user as their employee name. The bindings are generated for the new usernames, so permissions stay the same; anything else that names the old usernames (audit queries, admission policies) must follow.',
        '',
      );
    if (id === 'replaced') lines.push('They name the old usernames or the expanded groups; the generated bindings grant the same to the new ones.', '');
    // In input order: by file and position, notes without one last.
    const sorted = [...items].sort(
      (a, b) => (a.at ? 0 : 1) - (b.at ? 0 : 1) || (a.at && b.at ? (a.at.file < b.at.file ? -1 : a.at.file > b.at.file ? 1 : comparePositions(a.at, b.at)) : 0),
    );
    for (const item of sorted) lines.push(`- ${at(item.at)}${md(item.text)}`);
    lines.push('');
  }
  return lines.join('\n').replace(/\n+$/, '\n');
}

async function load(paths: readonly string[]): Promise<{ documents: LoadedDocument[]; diagnostics: Diagnostic[] }> {
  const loaded = await loadFiles(await expandPaths(paths));
  return { documents: loaded.value, diagnostics: loaded.diagnostics };
}

export interface ImportCommandOptions extends Omit<ImportOptions, 'authentication' | 'today' | 'emailDomain'> {
  awsAuth?: string;
  manifests?: string[];
  authentication: string;
  outDir: string;
  force?: boolean;
  emailDomain: string;
}

/**
 * What an import did: the report (IMPORT-REPORT.md, also for stdout) and the lines for stderr, or,
 * when nothing was written, the lines saying why (exit 1).
 */
export type ImportOutcome = { ok: true; report: string; notes: string[] } | { ok: false; notes: string[] };

const refused = (diagnostics: readonly Diagnostic[], why: string): ImportOutcome => ({ ok: false, notes: [...diagnostics.map(formatDiagnostic), why] });

/** Runs the whole import. Wrong usage, missing input files and files that exist without `force` are UsageErrors. */
export async function importAccess(opts: ImportCommandOptions): Promise<ImportOutcome> {
  if (!(AUTHENTICATION as readonly string[]).includes(opts.authentication))
    throw new UsageError(`unknown --authentication "${opts.authentication}"; expected ${AUTHENTICATION.join(', ')}`);
  if (!opts.awsAuth && !opts.manifests?.length) throw new UsageError('give the cluster to import: --aws-auth FILE and --manifests PATH..');
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/.test(opts.emailDomain))
    throw new UsageError(`--email-domain must be a domain such as example.com, got "${opts.emailDomain}"`);
  const awsAuth = opts.awsAuth ? await load([opts.awsAuth]) : { documents: [], diagnostics: [] };
  const manifests = opts.manifests?.length ? await load(opts.manifests) : { documents: [], diagnostics: [] };
  const loadProblems = [...awsAuth.diagnostics, ...manifests.diagnostics].filter((d) => d.severity === 'error');
  if (loadProblems.length > 0) return refused(loadProblems, 'nothing imported: the input has errors');
  const result = planImport(awsAuth.documents, manifests.documents, {
    ...(opts.cluster !== undefined && { cluster: opts.cluster }),
    ...(opts.account !== undefined && { account: opts.account }),
    ...(opts.region !== undefined && { region: opts.region }),
    authentication: opts.authentication as AuthenticationMode,
    emailDomain: opts.emailDomain,
    today: new Date().toISOString().slice(0, 10),
  });
  if (!result.ok) return refused(result.problems, 'nothing imported: the aws-auth ConfigMap is malformed');
  const plan = result.plan;
  const outDir = opts.outDir;
  // Every file gets a modeline: to the nearest schemas/, or, without one, to where eks-access init
  // puts it beside the access folder (reported below, so the schemas can be copied there).
  const noSchemas = schemaReference(outDir, outDir) === undefined;
  const fallbackSchema = join(resolve(outDir), '..', 'schemas', 'access.schema.json');
  const files = plan.documents.map((d) => {
    const path = join(outDir, d.path);
    return {
      path,
      content: documentText(
        d.data,
        schemaReference(outDir, dirname(path)) ??
          relative(resolve(dirname(path)), fallbackSchema)
            .split(sep)
            .join('/'),
      ),
    };
  });

  files.push({ path: join(outDir, REPORT_FILE), content: '' });
  const existing = files.filter((f) => existsSync(f.path));
  if (existing.length > 0 && !opts.force) {
    throw new UsageError(
      `${existing.map((f) => displayPath(f.path)).join(', ')} already exist${existing.length === 1 ? 's' : ''}; nothing written (use --force to overwrite)`,
    );
  }
  files.pop();

  // The folder as it will be, with any access files already in it, must pass \`eks-access validate\`.
  const ours = new Set(files.map((f) => resolve(f.path)));
  const others = existsSync(outDir) && statSync(outDir).isDirectory() ? (await discoverFiles(outDir)).filter((f) => !ours.has(resolve(f))) : [];
  const before = await loadFiles(others);
  const parsed = [...before.value, ...files.flatMap((f) => parseYamlText(f.content, displayPath(f.path)).value)];
  const loaded = buildAccess(parsed, before.diagnostics);
  if (!loaded.model || hasErrors(loaded.diagnostics)) {
    return refused(
      loaded.diagnostics,
      others.length > 0
        ? `nothing written: with the access files already in ${outDir}, the folder would not validate; import into an empty folder and merge by hand`
        : `nothing written: the imported files would not validate (please report this with the input)`,
    );
  }
  // The input side of the comparison: RBAC from the dump, identities from the imported aws-auth.
  const inputAuth = bundleFromDocuments(awsAuth.documents.length > 0 ? awsAuth.documents : manifests.documents);
  const cluster = loaded.model.clusters.get(plan.cluster.name)!;
  const verified = comparePermissions({
    input: { bundle: bundleFromDocuments(manifests.documents).bundle, awsAuth: inputAuth.awsAuth, accounts: inputAuth.accounts },
    model: loaded.model,
    cluster,
    retained: plan.retained,
    people: plan.people,
    preservedPrincipals: plan.preservedPrincipals,
  });
  // What generate would stop on: lint errors of the imported access, each to fix or waive first.
  const blocking = blockingFindings(loaded.model, outDir, new Date().toISOString().slice(0, 10));
  const report =
    formatReport(plan, { outDir: displayPath(resolve(outDir)), verified: { people: plan.people.length + plan.preservedPrincipals.length, ...verified } }) +
    waiverSection(blocking);
  files.push({ path: join(outDir, REPORT_FILE), content: report });
  try {
    // All or nothing, through the writer: the files of the access folder that are not ours stay as they are.
    await addFiles(
      outDir,
      files.map((f) => ({ path: relative(outDir, f.path).split(sep).join('/'), content: f.content })),
    );
  } catch (e) {
    if (e instanceof WriteError) throw new UsageError(e.message);
    throw e;
  }
  const notes = [
    `${displayPath(resolve(outDir))}: wrote ${files.length} files (${plan.documents.length} access documents and ${REPORT_FILE})${verified.differences.length > 0 ? '; permissions differ, see the report' : ''}`,
  ];
  notes.push(...loaded.diagnostics.map(formatDiagnostic));
  if (noSchemas)
    notes.push(
      `the files' $schema modelines point at ${displayPath(fallbackSchema)}, which does not exist yet: copy this release's schemas there (eks-access init writes them)`,
    );
  if (blocking.length > 0) {
    notes.push(
      `before ${displayPath(resolve(outDir))} generates, ${blocking.length} lint error(s) need a fix or a waiver (a LintPolicy with waivers: rule, employee, reason, expires); see "${WAIVER_TITLE}" in ${REPORT_FILE}`,
    );
  }
  return { ok: true, report, notes };
}

const WAIVER_TITLE = 'Before generate: findings that need a fix or a waiver';

/** The report's last section: the lint errors that stop `generate` on the imported folder, with a waiver to copy for each. */
function waiverSection(blocking: readonly Finding[]): string {
  if (blocking.length === 0) return `\n## ${WAIVER_TITLE}\n\nNone: the imported folder passes lint and generates as it is.\n`;
  const lines = [
    '',
    `## ${WAIVER_TITLE}`,
    '',
    `The imported access reproduces the cluster as it is, including what the linter refuses: \`eks-access generate\` stops on these ${blocking.length} error(s) until each is fixed (the grant narrowed) or waived in a LintPolicy, with a reason and an expiry:`,
    '',
  ];
  for (const f of blocking) lines.push(`- ${codeSpan(lineText(f))} **${markdownText(f.ruleId)}**: ${markdownText(f.message)}`);
  lines.push('', 'A waiver for one of them, to adapt (in `policy.yaml`, `kind: LintPolicy`):', '', '```yaml', 'waivers:');
  const seen = new Set<string>();
  for (const f of blocking) {
    const key = `${f.ruleId}\0${f.employee ?? f.file}`;
    if (seen.has(key)) continue;
    seen.add(key);
    // In the YAML block, each value stays on its line (printable): none can close the block.
    lines.push(
      `  - rule: ${printable(f.ruleId)}`,
      f.employee !== undefined ? `    employee: ${printable(f.employee)}` : `    file: ${printable(f.file)}`,
      '    reason: TICKET imported as it was; narrow it',
      '    expires: YYYY-MM-DD',
    );
  }
  lines.push('```', '');
  return lines.join('\n');
}
