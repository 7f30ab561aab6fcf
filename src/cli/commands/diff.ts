import type { Command } from 'commander';
import { dirOption, parseFormat, parseToday, type CommandContext } from '../context.js';

export function register(program: Command, { io }: CommandContext): void {
  program
    .command('diff')
    .description('what access changed between a git revision and the working tree, in permissions, as Markdown for a pull-request comment')
    .requiredOption('--base <ref>', 'the git revision to compare with, e.g. origin/main')
    .addOption(dirOption())
    .option('--format <format>', 'markdown or json', 'markdown')
    .option('--output <file>', 'also write the full report (not cut to fit a comment) to this file')
    .option('--today <date>', 'judge expiry dates as of this day (YYYY-MM-DD)')
    .action(async (opts: { base: string; dir: string; format: string; output?: string; today?: string }) => {
      const format = parseFormat(opts.format, ['markdown', 'json']);
      const { diffAccess, diffJson, writeReport } = await import('../../diff/diff.js');
      const result = await diffAccess({ dir: opts.dir, base: opts.base, today: parseToday(opts.today) });
      if (opts.output !== undefined) writeReport(opts.output, format === 'json' ? diffJson(result, opts.base) : result.fullMarkdown);
      io.stdout.write(format === 'json' ? diffJson(result, opts.base) : result.markdown);
    });
}
