import { normalize, posix, sep } from 'node:path';
import type { Command } from 'commander';
import { scaffoldFiles, shown, writeScaffold } from '../../init/init.js';
import type { CommandContext } from '../context.js';

export function register(program: Command, ctx: CommandContext): void {
  program
    .command('init')
    .description(
      'scaffold an access repository: an example access/ folder, the schemas, a README, GitHub workflows (pull-request checks, weekly review, daily expiry), a Terraform root per account, CODEOWNERS, .gitignore, editor settings and Argo CD / Flux examples',
    )
    .argument('[dir]', 'the folder to scaffold (created if missing)', '.')
    .option('--force', 'overwrite files that already exist')
    .action(async (dir: string, opts: { force?: boolean }) => {
      const files = await scaffoldFiles();
      await writeScaffold(dir, files, { force: opts.force === true });
      for (const f of files) ctx.io.stdout.write(`wrote ${shown(dir, f.path)}\n`);
      const cd = normalize(dir) === '.' ? '' : `cd ${posix.normalize(dir.split(sep).join('/'))} && `;
      ctx.io.stdout.write(
        [
          '',
          'Next steps:',
          '  1. describe your clusters in access/clusters/ and replace the example employee and profile',
          `  2. ${cd}eks-access lint && eks-access generate`,
          '  3. set the state backend in terraform/<account>/main.tf (one folder per account) and run terraform there',
          '  4. replace the teams in .github/CODEOWNERS; commit everything; point Argo CD or Flux at generated/clusters/<cluster> (see deploy/)',
          '',
        ].join('\n'),
      );
    });
}
