/**
 * The command line: one lazy map of the commands (name -> module), as ESLint's rule index is lazy.
 * Only the command being run is imported (all of them for help or an unknown command), which keeps
 * start-up, most of the time of a lint on a small folder, short.
 */
import { Command, CommanderError } from 'commander';
import { UsageError } from '../diagnostics.js';
import type { Io } from '../io.js';
import { EXIT, VERSION, type CommandContext } from './context.js';

export type { Io } from '../io.js';

/** A command module: src/cli/commands/<name>.ts. */
export interface CommandModule {
  register(program: Command, context: CommandContext): void;
}

/** Every command, in the order help lists them. */
export const COMMANDS: Readonly<Record<string, () => Promise<CommandModule>>> = {
  validate: () => import('./commands/validate.js'),
  lint: () => import('./commands/lint.js'),
  'can-i': () => import('./commands/can-i.js'),
  'who-can': () => import('./commands/who-can.js'),
  explain: () => import('./commands/explain.js'),
  diff: () => import('./commands/diff.js'),
  rules: () => import('./commands/rules.js'),
  generate: () => import('./commands/generate.js'),
  import: () => import('./commands/import.js'),
  drift: () => import('./commands/drift.js'),
  kubeconfig: () => import('./commands/kubeconfig.js'),
  review: () => import('./commands/review.js'),
  init: () => import('./commands/init.js'),
  usage: () => import('./commands/usage.js'),
  expire: () => import('./commands/expire.js'),
  check: () => import('./commands/check.js'),
};

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

  const context: CommandContext = { io, setCode: (c) => (code = c) };
  const named = argv.find((a) => !a.startsWith('-'));
  const wanted = named !== undefined && Object.hasOwn(COMMANDS, named) ? [named] : Object.keys(COMMANDS);
  for (const module of await Promise.all(wanted.map((name) => COMMANDS[name]!()))) module.register(program, context);

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
    io.stderr.write(
      `eks-access: internal error: ${message}\nThis is a bug in eks-access; please report it with the command and input that caused it (set EKS_ACCESS_DEBUG=1 to print the details).\n`,
    );
    if (process.env.EKS_ACCESS_DEBUG && e instanceof Error && e.stack) io.stderr.write(`${e.stack}\n`);
    return EXIT.usage;
  }
  return code;
}
