import { Command, CommanderError } from 'commander';
import { formatDiagnostic, hasErrors, sortDiagnostics, UsageError, type Diagnostic } from './diagnostics.js';
import { planOutput } from './emit/plan.js';
import { loadAccess } from './pipeline.js';
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

/**
 * Runs one command line and returns its exit code. Never calls process.exit and never throws for bad
 * input: every problem is printed to `io` and turned into an exit code.
 */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  let code: number = EXIT.ok;
  const program = new Command()
    .name('eks-access')
    .description('Amazon EKS access as code: validate, lint and generate aws-auth, RBAC, IAM and kubeconfigs from per-employee access files.')
    .version('0.1.0')
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
    .command('generate')
    .description('write aws-auth, RBAC, Terraform, kubeconfigs and the access report into the output folder (all or nothing)')
    .option('--dir <dir>', 'the access folder', 'access')
    .option('--out <dir>', 'the output folder, owned by eks-access', 'generated')
    .option('--check', 'write nothing; print a diff and exit 1 when the output folder is stale')
    .action(async (opts: { dir: string; out: string; check?: boolean }) => {
      const loaded = await loadAccess(opts.dir);
      if (!loaded.model) {
        printDiagnostics(io, loaded.diagnostics);
        io.stderr.write(`nothing written to ${opts.out}\n`);
        code = EXIT.problems;
        return;
      }
      const plan = planOutput(loaded.model);
      const diagnostics = sortDiagnostics([...loaded.diagnostics, ...plan.diagnostics]);
      printDiagnostics(io, diagnostics);
      if (hasErrors(diagnostics)) {
        io.stderr.write(`nothing written to ${opts.out}\n`);
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
