import type { Command } from 'commander';
import { dirOption, EXIT, parseFormat, type CommandContext } from '../context.js';
import { queryRequest } from '../query.js';

export function register(program: Command, { io, setCode }: CommandContext): void {
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
    .addOption(dirOption())
    .option('--format <format>', 'text or json', 'text')
    .action(
      async (
        verb: string,
        resource: string,
        name: string | undefined,
        opts: { namespace: string; allNamespaces?: boolean; subresource?: string; cluster?: string; manifests?: string[]; dir: string; format: string },
      ) => {
        const format = parseFormat(opts.format, ['text', 'json']);
        const [{ describeRequest }, { whoCan }] = await Promise.all([import('../../rbac/request.js'), import('../../rbac/engine.js')]);
        const asked = await queryRequest(io, verb, resource, name, opts);
        if (!asked) {
          setCode(EXIT.problems);
          return;
        }
        const { target, request } = asked;
        const employees = new Map([...(target.model?.employees.values() ?? [])].map((e) => [e.kubernetesUser, e.name]));
        const holders = whoCan(target.bundle, request).map((h) => ({
          ...h,
          ...(h.kind === 'User' && employees.has(h.name) && { employee: employees.get(h.name)! }),
        }));
        if (format === 'json') {
          io.stdout.write(JSON.stringify({ request: describeRequest(request), holders }, null, 2) + '\n');
          return;
        }
        io.stdout.write(`who can ${describeRequest(request)}${target.cluster ? ` on ${target.cluster.name}` : ''}:\n`);
        for (const h of holders) {
          const who = `${h.kind} ${h.kind === 'ServiceAccount' ? `${h.namespace}/` : ''}${h.name}${'employee' in h ? ` (employee ${h.employee})` : ''}`;
          io.stdout.write(`  ${who.padEnd(48)} ${h.via}\n`);
        }
      },
    );
}
