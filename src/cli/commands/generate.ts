import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { hasErrors, sortDiagnostics } from '../../diagnostics.js';
import { lintModel } from '../../lint/index.js';
import { loadAccess } from '../../pipeline.js';
import { formatFlat } from '../../report/text.js';
import { dirOption, EXIT, parseToday, printDiagnostics, type CommandContext } from '../context.js';

function summarize(changes: readonly { status: string }[]): string {
  const count = (s: string) => changes.filter((c) => c.status === s).length;
  return `${count('added')} added, ${count('changed')} changed, ${count('removed')} removed`;
}

export function register(program: Command, { io, setCode }: CommandContext): void {
  program
    .command('generate')
    .description('write aws-auth, RBAC, Terraform, kubeconfigs and the access report into the output folder (all or nothing)')
    .addOption(dirOption())
    .option('--out <dir>', 'the output folder, owned by eks-access', 'generated')
    .option('--check', 'write nothing; print a diff and exit 1 when the output folder is stale')
    .option('--today <date>', 'judge expiry dates as of this day (YYYY-MM-DD); default: today in UTC')
    .action(async (opts: { dir: string; out: string; check?: boolean; today?: string }) => {
      const today = parseToday(opts.today);
      const loaded = await loadAccess(opts.dir);
      if (!loaded.model) {
        printDiagnostics(io, loaded.diagnostics);
        io.stderr.write(`nothing written to ${opts.out}\n`);
        setCode(EXIT.problems);
        return;
      }
      // The worker renders most of the YAML while this thread lints; nothing is written before both are done.
      const [{ beginPlanOutput }, { checkOutputFolder, compareOutput, patchOf, readTree, writeOutput, WriteError }, { withoutExpired }] = await Promise.all([import('../../emit/plan.js'), import('../../write/writer.js'), import('../../model/expiry.js')]);
      // Expired grants and people are left out (a warning each): their access ends when this output is applied.
      const active = withoutExpired(loaded.model, today);
      const plan = beginPlanOutput(active.model);
      const linted = { diagnostics: loaded.diagnostics, findings: lintModel(loaded.model, opts.dir, today, true) };
      const diagnostics = sortDiagnostics([...linted.diagnostics, ...active.diagnostics, ...plan.diagnostics]);
      printDiagnostics(io, diagnostics);
      const blocking = linted.findings.filter((f) => f.severity === 'error' && !f.waived);
      if (blocking.length > 0) io.stderr.write(formatFlat(blocking));
      if (hasErrors(diagnostics) || blocking.length > 0) {
        io.stderr.write(`nothing written to ${opts.out}${blocking.length > 0 ? ' (lint errors; see eks-access lint)' : ''}\n`);
        setCode(EXIT.problems);
        return;
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
          const { planOutput } = await import('../../emit/plan.js');
          const { expiredBefore } = await import('../../model/expiry.js');
          for (const day of expiredBefore(loaded.model, today)) {
            if (compareOutput(existing, planOutput(withoutExpired(loaded.model, day).model).files).length > 0) continue;
            io.stderr.write(`${opts.out} is up to date but for access that expired since it was generated (on or after ${day}): run eks-access generate (or merge the expiry pull request) to revoke it; access ends when that output is applied\n`);
            return;
          }
        }
        const label = basename(resolve(opts.out));
        for (const c of changes) io.stdout.write(patchOf(c, label));
        if (changes.length > 0) {
          io.stderr.write(`${opts.out} is stale: ${summarize(changes)}; run eks-access generate and commit the result\n`);
          setCode(EXIT.problems);
        } else io.stderr.write(`${opts.out} is up to date (${plan.files.length} files)\n`);
        return;
      }
      let changes;
      try {
        changes = await writeOutput(opts.out, plan.files, { inputs: [opts.dir] });
      } catch (e) {
        if (!(e instanceof WriteError)) throw e;
        io.stderr.write(`eks-access: ${e.message}\n`);
        setCode(EXIT.problems);
        return;
      }
      io.stdout.write(changes.length === 0 ? `${opts.out}: up to date (${plan.files.length} files)\n` : `${opts.out}: ${plan.files.length} files, ${summarize(changes)}\n`);
    });
}
