/**
 * What every command shares: where it prints, how it sets the exit code, and the option parsers
 * several commands use (`--dir`, `--today`, `--format`). Nothing here loads a command.
 */
import type { Io } from '../io.js';
import { Option } from 'commander';
import { formatDiagnostic, formatDiagnostics, UsageError, type Diagnostic } from '../diagnostics.js';
import { todayUtc } from '../lint/index.js';
import type { AccessModel } from '../model/types.js';
import { loadAccess } from '../pipeline.js';
import { isCalendarDate } from '../text.js';

/** What a command module gets: where to print and how to set the exit code. */
export interface CommandContext {
  io: Io;
  setCode: (code: number) => void;
}

/** Exit codes of SPEC §3. */
export const EXIT = { ok: 0, problems: 1, usage: 2 } as const;

export { VERSION } from '../version.js';

/** `--dir <dir>`: the access folder, `access` by default. */
export function dirOption(): Option {
  return new Option('--dir <dir>', 'the access folder').default('access');
}

/** `--today`: a date written YYYY-MM-DD, default today in UTC; anything else is a usage error. */
export function parseToday(value: string | undefined): string {
  if (value === undefined) return todayUtc();
  if (!isCalendarDate(value)) throw new UsageError(`--today must be a date written YYYY-MM-DD, got "${value}"`);
  return value;
}

/**
 * `--format` (or another option named by `flag`): one of `allowed`; anything else is a usage error
 * (exit 2) that names the allowed values.
 */
export function parseFormat<T extends string>(value: string, allowed: readonly T[], flag = '--format'): T {
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`unknown ${flag} "${value}"; expected ${allowed.join(', ')}`);
  return value as T;
}

/** Each diagnostic on stderr, then the count of errors and warnings when there are any. */
export function printDiagnostics(io: Io, diagnostics: readonly Diagnostic[]): void {
  const text = formatDiagnostics(diagnostics);
  if (text !== '') io.stderr.write(text);
}

/**
 * The valid model of `dir`, or undefined after printing its diagnostics and `<nothing>: <dir> has
 * errors` (exit code 1): what every command that needs a valid folder does first.
 */
export async function loadValidModel(dir: string, ctx: CommandContext, nothing: string): Promise<AccessModel | undefined> {
  const loaded = await loadAccess(dir);
  if (loaded.model) return loaded.model;
  for (const d of loaded.diagnostics) ctx.io.stderr.write(formatDiagnostic(d) + '\n');
  ctx.io.stderr.write(`${nothing}: ${dir} has errors; fix them first (eks-access validate)\n`);
  ctx.setCode(EXIT.problems);
  return undefined;
}
