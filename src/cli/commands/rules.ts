import type { Command } from 'commander';
import { docsUrl, RULES } from '../../lint/rules/index.js';
import { parseFormat, type CommandContext } from '../context.js';

export function register(program: Command, { io }: CommandContext): void {
  program
    .command('rules')
    .description('print the lint rule catalogue')
    .option('--format <format>', 'text or json', 'text')
    .action((opts: { format: string }) => {
      if (parseFormat(opts.format, ['text', 'json']) === 'json') {
        io.stdout.write(JSON.stringify({ rules: RULES.map((r) => ({ ...r.meta, docs: docsUrl(r.meta.id) })) }, null, 2) + '\n');
        return;
      }
      for (const r of RULES)
        io.stdout.write(`${r.meta.id.padEnd(40)} ${r.meta.code.padEnd(8)} ${r.meta.severity.padEnd(8)} ${r.meta.risk.padEnd(9)} ${r.meta.description}\n`);
      io.stdout.write(`${RULES.length} rules; docs: docs/rules/<id>.md\n`);
    });
}
