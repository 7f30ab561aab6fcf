import type { Command } from 'commander';
import { runGenerate } from '../../generate/generate.js';
import { dirOption, parseToday, type CommandContext } from '../context.js';

export function register(program: Command, { io, setCode }: CommandContext): void {
  program
    .command('generate')
    .description('write aws-auth, RBAC, Terraform, kubeconfigs and the access report into the output folder (all or nothing)')
    .addOption(dirOption())
    .option('--out <dir>', 'the output folder, owned by eks-access', 'generated')
    .option('--check', 'write nothing; print a diff and exit 1 when the output folder is stale')
    .option('--today <date>', 'judge expiry dates as of this day (YYYY-MM-DD); default: today in UTC')
    .action(async (opts: { dir: string; out: string; check?: boolean; today?: string }) => {
      setCode(await runGenerate({ dir: opts.dir, out: opts.out, today: parseToday(opts.today), ...(opts.check && { check: true }) }, io));
    });
}
