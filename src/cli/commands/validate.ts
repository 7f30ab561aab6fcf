import type { Command } from 'commander';
import { hasErrors } from '../../diagnostics.js';
import { loadAccess } from '../../pipeline.js';
import { dirOption, EXIT, printDiagnostics, type CommandContext } from '../context.js';

export function register(program: Command, { io, setCode }: CommandContext): void {
  program
    .command('validate')
    .description('schema and reference checks of the access folder')
    .addOption(dirOption())
    .action(async (opts: { dir: string }) => {
      const loaded = await loadAccess(opts.dir);
      printDiagnostics(io, loaded.diagnostics);
      if (hasErrors(loaded.diagnostics)) setCode(EXIT.problems);
      else io.stdout.write(`${opts.dir}: ${loaded.documents.length} document(s) valid\n`);
    });
}
