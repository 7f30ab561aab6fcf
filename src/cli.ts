import { Command, CommanderError } from 'commander';
import { formatDiagnostic, hasErrors, sortDiagnostics, UsageError, type Diagnostic } from './diagnostics.js';
import { diagnosticsAsFindings, lintAccess, lintModel, todayUtc } from './lint/index.js';
import { RULES, docsUrl } from './lint/rules/index.js';
import { failing } from './lint/run.js';
import type { Finding } from './lint/types.js';
import type { QueryTarget } from './rbac/query.js';
import { formatFlat, formatText } from './report/text.js';
import { loadAccess } from './pipeline.js';
import { basename, resolve } from 'node:path';

type Register = (program: Command, context: CommandContext) => void;

/** The lifecycle commands, each in src/commands/<name>.ts with a register function. */
const LIFECYCLE: Record<string, () => Promise<Register>> = {
  import: async () => (await import('./commands/import.js')).registerImport,
  drift: async () => (await import('./commands/drift.js')).registerDrift,
  kubeconfig: async () => (await import('./commands/kubeconfig.js')).registerKubeconfig,
  review: async () => (await import('./commands/review.js')).registerReview,
  init: async () => (await import('./commands/init.js')).registerInit,
  usage: async () => (await import('./commands/usage.js')).registerUsage,
  expire: async () => (await import('./commands/expire.js')).registerExpire,
  check: async () => (await import('./commands/check.js')).registerCheck,
};

/** Commands defined in this file. */
const BUILT_IN = new Set(['validate', 'lint', 'rules', 'generate', 'can-i', 'who-can', 'explain', 'diff']);

export interface Io {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** What a command module gets: where to print and how to set the exit code. */
export interface CommandContext {
  io: Io;
  setCode: (code: number) => void;
}

/** Exit codes of SPEC §3. */
export const EXIT = { ok: 0, problems: 1, usage: 2 } as const;

function printDiagnostics(io: Io, diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) io.stderr.write(formatDiagnostic(d) + '\n');
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  if (errors + warnings > 0) io.stderr.write(`${errors} error(s), ${warnings} warning(s)\n`);
}

function summarize(changes: readonly { status: string }[]): string {
  const count = (s: string) => changes.filter((c) => c.status === s).length;
  return `${count('added')} added, ${count('changed')} changed, ${count('removed')} removed`;
}

export const VERSION = '0.1.0';
const FORMATS = ['text', 'json', 'sarif', 'github'] as const;
type Format = (typeof FORMATS)[number];

async function formatFindings(findings: readonly Finding[], format: Format): Promise<string> {
  switch (format) {
    case 'json':
      return (await import('./report/json.js')).formatJson(findings);
    case 'sarif':
      return (await import('./report/sarif.js')).formatSarif(findings, RULES, VERSION);
    case 'github':
      return (await import('./report/github.js')).formatGithub(findings);
    case 'text':
      return formatText(findings);
  }
}

