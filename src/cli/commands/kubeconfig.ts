import type { Command } from 'commander';
import { formatDiagnostic } from '../../diagnostics.js';
import { kubeconfigFor } from '../../kubeconfig/kubeconfig.js';
import { dirOption, EXIT, loadValidModel, type CommandContext } from '../context.js';

export function register(program: Command, ctx: CommandContext): void {
  program
    .command('kubeconfig')
    .description("print an employee's kubeconfig (one context per cluster, aws eks get-token), ready for KUBECONFIG=")
    .argument('<employee>', 'the employee name')
    .option('--cluster <name>', 'only the context of this cluster')
    .addOption(dirOption())
    .addHelpText('after', '\nExample:\n  eks-access kubeconfig alice > ~/.kube/eks-access-alice && KUBECONFIG=~/.kube/eks-access-alice kubectl get pods\n')
    .action(async (employee: string, opts: { cluster?: string; dir: string }) => {
      const model = await loadValidModel(opts.dir, ctx, 'no kubeconfig');
      if (!model) return;
      const result = await kubeconfigFor(model, employee, opts.cluster);
      if (!result.ok) {
        for (const d of result.problems) ctx.io.stderr.write(formatDiagnostic(d) + '\n');
        ctx.setCode(EXIT.problems);
        return;
      }
      for (const d of result.warnings) ctx.io.stderr.write(formatDiagnostic(d) + '\n');
      ctx.io.stdout.write(result.text);
    });
}
