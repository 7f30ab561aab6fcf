/** The usage command's inputs and outputs: the window of `--since`, the audit log files to read, the report in each format. */
import { lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../diagnostics.js';
import { compareStrings, isCalendarDate, printable } from '../text.js';
import { renderUsageMarkdown, renderUsageText } from './render.js';
import type { UsageReport, UsageWindow } from './usage.js';

export const USAGE_FORMATS = ['text', 'markdown', 'json'] as const;
export type UsageFormat = (typeof USAGE_FORMATS)[number];

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
export function logFiles(paths: readonly string[]): string[] {
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
function usageJson(r: UsageReport): string {
  const grants = r.grants.map(({ employee, cluster, file, line, status, used, unused, suggestion }) => ({
    employee,
    cluster,
    file,
    line,
    status,
    used,
    unused,
    suggestion,
  }));
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
