import type { Command } from 'commander';
import { AUTHENTICATION, importAccess, REPORT_FILE, type ImportCommandOptions } from '../../import/import.js';
import { EXIT, type CommandContext } from '../context.js';

export function register(program: Command, ctx: CommandContext): void {
  program
    .command('import')
    .description("write the access files that reproduce an existing cluster's aws-auth ConfigMap and RBAC, with a report of what they cannot express")
    .option('--aws-auth <file>', 'the aws-auth ConfigMap (kubectl -n kube-system get configmap aws-auth -o yaml)')
    .option('--manifests <paths...>', 'the RBAC dump: kubectl get clusterroles,clusterrolebindings,roles,rolebindings -A -o yaml (files or folders)')
    .option('--cluster <name>', 'the cluster name (default: derived from eksctl role names)')
    .option('--account <id>', 'the AWS account id (default: the account of the node roles)')
    .option('--region <region>', 'the AWS region (required unless an IAM Identity Center role ARN names it)')
    .option('--authentication <mode>', `the cluster's authentication: ${AUTHENTICATION.join(', ')}`, 'aws-auth')
    .option('--email-domain <domain>', 'domain of placeholder emails for people whose email cannot be derived', 'unknown.invalid')
    .requiredOption('--out-dir <dir>', 'the access folder to write into (clusters/, profiles/, employees/)')
    .option('--force', 'overwrite files that already exist')
    .addHelpText(
      'after',
      `
Example:
  kubectl -n kube-system get configmap aws-auth -o yaml > aws-auth.yaml
  kubectl get clusterroles,clusterrolebindings,roles,rolebindings -A -o yaml > rbac.yaml
  eks-access import --aws-auth aws-auth.yaml --manifests rbac.yaml --cluster prod-eu --region eu-west-1 --out-dir access

Writes clusters/<name>.yaml, profiles/<name>.yaml, employees/<name>.yaml and ${REPORT_FILE}; refuses to
overwrite existing files without --force. Exit codes: 0 written; 1 the input is invalid (malformed
aws-auth, YAML errors); 2 wrong usage, a missing file, or files that already exist.
`,
    )
    .action(async (opts: ImportCommandOptions) => {
      const outcome = await importAccess(opts);
      if (outcome.ok) ctx.io.stdout.write(outcome.report);
      for (const line of outcome.notes) ctx.io.stderr.write(`${line}\n`);
      ctx.setCode(outcome.ok ? EXIT.ok : EXIT.problems);
    });
}
