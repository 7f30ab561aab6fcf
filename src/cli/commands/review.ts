import type { Command } from 'commander';
import { parseWithin, renderReview, review, reviewExitCode, REVIEW_FORMATS } from '../../review/review.js';
import { dirOption, loadValidModel, parseFormat, parseToday, type CommandContext } from '../context.js';

export function register(program: Command, ctx: CommandContext): void {
  program
    .command('review')
    .description(
      'access review: expired and soon-expiring access and waivers, cluster-admin without expires, IAM users, employees with no grants left (exit 1 when anything has expired)',
    )
    .addOption(dirOption())
    .option('--within <window>', 'how far ahead to look for expiring access and waivers: Nd (days) or Nw (weeks)', '30d')
    .option('--format <format>', `output format: ${REVIEW_FORMATS.join(', ')}`, 'text')
    .option('--today <date>', 'review as of this day (YYYY-MM-DD); default: today in UTC')
    .action(async (opts: { dir: string; within: string; format: string; today?: string }) => {
      const format = parseFormat(opts.format, REVIEW_FORMATS);
      const within = parseWithin(opts.within);
      const today = parseToday(opts.today);
      const model = await loadValidModel(opts.dir, ctx, 'no review');
      if (!model) return;
      const r = review(model, { today, within, accessDir: opts.dir });
      ctx.io.stdout.write(renderReview(r, format));
      ctx.setCode(reviewExitCode(r));
    });
}
