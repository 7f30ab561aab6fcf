import type { Command } from 'commander';
import { runDrift } from '../../drift/drift.js';
import { parseFormat, type CommandContext } from '../context.js';

export function register(program: Command, ctx: CommandContext): void {
  program
    .command('drift')
    .description(
      'compare generated/clusters/<cluster> with a live cluster through the Kubernetes API, read-only: missing, extra and changed objects, aws-auth mappings added by hand (exit 1 on drift)',
    )
    .requiredOption('--context <name>', 'the kubeconfig context of the cluster')
    .option('--cluster <name>', "the generated cluster to compare (default: the one named like the context's cluster)")
    .option('--kubeconfig <file>', 'the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
    .option('--out <dir>', 'the generated folder', 'generated')
    .option('--format <format>', 'text or json', 'text')
    .option('--timeout <duration>', 'give up when the cluster has not answered within this time (e.g. 10s, 500ms)', '10s')
    .addHelpText(
      'after',
      `
Reads, with list/get only: ClusterRoles, ClusterRoleBindings, Roles and RoleBindings labelled
app.kubernetes.io/managed-by=eks-access (all namespaces) and the ConfigMap kube-system/aws-auth.
Server-set fields (uid, resourceVersion, managedFields, ...), the kubectl last-applied annotation,
Argo CD / Flux tracking labels and the rules of aggregated ClusterRoles are not compared.
Exit codes: 0 in sync, 1 drift, 2 the cluster could not be read (unreachable, 401, 403, timeout).`,
    )
    .action(async (opts: { context: string; cluster?: string; kubeconfig?: string; out: string; format: string; timeout: string }) => {
      ctx.setCode(await runDrift({ ...opts, format: parseFormat(opts.format, ['text', 'json']) }, ctx.io));
    });
}
