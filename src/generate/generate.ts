/**
 * `eks-access generate [--check]`: the access folder validated, expired access left out, the output
 * planned while the rules that can fail run, then the output folder written as a whole (or, with
 * `check`, compared with what it holds). Prints to `io`; returns the exit code.
 */
import { basename, resolve } from 'node:path';
import type { Io } from '../io.js';
import { formatDiagnostics, hasErrors, sortDiagnostics } from '../diagnostics.js';
import { blockingFindings } from '../lint/index.js';
import { loadAccess } from '../pipeline.js';
import { formatFlat } from '../report/text.js';

export interface GenerateOptions {
  /** The access folder. */
  dir: string;
  /** The output folder. */
  out: string;
  /** Write nothing; print a diff and return 1 when the output folder is stale. */
  check?: boolean;
  /** Expiry dates are judged as of this day, YYYY-MM-DD. */
  today: string;
}

function summarize(changes: readonly { status: string }[]): string {
  const count = (s: string) => changes.filter((c) => c.status === s).length;
  return `${count('added')} added, ${count('changed')} changed, ${count('removed')} removed`;
}

export async function runGenerate(opts: GenerateOptions, io: Io): Promise<number> {
  const today = opts.today;
  const loaded = await loadAccess(opts.dir);
  if (!loaded.model) {
    io.stderr.write(formatDiagnostics(loaded.diagnostics));
    io.stderr.write(`nothing written to ${opts.out}\n`);
    return 1;
  }
  // The worker renders most of the YAML while this thread lints; nothing is written before both are done.
  const [{ beginPlanOutput }, { checkOutputFolder, compareOutput, patchOf, readTree, writeOutput, WriteError }, { withoutExpired }] = await Promise.all([
    import('../emit/plan.js'),
    import('../write/writer.js'),
    import('../model/expiry.js'),
  ]);
  // Expired grants and people are left out (a warning each): their access ends when this output is applied.
  const active = withoutExpired(loaded.model, today);
  const plan = beginPlanOutput(active.model);
  const blocking = blockingFindings(loaded.model, opts.dir, today);
  const diagnostics = sortDiagnostics([...loaded.diagnostics, ...active.diagnostics, ...plan.diagnostics]);
  io.stderr.write(formatDiagnostics(diagnostics));
  if (blocking.length > 0) io.stderr.write(formatFlat(blocking));
  if (hasErrors(diagnostics) || blocking.length > 0) {
    io.stderr.write(`nothing written to ${opts.out}${blocking.length > 0 ? ' (lint errors; see eks-access lint)' : ''}\n`);
    return 1;
  }
  await plan.complete();
  if (opts.check) {
    // The folder generate would replace: the same refusals, so --check never reads `/` or the input.
    checkOutputFolder(opts.out, [opts.dir]);
    const existing = await readTree(opts.out);
    const changes = compareOutput(existing, plan.files);
    if (changes.length > 0) {
      // Output generated before some access expired still counts as up to date: expiry must not
      // fail every unrelated pull request. The expired access is removed by the next generate
      // (init's daily expiry pull request), and access ends when that output is applied.
      const { planOutput } = await import('../emit/plan.js');
      const { expiredBefore } = await import('../model/expiry.js');
      for (const day of expiredBefore(loaded.model, today)) {
        if (compareOutput(existing, planOutput(withoutExpired(loaded.model, day).model).files).length > 0) continue;
        io.stderr.write(
          `${opts.out} is up to date but for access that expired since it was generated (on or after ${day}): run eks-access generate (or merge the expiry pull request) to revoke it; access ends when that output is applied\n`,
        );
        return 0;
      }
    }
    const label = basename(resolve(opts.out));
    for (const c of changes) io.stdout.write(patchOf(c, label));
    if (changes.length > 0) {
      io.stderr.write(`${opts.out} is stale: ${summarize(changes)}; run eks-access generate and commit the result\n`);
      return 1;
    }
    io.stderr.write(`${opts.out} is up to date (${plan.files.length} files)\n`);
    return 0;
  }
  let changes;
  try {
    changes = await writeOutput(opts.out, plan.files, { inputs: [opts.dir] });
  } catch (e) {
    if (!(e instanceof WriteError)) throw e;
    io.stderr.write(`eks-access: ${e.message}\n`);
    return 1;
  }
  io.stdout.write(
    changes.length === 0 ? `${opts.out}: up to date (${plan.files.length} files)\n` : `${opts.out}: ${plan.files.length} files, ${summarize(changes)}\n`,
  );
  return 0;
}
