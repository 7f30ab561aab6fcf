import { Command, CommanderError } from 'commander';
import { formatDiagnostic, hasErrors, UsageError, type Diagnostic } from './diagnostics.js';
import { loadAccess } from './pipeline.js';

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
