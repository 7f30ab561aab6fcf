import { Command, CommanderError } from 'commander';
import { formatDiagnostic, hasErrors, sortDiagnostics, UsageError, type Diagnostic } from './diagnostics.js';
import { planOutput } from './emit/plan.js';
import { diagnosticsAsFindings, lintAccess, todayUtc } from './lint/index.js';
import { RULES, docsUrl } from './lint/rules/index.js';
import { failing } from './lint/run.js';
import type { Finding } from './lint/types.js';
import { formatGithub } from './report/github.js';
import { formatJson } from './report/json.js';
import { formatSarif } from './report/sarif.js';
import { formatText } from './report/text.js';
import { loadAccess } from './pipeline.js';
import { lintManifests } from './lint/manifests.js';
import { compareOutput, patchOf, readTree, writeOutput } from './write/writer.js';
import { basename, resolve } from 'node:path';

export interface Io {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** Exit codes of SPEC §3. */
export const EXIT = { ok: 0, problems: 1, usage: 2 } as const;

function printDiagnostics(io: Io, diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) io.stderr.write(formatDiagnostic(d) + '\n');
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  if (errors + warnings > 0) io.stderr.write(`${errors} error(s), ${warnings} warning(s)\n`);
}

function summarize(changes: readonly { status: string }[]): string {
  const count = (s: string) => changes.filter((c) => c.status === s).length;
  return `${count('added')} added, ${count('changed')} changed, ${count('removed')} removed`;
}

export const VERSION = '0.1.0';
const FORMATS = ['text', 'json', 'sarif', 'github'] as const;
type Format = (typeof FORMATS)[number];

function formatFindings(findings: readonly Finding[], format: Format): string {
  switch (format) {
    case 'json':
      return formatJson(findings);
    case 'sarif':
      return formatSarif(findings, RULES, VERSION);
    case 'github':
      return formatGithub(findings);
    case 'text':
      return formatText(findings);
  }
}

function checkDate(value: string | undefined): string {
  if (value === undefined) return todayUtc();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) throw new UsageError(`--today must be a date written YYYY-MM-DD, got "${value}"`);
  return value;
}

/**
 * Runs one command line and returns its exit code. Never calls process.exit and never throws for bad
 * input: every problem is printed to `io` and turned into an exit code.
 */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  let code: number = EXIT.ok;
  const program = new Command()
    .name('eks-access')
    .description('Amazon EKS access as code: validate, lint and generate aws-auth, RBAC, IAM and kubeconfigs from per-employee access files.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError('(run eks-access --help for usage)');

  program
    .command('validate')
    .description('schema and reference checks of the access folder')
    .option('--dir <dir>', 'the access folder', 'access')
    .action(async (opts: { dir: string }) => {
      const loaded = await loadAccess(opts.dir);
      printDiagnostics(io, loaded.diagnostics);
      if (hasErrors(loaded.diagnostics)) code = EXIT.problems;
      else io.stdout.write(`${opts.dir}: ${loaded.documents.length} document(s) valid\n`);
    });

  program
    .command('lint')
    .description('validate, then run the policy rules over the access folder (or over RBAC manifests and aws-auth ConfigMaps with --manifests)')
    .option('--dir <dir>', 'the access folder', 'access')
    .option('--manifests <paths...>', 'lint these Kubernetes RBAC / aws-auth files or folders instead of the access folder')
    .option('--format <format>', `output format: ${FORMATS.join(', ')}`, 'text')
    .option('--today <date>', 'judge expiry dates as of this day (YYYY-MM-DD); default: today in UTC')
    .action(async (opts: { dir: string; manifests?: string[]; format: string; today?: string }) => {
      if (!(FORMATS as readonly string[]).includes(opts.format)) throw new UsageError(`unknown --format "${opts.format}"; expected ${FORMATS.join(', ')}`);
      const today = checkDate(opts.today);
      const result = opts.manifests ? await lintManifests(opts.manifests, { today }) : await lintAccess(opts.dir, { today });
      const findings = [...diagnosticsAsFindings(result.diagnostics), ...result.findings];
      io.stdout.write(formatFindings(findings, opts.format as Format));
      if (failing(findings)) code = EXIT.problems;
    });

  program
    .command('rules')
    .description('print the lint rule catalogue')
    .option('--format <format>', 'text or json', 'text')
    .action((opts: { format: string }) => {
      if (opts.format === 'json') {
        io.stdout.write(JSON.stringify({ rules: RULES.map((r) => ({ ...r.meta, docs: docsUrl(r.meta.id) })) }, null, 2) + '\n');
        return;
      }
      if (opts.format !== 'text') throw new UsageError(`unknown --format "${opts.format}"; expected text or json`);
      for (const r of RULES) io.stdout.write(`${r.meta.id.padEnd(36)} ${r.meta.code.padEnd(8)} ${r.meta.severity.padEnd(8)} ${r.meta.risk.padEnd(9)} ${r.meta.description}\n`);
      io.stdout.write(`${RULES.length} rules; docs: docs/rules/<id>.md\n`);
    });

  program
    .command('generate')
    .description('write aws-auth, RBAC, Terraform, kubeconfigs and the access report into the output folder (all or nothing)')
    .option('--dir <dir>', 'the access folder', 'access')
    .option('--out <dir>', 'the output folder, owned by eks-access', 'generated')
    .option('--check', 'write nothing; print a diff and exit 1 when the output folder is stale')
    .option('--today <date>', 'judge expiry dates as of this day (YYYY-MM-DD); default: today in UTC')
    .action(async (opts: { dir: string; out: string; check?: boolean; today?: string }) => {
      const linted = await lintAccess(opts.dir, { today: checkDate(opts.today) });
      if (!linted.model) {
        printDiagnostics(io, linted.diagnostics);
        io.stderr.write(`nothing written to ${opts.out}\n`);
        code = EXIT.problems;
        return;
      }
      const plan = planOutput(linted.model);
      const diagnostics = sortDiagnostics([...linted.diagnostics, ...plan.diagnostics]);
      printDiagnostics(io, diagnostics);
      const blocking = linted.findings.filter((f) => f.severity === 'error' && !f.waived);
      if (blocking.length > 0) io.stderr.write(formatText(blocking));
      if (hasErrors(diagnostics) || blocking.length > 0) {
        io.stderr.write(`nothing written to ${opts.out}${blocking.length > 0 ? ' (lint errors; see eks-access lint)' : ''}\n`);
        code = EXIT.problems;
        return;
      }
      if (opts.check) {
        const changes = compareOutput(await readTree(opts.out), plan.files);
        const label = basename(resolve(opts.out));
        for (const c of changes) io.stdout.write(patchOf(c, label));
        if (changes.length > 0) {
          io.stderr.write(`${opts.out} is stale: ${summarize(changes)}; run eks-access generate and commit the result\n`);
          code = EXIT.problems;
        } else io.stderr.write(`${opts.out} is up to date (${plan.files.length} files)\n`);
        return;
      }
      const changes = await writeOutput(opts.out, plan.files);
      io.stdout.write(changes.length === 0 ? `${opts.out}: up to date (${plan.files.length} files)\n` : `${opts.out}: ${plan.files.length} files, ${summarize(changes)}\n`);
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (e instanceof UsageError) {
      io.stderr.write(`eks-access: ${e.message}\n`);
      return EXIT.usage;
    }
    const detail = e instanceof Error ? (e.stack ?? e.message) : String(e);
    io.stderr.write(`eks-access: internal error, please report it with the input that caused it:\n${detail}\n`);
    return EXIT.usage;
  }
  return code;
}
