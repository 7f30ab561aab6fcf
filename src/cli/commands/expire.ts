import type { Command } from 'commander';
import { applyPlan, describeRemoval, planExpire } from '../../expire/expire.js';
import { patchOf } from '../../write/writer.js';
import { dirOption, loadValidModel, parseToday, type CommandContext } from '../context.js';

export function register(program: Command, ctx: CommandContext): void {
  program
    .command('expire')
    .description('remove expired grants and people from the access files, keeping comments and formatting (prints the changes; --write makes them)')
    .addOption(dirOption())
    .option('--write', 'edit the access files (default: only print what would change)')
    .option('--today <date>', 'judge expiry dates as of this day (YYYY-MM-DD); default: today in UTC')
    .action(async (opts: { dir: string; write?: boolean; today?: string }) => {
      const today = parseToday(opts.today);
      const model = await loadValidModel(opts.dir, ctx, 'nothing changed');
      if (!model) return;
      const plan = await planExpire(model, today);
      if (plan.removals.length === 0) {
        ctx.io.stdout.write(`nothing has expired in ${opts.dir} as of ${today}\n`);
        return;
      }
      for (const r of plan.removals) ctx.io.stdout.write(`${r.file}:${r.line}:${r.column}: ${opts.write ? 'removed' : 'would remove'} ${describeRemoval(r)}\n`);
      if (!opts.write) {
        for (const [file, { before, after }] of plan.files) {
          ctx.io.stdout.write(
            patchOf({ path: file, status: after === undefined ? 'removed' : 'changed', before, ...(after !== undefined && { after }) }, '.').replace(
              /^(---|\+\+\+) ([ab])\/\.\//gm,
              '$1 $2/',
            ),
          );
        }
        ctx.io.stdout.write(`${plan.removals.length} expired grant(s) or people; run eks-access expire --write to remove them\n`);
        return;
      }
      await applyPlan(plan);
      ctx.io.stdout.write(
        `${plan.removals.length} expired grant(s) or people removed from ${plan.files.size} file(s); run eks-access generate and commit both\n`,
      );
    });
}
