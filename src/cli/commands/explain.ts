import type { Command } from 'commander';
import { dirOption, EXIT, parseFormat, parseToday, printDiagnostics, type CommandContext } from '../context.js';

export function register(program: Command, { io, setCode }: CommandContext): void {
  program
    .command('explain')
    .description('everything one employee can do, per cluster and namespace, with where each permission comes from')
    .argument('<employee>')
    .option('--cluster <name>', 'only this cluster')
    .option('--format <format>', 'text, markdown or json', 'text')
    .addOption(dirOption())
    .option('--today <date>', 'judge expiry dates as of this day (YYYY-MM-DD)')
    .action(async (employee: string, opts: { cluster?: string; format: string; dir: string; today?: string }) => {
      const format = parseFormat(opts.format, ['text', 'markdown', 'json']);
      const { explainEmployee, InvalidAccessError } = await import('../../explain/explain.js');
      try {
        io.stdout.write(
          await explainEmployee({
            dir: opts.dir,
            employee,
            ...(opts.cluster !== undefined && { cluster: opts.cluster }),
            format,
            today: parseToday(opts.today),
          }),
        );
      } catch (e) {
        if (!(e instanceof InvalidAccessError)) throw e;
        printDiagnostics(io, e.diagnostics);
        setCode(EXIT.problems);
      }
    });
}
