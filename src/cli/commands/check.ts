import type { Command } from 'commander';
import { runCheck } from '../../check/check.js';
import { dirOption, parseFormat, parseToday, type CommandContext } from '../context.js';

export function register(program: Command, ctx: CommandContext): void {
  program
    .command('check')
    .description('the pull-request job from one read of each tree: lint, check the output folder, and write what access changes since --base')
    .requiredOption('--base <ref>', 'the git revision to compare with, e.g. origin/main')
    .addOption(dirOption())
    .option('--out <dir>', 'the output folder to check, as generate --check does', 'generated')
    .option('--sarif <file>', 'write the lint findings as SARIF 2.1.0 (for GitHub code scanning)')
    .option('--comment <file>', 'write the access changes as Markdown that fits a GitHub comment')
    .option('--output <file>', 'write the full access-change report (not cut to fit a comment)')
    .option('--output-format <format>', 'markdown or json, for --output', 'markdown')
    .option('--format <format>', 'how findings are printed: text or github (workflow annotations)', 'text')
    .option('--today <date>', 'judge expiry dates as of this day (YYYY-MM-DD); default: today in UTC')
    .action(
      async (opts: {
        base: string;
        dir: string;
        out: string;
        sarif?: string;
        comment?: string;
        output?: string;
        outputFormat: string;
        format: string;
        today?: string;
      }) => {
        const format = parseFormat(opts.format, ['text', 'github']);
        const outputFormat = parseFormat(opts.outputFormat, ['markdown', 'json'], '--output-format');
        const code = await runCheck(
          {
            base: opts.base,
            dir: opts.dir,
            out: opts.out,
            today: parseToday(opts.today),
            format,
            outputFormat,
            ...(opts.sarif !== undefined && { sarif: opts.sarif }),
            ...(opts.comment !== undefined && { comment: opts.comment }),
            ...(opts.output !== undefined && { output: opts.output }),
          },
          ctx.io,
        );
        ctx.setCode(code);
      },
    );
}
