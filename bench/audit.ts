/**
 * The usage benchmark: `eks-access usage` over a synthetic Kubernetes audit log (JSON lines, as the
 * API server's log backend writes them) against the floor of reading the same lines and JSON.parse-ing
 * each one, both as child processes in the same rounds. The access folder is the repository's own
 * example (`access/`), so the time is the log's.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureCommand, type Measured, type RssMethod } from './child.js';

const CLUSTER = 'prod-eu';
const ACCOUNT = '111122223333';

/** Who makes the requests: employees of the example folder, a user it does not know, and system components. */
const CALLERS = [
  { username: 'alice', arn: `arn:aws:iam::${ACCOUNT}:user/eks-access/alice`, groups: ['system:authenticated'] },
  {
    username: 'session:oscar-example.com',
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_Developers_0a1b2c3d4e5f6a7b/oscar@example.com`,
    groups: ['system:authenticated'],
  },
  { username: 'bob', arn: `arn:aws:iam::${ACCOUNT}:user/eks-access/bob`, groups: ['system:authenticated'] },
  { username: 'kubernetes-admin', arn: `arn:aws:iam::${ACCOUNT}:user/admin`, groups: ['system:masters', 'system:authenticated'] },
  {
    username: 'system:node:ip-10-0-12-34.eu-west-1.compute.internal',
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/prod-eu-node-group/i-0123456789abcdef0`,
    groups: ['system:nodes', 'system:authenticated'],
  },
  { username: 'system:serviceaccount:kube-system:coredns', arn: '', groups: ['system:serviceaccounts', 'system:authenticated'] },
];
const REQUESTS = [
  { verb: 'get', resource: 'pods', namespace: 'my-namespace', name: 'web-7d4b9c-x2k8p' },
  { verb: 'list', resource: 'pods', namespace: 'my-namespace' },
  { verb: 'watch', resource: 'services', namespace: 'my-namespace' },
  { verb: 'get', resource: 'pods', subresource: 'log', namespace: 'checkout', name: 'api-5f6c7d-9qwer' },
  { verb: 'list', resource: 'deployments', group: 'apps', namespace: 'checkout' },
  { verb: 'get', resource: 'secrets', namespace: 'payments', name: 'db-password' },
  { verb: 'list', resource: 'nodes' },
  { verb: 'get', resource: 'leases', group: 'coordination.k8s.io', namespace: 'kube-node-lease', name: 'ip-10-0-12-34' },
];

function eventLine(i: number): string {
  const who = CALLERS[i % CALLERS.length]!;
  const r = REQUESTS[(i * 7) % REQUESTS.length]!;
  const denied = i % 11 === 0;
  const seconds = 1_764_000_000 + Math.floor(i / 20);
  const at = new Date(seconds * 1000).toISOString().replace('.000Z', `.${String(i % 1_000_000).padStart(6, '0')}Z`);
  const path = `/${r.group ? `apis/${r.group}/v1` : 'api/v1'}/${r.namespace ? `namespaces/${r.namespace}/` : ''}${r.resource}${r.name ? `/${r.name}` : ''}${r.subresource ? `/${r.subresource}` : ''}`;
  return JSON.stringify({
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: `${((i * 2654435761) >>> 0).toString(16).padStart(8, '0')}-4e3b-4c1d-9a7f-${String(i).padStart(12, '0')}`,
    stage: i % 5 === 4 ? 'RequestReceived' : 'ResponseComplete',
    requestURI: `${path}${r.verb === 'list' ? '?limit=500' : ''}`,
    verb: r.verb,
    user: {
      username: who.username,
      uid: `aws-iam-authenticator:${ACCOUNT}:AIDA${String(i % 997).padStart(17, '0')}`,
      groups: who.groups,
      ...(who.arn && {
        extra: {
          accessKeyId: ['ASIA0000000000000000'],
          arn: [who.arn],
          canonicalArn: [who.arn.replace(/:sts::(\d+):assumed-role\/([^/]+)\/.*/, ':iam::$1:role/$2')],
          principalId: ['AROA00000000000000000'],
          sessionName: ['session'],
        },
      }),
    },
    sourceIPs: [`10.0.${i % 256}.${(i >> 8) % 256}`],
    userAgent: 'kubectl/v1.31.2 (linux/amd64) kubernetes/5864a46',
    objectRef: {
      resource: r.resource,
      ...(r.subresource && { subresource: r.subresource }),
      ...(r.namespace && { namespace: r.namespace }),
      ...(r.name && { name: r.name }),
      ...(r.group && { apiGroup: r.group }),
      apiVersion: 'v1',
    },
    responseStatus: { metadata: {}, code: denied ? 403 : 200 },
    requestReceivedTimestamp: at,
    stageTimestamp: at,
    annotations: {
      'authorization.k8s.io/decision': denied ? 'forbid' : 'allow',
      'authorization.k8s.io/reason': denied ? '' : 'RBAC: allowed by RoleBinding "eks-access:alice/my-namespace" of Role "eks-access:alice" to User "alice"',
    },
  });
}

/** Writes `events` audit events as JSON lines; returns the file's size in bytes. */
export async function writeAuditLog(path: string, events: number): Promise<number> {
  const out = createWriteStream(path);
  let bytes = 0;
  let batch: string[] = [];
  for (let i = 0; i < events; i++) {
    batch.push(eventLine(i));
    if (batch.length === 2000 || i === events - 1) {
      const text = batch.join('\n') + '\n';
      bytes += Buffer.byteLength(text);
      if (!out.write(text)) await once(out, 'drain');
      batch = [];
    }
  }
  out.end();
  await once(out, 'finish');
  return bytes;
}

export interface AuditBenchResult {
  floor: Measured;
  usage: Measured;
}

/** One round: the floor, then usage, on the same file. Throws when either did not do the work. */
export async function auditRound(method: RssMethod, projectRoot: string, work: string, log: string, events: number): Promise<AuditBenchResult> {
  const floorScript = fileURLToPath(new URL('./audit-floor.js', import.meta.url));
  const floor = await measureCommand(method, process.execPath, [floorScript, log], { cwd: projectRoot, scratch: work });
  const counted = /^audit-floor: (\d+) lines parsed/m.exec(floor.stdout);
  if (floor.code !== 0 || !counted || Number(counted[1]) !== events)
    throw new Error(`audit floor: did not read the ${events} lines (exit ${floor.code})\n${floor.stderr}`);
  const cli = join(projectRoot, 'dist', 'src', 'bin.js');
  const usage = await measureCommand(
    method,
    process.execPath,
    [cli, 'usage', '--dir', 'access', '--cluster', CLUSTER, '--audit-log', log, '--since', '2025-01-01', '--today', '2026-12-31', '--format', 'json'],
    { cwd: projectRoot, scratch: work },
  );
  if (usage.code !== 0) throw new Error(`usage: failed (exit ${usage.code})\n${usage.stderr.split('\n').slice(-10).join('\n')}`);
  const report = JSON.parse(usage.stdout) as { events: number };
  const expected = Math.ceil((events * 4) / 5);
  if (Math.abs(report.events - expected) > 1) throw new Error(`usage: counted ${report.events} events, the log has about ${expected} ResponseComplete ones`);
  return { floor, usage };
}
