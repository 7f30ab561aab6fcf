/**
 * `eks-access check --base REF`: the whole pull-request job from one read of each tree. The working
 * tree's access folder is read and interpreted once, and that one model is linted (findings printed,
 * and written as SARIF with `--sarif`), rendered to check `generated/` (as `generate --check` does),
 * and compared with the base revision (the comment with `--comment`, the full report with
 * `--output`). The base tree is read from git without checking it out; only the files that differ
 * from the working tree's are read and interpreted.
 *
 * Exit 1 when the input is invalid, a lint finding fails, or `generated/` is stale; 2 for wrong usage
 * (a bad ref, no repository, an output folder eks-access did not write).
 */
import { basename, resolve } from 'node:path';
import { formatDiagnostic, hasErrors, sortDiagnostics } from '../diagnostics.js';
import { compareTrees, diffJson, readBaseTree, readWorkingTree, writeReport, type DiffResult } from '../diff/diff.js';
import { locateInRepository, resolveCommit } from '../git/git.js';
import { inputFromModel } from '../lint/from-model.js';
import { diagnosticsAsFindings } from '../lint/index.js';
import { failing, lint } from '../lint/run.js';
import type { Finding } from '../lint/types.js';
import { formatFindings as formatAs } from '../report/format.js';
import type { Io } from '../io.js';
import { VERSION } from '../version.js';

export interface CheckOptions {
  base: string;
  dir: string;
  out: string;
  today: string;
  sarif?: string;
  comment?: string;
  output?: string;
  format: 'text' | 'github';
  /** JSON instead of Markdown for `--output`. */
  outputFormat: 'markdown' | 'json';
}

const formatFindings = (findings: readonly Finding[], as: 'text' | 'github' | 'sarif') => formatAs(findings, as, VERSION);

/** Runs the job; prints to `io` and returns the exit code. */
export async function runCheck(opts: CheckOptions, io: Io): Promise<number> {
  const cwd = process.cwd();
  // A bad folder, no repository or a bad ref is said before any work.
  resolveCommit(locateInRepository(resolve(cwd, opts.dir), opts.dir).root, opts.base);
  const work = await readWorkingTree(opts.dir, cwd);
  const model = work.access.model;
  let code = 0;

  if (!model) {
    const findings = diagnosticsAsFindings(work.access.diagnostics);
    for (const d of work.access.diagnostics) io.stderr.write(formatDiagnostic(d) + '\n');
    if (opts.sarif !== undefined) writeReport(opts.sarif, await formatFindings(findings, 'sarif'));
    if (opts.comment !== undefined || opts.output !== undefined) {
      const diff = compareTrees({ ...readBaseTree(work, opts.base, opts.dir) }, work, { base: opts.base, today: opts.today });
      writeDiff(diff, opts);
    }
    io.stderr.write(`check: ${opts.dir} has errors; nothing else was checked (eks-access validate)\n`);
    return 1;
  }

  // The worker renders the output files while this thread lints and compares with the base.
  const [{ beginPlanOutput }, { checkOutputFolder, compareWithFolder, patchOf }] = await Promise.all([import('../emit/plan.js'), import('../write/writer.js')]);
  checkOutputFolder(opts.out, [opts.dir]);
  const plan = beginPlanOutput(model);

  let input: ReturnType<typeof inputFromModel> | undefined = inputFromModel(model, opts.today);
  let lintFindings: Finding[] | undefined = lint(input, { accessDir: opts.dir });
  const findings = [...diagnosticsAsFindings(work.access.diagnostics), ...lintFindings];
  io.stdout.write(await formatFindings(findings, opts.format));
  if (opts.sarif !== undefined) writeReport(opts.sarif, await formatFindings(findings, 'sarif'));
  if (failing(findings)) code = 1;

  const diff = compareTrees(readBaseTree(work, opts.base, opts.dir), work, { base: opts.base, today: opts.today }, { input, findings: lintFindings });
  // Only what is still to come is kept: the lint view and the base are no longer needed.
  input = undefined;
  lintFindings = undefined;
  writeDiff(diff, opts);
  io.stderr.write(`access changes: ${describe(diff)}${opts.comment !== undefined ? ` (comment in ${opts.comment})` : ''}\n`);

  await plan.complete();
  const diagnostics = sortDiagnostics(plan.diagnostics);
  for (const d of diagnostics) io.stderr.write(formatDiagnostic(d) + '\n');
  if (hasErrors(diagnostics)) code = 1;
  const changes = compareWithFolder(opts.out, plan.files);
  const label = basename(resolve(opts.out));
  for (const c of changes) io.stdout.write(patchOf(c, label));
  if (changes.length > 0) {
    const n = (s: string) => changes.filter((c) => c.status === s).length;
    io.stderr.write(
      `${opts.out} is stale: ${n('added')} added, ${n('changed')} changed, ${n('removed')} removed; run eks-access generate and commit the result\n`,
    );
    code = 1;
  } else io.stderr.write(`${opts.out} is up to date (${plan.files.length} files)\n`);
  if (failing(findings)) io.stderr.write('lint found errors (see above)\n');
  return code;
}

function writeDiff(diff: DiffResult, opts: CheckOptions): void {
  if (opts.comment !== undefined) writeReport(opts.comment, diff.markdown);
  if (opts.output !== undefined) writeReport(opts.output, opts.outputFormat === 'json' ? diffJson(diff, opts.base) : diff.fullMarkdown);
}

function describe(d: DiffResult): string {
  if (d.invalid) return `not compared (invalid ${d.invalid.join(' and ')})`;
  const s = d.summary;
  if (s.people === 0 && s.shared === 0) return 'none';
  return `${s.shared} shared definition(s) reaching ${s.sharedPeople} people, ${s.people} people's own; ${s.newFindings} new and ${s.resolvedFindings} resolved lint finding(s)${d.truncated ? '; the comment is summarised' : ''}`;
}
