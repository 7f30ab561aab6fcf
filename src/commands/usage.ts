/**
 * `eks-access usage --cluster C --audit-log PATH.. [--since 90d] [--today YYYY-MM-DD]
 * [--format text|markdown|json] [--dir access]`: which grants the requests in a cluster's Kubernetes
 * audit logs used, partly used or never used, what was denied, and whose requests belong to no one in
 * the access folder (src/usage/). Exit 0 with the report; 1 when the access folder or a log is invalid
 * (file:line, nothing reported); 2 when the command is used wrongly.
 */
import type { Command } from 'commander';
import { lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandContext } from '../cli.js';
import { UsageError } from '../diagnostics.js';
import { displayPath } from '../load/load.js';
import { clusterOf } from '../rbac/query.js';
import { compareStrings, printable } from '../text.js';
import { checkToday, isCalendarDate, loadValidModel } from './review.js';
import { AuditLogError, readAuditLog } from '../usage/audit-log.js';
import { renderUsageMarkdown, renderUsageText } from '../usage/render.js';
import { UsageCollector, type UsageReport, type UsageWindow } from '../usage/usage.js';

export const USAGE_FORMATS = ['text', 'markdown', 'json'] as const;
type UsageFormat = (typeof USAGE_FORMATS)[number];

/** `--since`: `90d`, `12w` (days before today) or a date; the window ends with today. */
export function parseWindow(since: string, today: string): UsageWindow {
  const m = /^(\d{1,5})([dw])$/.exec(since.trim());
  let from: string;
  if (m) from = new Date(Date.parse(`${today}T00:00:00Z`) - Number(m[1]) * (m[2] === 'w' ? 7 : 1) * 86_400_000).toISOString().slice(0, 10);
  else if (isCalendarDate(since)) from = since;
  else throw new UsageError(`--since must be a number of days or weeks such as 90d or 12w, or a date written YYYY-MM-DD, got "${since}"`);
  if (from > today) throw new UsageError(`--since ${since} is after --today ${today}`);
  return { since: from, until: today };
}

/** The files to read: each path, or every file under a folder (in name order), each once; links to folders are not followed. */
function logFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const walk = (path: string, given: boolean): void => {
    let stat;
    try {
      stat = given ? statSync(path) : lstatSync(path);
    } catch {
      if (given) throw new UsageError(`--audit-log ${printable(path)}: no such file or folder`);
      return;
    }
    if (stat.isDirectory()) {
      for (const name of readdirSync(path).sort(compareStrings)) if (!name.startsWith('.')) walk(join(path, name), false);
      return;
    }
    if (stat.isSymbolicLink()) {
      try {
        if (!statSync(path).isFile()) return;
      } catch {
        return;
      }
    } else if (!stat.isFile()) {
      if (given) throw new UsageError(`--audit-log ${printable(path)} is neither a file nor a folder`);
      return;
    }
    const real = realpathSync(path);
    if (seen.has(real)) return;
    seen.add(real);
    out.push(path);
  };
  for (const p of paths) walk(p, true);
  return out;
}

/** The JSON of SPEC's usage contract: the report's own fields, without those kept for the text reports. */
export function usageJson(r: UsageReport): string {
  const grants = r.grants.map(({ employee, cluster, file, line, status, used, unused, suggestion }) => ({ employee, cluster, file, line, status, used, unused, suggestion }));
  return JSON.stringify({ ...r, grants }, null, 2) + '\n';
}

export function renderUsage(r: UsageReport, format: UsageFormat): string {
  switch (format) {
    case 'json':
      return usageJson(r);
    case 'markdown':
      return renderUsageMarkdown(r);
    case 'text':
      return renderUsageText(r);
  }
}

export function registerUsage(program: Command, ctx: CommandContext): void {
  program
    .command('usage')
    .description("which grants a cluster's Kubernetes audit logs show used, partly used or unused, what was denied, and requests of users not in the access folder")
    .option('--cluster <name>', 'the cluster the audit logs are from (required when the folder has several)')
    .requiredOption('--audit-log <paths...>', 'audit log files or folders: JSON lines or `aws logs filter-log-events` output, optionally gzipped')
    .option('--since <window>', 'the start of the window: Nd or Nw before --today, or a date YYYY-MM-DD', '90d')
    .option('--today <date>', 'the last day of the window (YYYY-MM-DD); default: today in UTC')
    .option('--format <format>', `output format: ${USAGE_FORMATS.join(', ')}`, 'text')
    .option('--dir <dir>', 'the access folder', 'access')
    .action(async (opts: { cluster?: string; auditLog: string[]; since: string; today?: string; format: string; dir: string }) => {
      if (!(USAGE_FORMATS as readonly string[]).includes(opts.format)) throw new UsageError(`unknown --format "${opts.format}"; expected ${USAGE_FORMATS.join(', ')}`);
      const window = parseWindow(opts.since, checkToday(opts.today));
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
        ctx.setCode(1);
        return;
      }
      if (read === 0) {
        // Every grant would look unused: more likely audit logging is off or the export is wrong.
        ctx.io.stderr.write(`${files.length === 0 ? 'no audit log file found' : `no audit event in ${files.map((f) => printable(displayPath(f))).join(', ')}`}: is audit logging on for ${cluster.name}, and the export complete? No usage report: every grant would look unused\n`);
        ctx.setCode(1);
        return;
      }
      const report = collector.report();
      if (report.events === 0) ctx.io.stderr.write(`warning: none of the ${read} audit event(s) is a ResponseComplete event from ${window.since} to ${window.until}: every grant looks unused\n`);
      ctx.io.stdout.write(renderUsage(report, opts.format as UsageFormat));
    });
}
