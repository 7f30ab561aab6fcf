import type { Command } from 'commander';
import { dirOption, EXIT, type CommandContext } from '../context.js';
import { queryRequest } from '../query.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function register(program: Command, { io, setCode }: CommandContext): void {
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
    .option(
      '--as-arn <arn>',
      'an IAM principal ARN (sts assumed-role, IAM user or role, federated user, root), mapped as aws-iam-authenticator maps it; not mapped: no (401)',
    )
    .option('--cluster <name>', 'the cluster of the access folder')
    .option('--manifests <paths...>', 'answer against these RBAC files instead of the access folder')
    .addOption(dirOption())
    .option('--why', 'print what allows it (or that nothing does) on stderr')
    .action(
      async (
        verb: string,
        resource: string,
        name: string | undefined,
        opts: {
          namespace: string;
          allNamespaces?: boolean;
          subresource?: string;
          as?: string;
          asGroup?: string[];
          employee?: string;
          asArn?: string;
          cluster?: string;
          manifests?: string[];
          dir: string;
          why?: boolean;
        },
      ) => {
        const [{ describeRequest }, { authorize }, { resolveWho }] = await Promise.all([
          import('../../rbac/request.js'),
          import('../../rbac/engine.js'),
          import('../../rbac/query.js'),
        ]);
        const asked = await queryRequest(io, verb, resource, name, opts);
        if (!asked) {
          setCode(EXIT.problems);
          return;
        }
        const { target, request } = asked;
        const resolved = resolveWho(target, opts);
        if (!resolved.ok) {
          // Not authenticated: the API server answers 401 to every request, so the answer is a definite no.
          io.stdout.write('no\n');
          io.stderr.write(`${resolved.reason}\n`);
          setCode(EXIT.problems);
          return;
        }
        const who = resolved.who;
        const decision = authorize(target.bundle, who, request);
        io.stdout.write(decision.allowed ? 'yes\n' : 'no\n');
        if (opts.why)
          io.stderr.write(
            decision.allowed
              ? decision.reasons.map((r) => `allowed by ${r}\n`).join('')
              : `no binding or access policy lets ${who.user} (groups ${who.groups.join(', ')}) ${describeRequest(request)}\n`,
          );
        setCode(decision.allowed ? EXIT.ok : EXIT.problems);
      },
    );
}
