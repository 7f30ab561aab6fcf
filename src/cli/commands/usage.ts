/**
 * `eks-access usage --cluster C --audit-log PATH.. [--since 90d] [--today YYYY-MM-DD]
 * [--format text|markdown|json] [--dir access]`: which grants the requests in a cluster's Kubernetes
 * audit logs used, partly used or never used, what was denied, and whose requests belong to no one in
 * the access folder (src/usage/). Exit 0 with the report; 1 when the access folder or a log is invalid
 * (file:line, nothing reported); 2 when the command is used wrongly.
 */
import type { Command } from 'commander';
import { displayPath } from '../../load/load.js';
import { clusterOf } from '../../rbac/query.js';
import { printable } from '../../text.js';
import { AuditLogError, readAuditLog } from '../../usage/audit-log.js';
import { UsageCollector } from '../../usage/usage.js';
import { logFiles, parseWindow, renderUsage, USAGE_FORMATS } from '../../usage/window.js';
import { dirOption, EXIT, loadValidModel, parseFormat, parseToday, type CommandContext } from '../context.js';

export function register(program: Command, ctx: CommandContext): void {
  program
    .command('usage')
    .description(
      "which grants a cluster's Kubernetes audit logs show used, partly used or unused, what was denied, and requests of users not in the access folder",
    )
    .option('--cluster <name>', 'the cluster the audit logs are from (required when the folder has several)')
    .requiredOption('--audit-log <paths...>', 'audit log files or folders: JSON lines or `aws logs filter-log-events` output, optionally gzipped')
    .option('--since <window>', 'the start of the window: Nd or Nw before --today, or a date YYYY-MM-DD', '90d')
    .option('--today <date>', 'the last day of the window (YYYY-MM-DD); default: today in UTC')
    .option('--format <format>', `output format: ${USAGE_FORMATS.join(', ')}`, 'text')
    .addOption(dirOption())
    .action(async (opts: { cluster?: string; auditLog: string[]; since: string; today?: string; format: string; dir: string }) => {
      const format = parseFormat(opts.format, USAGE_FORMATS);
      const window = parseWindow(opts.since, parseToday(opts.today));
      const files = logFiles(opts.auditLog);
      const model = await loadValidModel(opts.dir, ctx, 'no usage report');
      if (!model) return;
      const cluster = clusterOf(model, opts.cluster);
      const collector = new UsageCollector(model, cluster, window, opts.dir);
      let read = 0;
      try {
        for (const path of files) {
          const file = displayPath(path);
          await readAuditLog(path, file, (event) => {
            read++;
            collector.add(event);
          });
        }
      } catch (e) {
        if (!(e instanceof AuditLogError)) throw e;
        ctx.io.stderr.write(`${printable(e.file)}:${e.line}: ${printable(e.detail)}\n`);
        ctx.io.stderr.write('no usage report: the audit log is not valid (nothing of it was counted)\n');
        ctx.setCode(EXIT.problems);
        return;
      }
      if (read === 0) {
        // Every grant would look unused: more likely audit logging is off or the export is wrong.
        ctx.io.stderr.write(
          `${files.length === 0 ? 'no audit log file found' : `no audit event in ${files.map((f) => printable(displayPath(f))).join(', ')}`}: is audit logging on for ${cluster.name}, and the export complete? No usage report: every grant would look unused\n`,
        );
        ctx.setCode(EXIT.problems);
        return;
      }
      const report = collector.report();
      if (report.events === 0)
        ctx.io.stderr.write(
          `warning: none of the ${read} audit event(s) is a ResponseComplete event from ${window.since} to ${window.until}: every grant looks unused\n`,
        );
      ctx.io.stdout.write(renderUsage(report, format));
    });
}