function checkDate(value: string | undefined): string {
  if (value === undefined) return todayUtc();
  const parsed = Date.parse(`${value}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(parsed) || new Date(parsed).toISOString().slice(0, 10) !== value) throw new UsageError(`--today must be a date written YYYY-MM-DD, got "${value}"`);
  return value;
}

/**
 * Runs one command line and returns its exit code. Never calls process.exit and never throws for bad
 * input: every problem is printed to `io` and turned into an exit code.
 */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  let code: number = EXIT.ok;
  const program = new Command()
    .name('eks-access')
    .description('Amazon EKS access as code: validate, lint and generate aws-auth, RBAC, IAM and kubeconfigs from per-employee access files.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .showHelpAfterError('(run eks-access --help for usage)');

  program
    .command('validate')
    .description('schema and reference checks of the access folder')
    .option('--dir <dir>', 'the access folder', 'access')
    .action(async (opts: { dir: string }) => {
      const loaded = await loadAccess(opts.dir);
      printDiagnostics(io, loaded.diagnostics);
      if (hasErrors(loaded.diagnostics)) code = EXIT.problems;
      else io.stdout.write(`${opts.dir}: ${loaded.documents.length} document(s) valid\n`);
    });

  program
    .command('lint')
    .description('validate, then run the policy rules over the access folder (or over RBAC manifests and aws-auth ConfigMaps with --manifests)')
    .option('--dir <dir>', 'the access folder', 'access')
    .option('--manifests <paths...>', 'lint these Kubernetes RBAC / aws-auth files or folders instead of the access folder')
    .option('--policy <file>', 'with --manifests: a file holding a LintPolicy (severities, waivers by file)')
    .option('--format <format>', `output format: ${FORMATS.join(', ')}`, 'text')
    .option('--today <date>', 'judge expiry dates as of this day (YYYY-MM-DD); default: today in UTC')
    .option('--quiet', 'report errors only')
    .option('--max-warnings <n>', 'exit 1 when there are more than this many warnings')
    .action(async (opts: { dir: string; manifests?: string[]; policy?: string; format: string; today?: string; quiet?: boolean; maxWarnings?: string }) => {
      if (!(FORMATS as readonly string[]).includes(opts.format)) throw new UsageError(`unknown --format "${opts.format}"; expected ${FORMATS.join(', ')}`);
      const today = checkDate(opts.today);
      if (opts.maxWarnings !== undefined && !/^\d+$/.test(opts.maxWarnings)) throw new UsageError(`--max-warnings takes a whole number, got "${opts.maxWarnings}"`);
      if (opts.policy !== undefined && !opts.manifests) throw new UsageError('--policy goes with --manifests; the access folder has its own LintPolicy');
      let findings: Finding[];
      if (opts.manifests) {
        const result = await (await import('./lint/manifests.js')).lintManifests(opts.manifests, { today, ...(opts.policy !== undefined && { policyFile: opts.policy }) });
        io.stderr.write(`${result.summary}\n`);
        if (result.nothingRead) {
          printDiagnostics(io, result.diagnostics);
          code = EXIT.usage;
          return;
        }
        findings = [...diagnosticsAsFindings(result.diagnostics), ...result.findings];
      } else {
        const result = await lintAccess(opts.dir, { today });
        findings = [...diagnosticsAsFindings(result.diagnostics), ...result.findings];
      }
      const warnings = findings.filter((f) => f.severity === 'warning' && !f.waived).length;
      const shown = opts.quiet ? findings.filter((f) => f.severity === 'error') : findings;
      io.stdout.write(await formatFindings(shown, opts.format as Format));
      if (failing(findings)) code = EXIT.problems;
      if (opts.maxWarnings !== undefined && warnings > Number(opts.maxWarnings)) {
        io.stderr.write(`eks-access found too many warnings (maximum: ${Number(opts.maxWarnings)}).\n`);
        code = EXIT.problems;
      }
    });

  /** The RBAC bundle a query runs against: --manifests, or the access folder's --cluster. */
  const queryTarget = async (opts: { dir: string; manifests?: string[]; cluster?: string }): Promise<QueryTarget | undefined> => {
    const { targetForCluster, targetForManifests } = await import('./rbac/query.js');
    if (opts.manifests) {
      const { target, problems, warnings } = await targetForManifests(opts.manifests);
      for (const p of problems) io.stderr.write(`${p}\n`);
      for (const w of warnings) io.stderr.write(`Warning: ${w}\n`);
      return problems.length > 0 ? undefined : target;
    }
    const loaded = await loadAccess(opts.dir);
    if (!loaded.model) {
      printDiagnostics(io, loaded.diagnostics);
      return undefined;
    }
    return targetForCluster(loaded.model, opts.cluster);
  };
  const collect = (value: string, previous: string[] = []) => [...previous, value];

  program
    .command('can-i')
    .description('like kubectl auth can-i, offline: prints yes or no (exit 0 or 1)')
    .argument('<verb>', 'get, list, create, ... or *')
    .argument('<resource>', 'pods, deployments.apps, pods/log, a short name, or a non-resource URL such as /healthz')
    .argument('[name]', 'the object name')
    .option('-n, --namespace <ns>', 'the namespace', 'default')
    .option('-A, --all-namespaces', 'ask for all namespaces (only cluster-wide grants count)')
    .option('--subresource <sub>', 'the subresource, e.g. log or exec')
    .option('--as <user>', 'the Kubernetes username')
    .option('--as-group <group>', 'a group of --as (repeatable)', collect)
    .option('--employee <name>', 'an employee of the access folder, as their mapping makes them')
    .option('--as-arn <arn>', 'an IAM principal ARN (sts assumed-role, IAM user or role, federated user, root), mapped as aws-iam-authenticator maps it; not mapped: no (401)')
    .option('--cluster <name>', 'the cluster of the access folder')
    .option('--manifests <paths...>', 'answer against these RBAC files instead of the access folder')
    .option('--dir <dir>', 'the access folder', 'access')
    .option('--why', 'print what allows it (or that nothing does) on stderr')
    .action(async (verb: string, resource: string, name: string | undefined, opts: { namespace: string; allNamespaces?: boolean; subresource?: string; as?: string; asGroup?: string[]; employee?: string; asArn?: string; cluster?: string; manifests?: string[]; dir: string; why?: boolean }) => {
      const [{ describeRequest, prepareRequest }, { authorize }, { resolveWho }] = await Promise.all([import('./rbac/request.js'), import('./rbac/engine.js'), import('./rbac/query.js')]);
      prepareRequest(verb, resource, name, opts);
      const target = await queryTarget(opts);
      if (!target) {
        code = EXIT.problems;
        return;
      }
      const { request, warnings } = prepareRequest(verb, resource, name, opts, target.discovery);
      for (const w of warnings) io.stderr.write(`Warning: ${w}\n`);
      const resolved = resolveWho(target, opts);
      if (!resolved.ok) {
        // Not authenticated: the API server answers 401 to every request, so the answer is a definite no.
        io.stdout.write('no\n');
        io.stderr.write(`${resolved.reason}\n`);
        code = EXIT.problems;
        return;
      }
      const who = resolved.who;
      const decision = authorize(target.bundle, who, request);
      io.stdout.write(decision.allowed ? 'yes\n' : 'no\n');
      if (opts.why) io.stderr.write(decision.allowed ? decision.reasons.map((r) => `allowed by ${r}\n`).join('') : `no binding or access policy lets ${who.user} (groups ${who.groups.join(', ')}) ${describeRequest(request)}\n`);
      code = decision.allowed ? EXIT.ok : EXIT.problems;
    });

  program
    .command('who-can')
    .description('every user and group allowed to do something, with the binding or access policy that allows it')
    .argument('<verb>')
    .argument('<resource>')
    .argument('[name]')
    .option('-n, --namespace <ns>', 'the namespace', 'default')
    .option('-A, --all-namespaces', 'only cluster-wide grants')
    .option('--subresource <sub>', 'the subresource')
    .option('--cluster <name>', 'the cluster of the access folder')
    .option('--manifests <paths...>', 'answer against these RBAC files instead of the access folder')
    .option('--dir <dir>', 'the access folder', 'access')
    .option('--format <format>', 'text or json', 'text')
    .action(async (verb: string, resource: string, name: string | undefined, opts: { namespace: string; allNamespaces?: boolean; subresource?: string; cluster?: string; manifests?: string[]; dir: string; format: string }) => {
      const [{ describeRequest, prepareRequest }, { whoCan }] = await Promise.all([import('./rbac/request.js'), import('./rbac/engine.js')]);
      prepareRequest(verb, resource, name, opts);
      const target = await queryTarget(opts);
      if (!target) {
        code = EXIT.problems;
        return;
      }
      const { request, warnings } = prepareRequest(verb, resource, name, opts, target.discovery);
      for (const w of warnings) io.stderr.write(`Warning: ${w}\n`);
      const employees = new Map([...(target.model?.employees.values() ?? [])].map((e) => [e.kubernetesUser, e.name]));
      const holders = whoCan(target.bundle, request).map((h) => ({ ...h, ...(h.kind === 'User' && employees.has(h.name) && { employee: employees.get(h.name)! }) }));
      if (opts.format === 'json') {
        io.stdout.write(JSON.stringify({ request: describeRequest(request), holders }, null, 2) + '\n');
        return;
      }
      io.stdout.write(`who can ${describeRequest(request)}${target.cluster ? ` on ${target.cluster.name}` : ''}:\n`);
      for (const h of holders) {
        const who = `${h.kind} ${h.kind === 'ServiceAccount' ? `${h.namespace}/` : ''}${h.name}${'employee' in h ? ` (employee ${h.employee})` : ''}`;
        io.stdout.write(`  ${who.padEnd(48)} ${h.via}\n`);
      }
    });

  program
    .command('explain')
    .description('everything one employee can do, per cluster and namespace, with where each permission comes from')
    .argument('<employee>')
    .option('--cluster <name>', 'only this cluster')
    .option('--format <format>', 'text, markdown or json', 'text')
    .option('--dir <dir>', 'the access folder', 'access')
    .option('--today <date>', 'judge expiry dates as of this day (YYYY-MM-DD)')
    .action(async (employee: string, opts: { cluster?: string; format: string; dir: string; today?: string }) => {
      if (!['text', 'markdown', 'json'].includes(opts.format)) throw new UsageError(`unknown --format "${opts.format}"; expected text, markdown or json`);
      try {
        const { explainEmployee } = await import('./explain/explain.js');
        io.stdout.write(await explainEmployee({ dir: opts.dir, employee, ...(opts.cluster !== undefined && { cluster: opts.cluster }), format: opts.format as 'text', today: checkDate(opts.today) }));
      } catch (e) {
        if (!(e instanceof (await import('./explain/explain.js')).InvalidAccessError)) throw e;
        printDiagnostics(io, e.diagnostics);
        code = EXIT.problems;
      }
    });

  program
    .command('diff')
    .description('what access changed between a git revision and the working tree, in permissions, as Markdown for a pull-request comment')
    .requiredOption('--base <ref>', 'the git revision to compare with, e.g. origin/main')
    .option('--dir <dir>', 'the access folder', 'access')
    .option('--format <format>', 'markdown or json', 'markdown')
    .option('--output <file>', 'also write the full report (not cut to fit a comment) to this file')
    .option('--today <date>', 'judge expiry dates as of this day (YYYY-MM-DD)')
    .action(async (opts: { base: string; dir: string; format: string; output?: string; today?: string }) => {
      if (!['markdown', 'json'].includes(opts.format)) throw new UsageError(`unknown --format "${opts.format}"; expected markdown or json`);
      const { diffAccess, diffJson, writeReport } = await import('./diff/diff.js');
      const result = await diffAccess({ dir: opts.dir, base: opts.base, today: checkDate(opts.today) });
      if (opts.output !== undefined) writeReport(opts.output, opts.format === 'json' ? diffJson(result, opts.base) : result.fullMarkdown);
      io.stdout.write(opts.format === 'json' ? diffJson(result, opts.base) : result.markdown);
    });

  program
    .command('rules')
    .description('print the lint rule catalogue')
    .option('--format <format>', 'text or json', 'text')
    .action((opts: { format: string }) => {
      if (opts.format === 'json') {
        io.stdout.write(JSON.stringify({ rules: RULES.map((r) => ({ ...r.meta, docs: docsUrl(r.meta.id) })) }, null, 2) + '\n');
        return;
      }
      if (opts.format !== 'text') throw new UsageError(`unknown --format "${opts.format}"; expected text or json`);
      for (const r of RULES) io.stdout.write(`${r.meta.id.padEnd(40)} ${r.meta.code.padEnd(8)} ${r.meta.severity.padEnd(8)} ${r.meta.risk.padEnd(9)} ${r.meta.description}\n`);
      io.stdout.write(`${RULES.length} rules; docs: docs/rules/<id>.md\n`);
    });

  program
    .command('generate')
    .description('write aws-auth, RBAC, Terraform, kubeconfigs and the access report into the output folder (all or nothing)')
    .option('--dir <dir>', 'the access folder', 'access')
    .option('--out <dir>', 'the output folder, owned by eks-access', 'generated')
    .option('--check', 'write nothing; print a diff and exit 1 when the output folder is stale')
    .option('--today <date>', 'judge expiry dates as of this day (YYYY-MM-DD); default: today in UTC')
    .action(async (opts: { dir: string; out: string; check?: boolean; today?: string }) => {
      const today = checkDate(opts.today);
      const loaded = await loadAccess(opts.dir);
      if (!loaded.model) {
        printDiagnostics(io, loaded.diagnostics);
        io.stderr.write(`nothing written to ${opts.out}\n`);
        code = EXIT.problems;
        return;
      }
      // The worker renders most of the YAML while this thread lints; nothing is written before both are done.
      const [{ beginPlanOutput }, { checkOutputFolder, compareOutput, patchOf, readTree, writeOutput, WriteError }, { withoutExpired }] = await Promise.all([import('./emit/plan.js'), import('./write/writer.js'), import('./model/expiry.js')]);
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
        code = EXIT.problems;
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
          const { planOutput } = await import('./emit/plan.js');
          const { expiredBefore } = await import('./model/expiry.js');
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
          code = EXIT.problems;
        } else io.stderr.write(`${opts.out} is up to date (${plan.files.length} files)\n`);
        return;
      }
      let changes;
      try {
        changes = await writeOutput(opts.out, plan.files, { inputs: [opts.dir] });
      } catch (e) {
        if (!(e instanceof WriteError)) throw e;
        io.stderr.write(`eks-access: ${e.message}\n`);
        code = EXIT.problems;
        return;
      }
      io.stdout.write(changes.length === 0 ? `${opts.out}: up to date (${plan.files.length} files)\n` : `${opts.out}: ${plan.files.length} files, ${summarize(changes)}\n`);
    });

  // Lifecycle commands, each in src/commands/<name>.ts with a register function (one line each below).
  const context: CommandContext = { io, setCode: (c) => (code = c) };
  // register: commands. Each is loaded only when it is the command run (or for help), which keeps
  // start-up, most of the time of a lint on a small folder, short.
  const named = argv.find((a) => !a.startsWith('-'));
  const wanted = named !== undefined && BUILT_IN.has(named) ? [] : named !== undefined && named in LIFECYCLE ? [named] : Object.keys(LIFECYCLE);
  for (const name of wanted) (await LIFECYCLE[name]!())(program, context);

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (e instanceof UsageError) {
      io.stderr.write(`eks-access: ${e.message}\n`);
      return EXIT.usage;
    }
    // Never a stack trace for users: one line, and the details only when asked for.
    const message = e instanceof Error ? e.message : String(e);
    io.stderr.write(`eks-access: internal error: ${message}\nThis is a bug in eks-access; please report it with the command and input that caused it (set EKS_ACCESS_DEBUG=1 to print the details).\n`);
    if (process.env.EKS_ACCESS_DEBUG && e instanceof Error && e.stack) io.stderr.write(`${e.stack}\n`);
    return EXIT.usage;
  }
  return code;
}
