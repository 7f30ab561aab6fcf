import type { Command } from 'commander';
import { UsageError } from '../../diagnostics.js';
import { diagnosticsAsFindings, lintAccess } from '../../lint/index.js';
import { failing } from '../../lint/run.js';
import type { Finding } from '../../lint/types.js';
import { FINDING_FORMATS, formatFindings } from '../../report/format.js';
import { dirOption, EXIT, parseFormat, parseToday, printDiagnostics, VERSION, type CommandContext } from '../context.js';

export function register(program: Command, { io, setCode }: CommandContext): void {
  program
    .command('lint')
    .description('validate, then run the policy rules over the access folder (or over RBAC manifests and aws-auth ConfigMaps with --manifests)')
    .addOption(dirOption())
    .option('--manifests <paths...>', 'lint these Kubernetes RBAC / aws-auth files or folders instead of the access folder')
    .option('--policy <file>', 'with --manifests: a file holding a LintPolicy (severities, waivers by file)')
    .option('--format <format>', `output format: ${FINDING_FORMATS.join(', ')}`, 'text')
    .option('--today <date>', 'judge expiry dates as of this day (YYYY-MM-DD); default: today in UTC')
    .option('--quiet', 'report errors only')
    .option('--max-warnings <n>', 'exit 1 when there are more than this many warnings')
    .action(async (opts: { dir: string; manifests?: string[]; policy?: string; format: string; today?: string; quiet?: boolean; maxWarnings?: string }) => {
      const format = parseFormat(opts.format, FINDING_FORMATS);
      const today = parseToday(opts.today);
      if (opts.maxWarnings !== undefined && !/^\d+$/.test(opts.maxWarnings))
        throw new UsageError(`--max-warnings takes a whole number, got "${opts.maxWarnings}"`);
      if (opts.policy !== undefined && !opts.manifests) throw new UsageError('--policy goes with --manifests; the access folder has its own LintPolicy');
      let findings: Finding[];
      if (opts.manifests) {
        const result = await (
          await import('../../lint/manifests.js')
        ).lintManifests(opts.manifests, { today, ...(opts.policy !== undefined && { policyFile: opts.policy }) });
        io.stderr.write(`${result.summary}\n`);
        if (result.nothingRead) {
          printDiagnostics(io, result.diagnostics);
          setCode(EXIT.usage);
          return;
        }
        findings = [...diagnosticsAsFindings(result.diagnostics), ...result.findings];
      } else {
        const result = await lintAccess(opts.dir, { today });
        findings = [...diagnosticsAsFindings(result.diagnostics), ...result.findings];
      }
      const warnings = findings.filter((f) => f.severity === 'warning' && !f.waived).length;
      const shown = opts.quiet ? findings.filter((f) => f.severity === 'error') : findings;
      io.stdout.write(await formatFindings(shown, format, VERSION));
      if (failing(findings)) setCode(EXIT.problems);
      if (opts.maxWarnings !== undefined && warnings > Number(opts.maxWarnings)) {
        io.stderr.write(`eks-access found too many warnings (maximum: ${Number(opts.maxWarnings)}).\n`);
        setCode(EXIT.problems);
      }
    });
}
