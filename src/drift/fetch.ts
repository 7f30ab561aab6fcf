/**
 * The fetching half of `eks-access drift`: a kubeconfig context opened with @kubernetes/client-node,
 * and read-only requests for the objects eks-access manages. Every failure becomes one line (a
 * UsageError, exit 2) that names the cluster and what went wrong, never a stack trace, and never a
 * credential: every message passes through a redactor that knows the context's secrets.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  ApiException,
  CoreV1Api,
  KubeConfig,
  Observable,
  RbacAuthorizationV1Api,
  type ConfigurationOptions,
  type ObservableMiddleware,
  type RequestContext,
  type ResponseContext,
  type User,
} from '@kubernetes/client-node';
import { UsageError } from '../diagnostics.js';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE, type KubeObject } from './compare.js';

const MANAGED_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`;

/** An opened kubeconfig context: what is needed to call the cluster and to talk about it safely. */
export interface Connection {
  kc: KubeConfig;
  context: string;
  /** The name of the kubeconfig's cluster entry (for EKS usually the cluster ARN). */
  clusterEntry: string;
  /** The API server URL without user info, query or fragment: safe to print. */
  server: string;
  /** Where the kubeconfig came from, for messages. */
  source: string;
  /** Removes the context's credentials from any text before it is printed. */
  redact: (text: string) => string;
  /** The exec credential plugin's command, when the user authenticates with one. */
  execCommand?: string;
  /** Also removes the exec plugin's environment values (for the plugin's own error output). */
  redactExec: (text: string) => string;
}

/** The API server URL without credentials, query or fragment. */
export function safeUrl(server: string): string {
  try {
    const u = new URL(server);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return '(unparsable server URL)';
  }
}

/** Replaces each secret (and anything shaped like a bearer or EKS token) with `[redacted]`. */
export function makeRedactor(secrets: readonly string[]): (text: string) => string {
  const list = [...new Set(secrets.flatMap((s) => [s, s.trim()]).filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
  return (text: string) => {
    let out = text;
    for (const s of list) out = out.split(s).join('[redacted]');
    return out.replace(/(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [redacted]').replace(/k8s-aws-v1\.[A-Za-z0-9_=-]+/g, '[redacted]');
  };
}

const SECRET_NAME = /secret|token|passw|key|credential|session|auth/i;

/** The credentials of a kubeconfig user, as strings to redact. */
function secretsOf(user: User | null): { all: string[]; execEnv: string[] } {
  if (!user) return { all: [], execEnv: [] };
  const all: string[] = [];
  const add = (v: unknown) => {
    if (typeof v === 'string') all.push(v);
  };
  add(user.token);
  add(user.password);
  add(user.keyData);
  const provider = (user.authProvider ?? {}) as { config?: Record<string, unknown> };
  for (const v of Object.values(provider.config ?? {})) add(v);
  const exec = (user.exec ?? {}) as { env?: { name?: unknown; value?: unknown }[] | null };
  const env = Array.isArray(exec.env) ? exec.env : [];
  const execEnv = env.map((e) => e?.value).filter((v): v is string => typeof v === 'string');
  // Environment values with secret-sounding names are redacted everywhere; the others (AWS_PROFILE is
  // often named like the cluster) only in the plugin's own error output.
  for (const e of env) if (typeof e?.name === 'string' && SECRET_NAME.test(e.name)) add(e.value);
  return { all, execEnv };
}

function firstLine(text: string, max = 240): string {
  const line =
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '') ?? '';
  return line.length > max ? `${line.slice(0, max)}...` : line;
}

/**
 * Loads the kubeconfig (`file`, or `$KUBECONFIG` / `~/.kube/config`) and selects `context`. Errors
 * from the YAML reader quote the file, so only their reason and position are kept.
 */
export function openContext(file: string | undefined, context: string): Connection {
  const kc = new KubeConfig();
  const source = file ?? (process.env.KUBECONFIG ? '$KUBECONFIG' : join(homedir(), '.kube', 'config'));
  try {
    if (file !== undefined) {
      if (!existsSync(file)) throw new UsageError(`kubeconfig not found: ${file}`);
      kc.loadFromFile(file);
    } else kc.loadFromDefault();
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const err = e as { name?: string; reason?: string; mark?: { line?: number; column?: number }; code?: string; message?: string };
    if (err.name === 'YAMLException') {
      const where = err.mark?.line !== undefined ? `:${err.mark.line + 1}:${(err.mark.column ?? 0) + 1}` : '';
      throw new UsageError(`${source}${where}: cannot read the kubeconfig: not valid YAML (${err.reason ?? 'syntax error'})`);
    }
    if (e instanceof TypeError) throw new UsageError(`cannot read kubeconfig ${source}: not a kubeconfig (expected clusters, contexts and users)`);
    if (err.code === 'ENOENT' || err.code === 'EACCES' || err.code === 'EISDIR')
      throw new UsageError(
        `cannot read kubeconfig ${source}: ${err.code === 'ENOENT' ? 'a file it names does not exist' : err.code === 'EACCES' ? 'permission denied' : 'it is a folder'}`,
      );
    // Other errors name a missing field ("users[0].name is missing"); no secret in them, but the first line only.
    throw new UsageError(`cannot read kubeconfig ${source}: ${firstLine(String(err.message ?? e))}`);
  }
  const ctx = kc.getContextObject(context);
  if (!ctx) {
    const names = kc.getContexts().map((c) => c.name);
    throw new UsageError(
      `context "${context}" is not in the kubeconfig (${source})${names.length > 0 ? `; it has: ${names.join(', ')}` : '; it has no contexts'}`,
    );
  }
  const cluster = kc.getCluster(ctx.cluster);
  if (!cluster) throw new UsageError(`context "${context}" names cluster "${ctx.cluster}", which the kubeconfig (${source}) does not define`);
  if (!cluster.server) throw new UsageError(`cluster "${ctx.cluster}" of context "${context}" has no server URL in the kubeconfig (${source})`);
  kc.setCurrentContext(context);
  const user = kc.getUser(ctx.user);
  const secrets = secretsOf(user);
  const redact = makeRedactor(secrets.all);
  const redactExec = makeRedactor([...secrets.all, ...secrets.execEnv]);
  const command = (user?.exec as { command?: unknown } | undefined)?.command;
  return {
    kc,
    context,
    clusterEntry: ctx.cluster,
    server: safeUrl(cluster.server),
    source,
    redact,
    redactExec,
    ...(typeof command === 'string' && { execCommand: command }),
  };
}

/* ---------- errors ---------- */

const NETWORK_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'the connection was reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found (DNS lookup failed)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'the connection timed out',
  EPIPE: 'the connection was closed',
};

const TLS_ERRORS = [
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
];

function statusMessage(body: unknown): string | undefined {
  let b = body;
  if (typeof b === 'string') {
    try {
      b = JSON.parse(b);
    } catch {
      return undefined;
    }
  }
  const m = (b as { message?: unknown } | null)?.message;
  return typeof m === 'string' && m !== '' ? firstLine(m) : undefined;
}

interface Situation {
  conn: Connection;
  /** generated/ cluster name, for messages. */
  cluster: string;
  timeoutMs: number;
}

function reach(s: Situation): string {
  return `cluster ${s.cluster} (${s.conn.server})`;
}

function formatDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** One line for a failed request; `sent` tells whether the request got past building its credentials. */
function describeFailure(e: unknown, what: string, sent: boolean, s: Situation, timedOut: boolean): string {
  const { conn } = s;
  if (timedOut)
    return `cannot reach ${reach(s)}: no answer within ${formatDuration(s.timeoutMs)} (--timeout)${sent ? '' : `; the credentials of context ${conn.context} were still being prepared${conn.execCommand ? ` (credential plugin "${conn.execCommand}")` : ''}`}`;
  if (e instanceof ApiException) {
    const code = e.code;
    const detail = statusMessage(e.body);
    if (code === 401)
      return `the ${reach(s)} answered 401 Unauthorized to ${what}: the credentials of context ${conn.context} were not accepted (an expired or wrong token${conn.execCommand ? ` from "${conn.execCommand}"` : ''}, or an identity the cluster does not map)`;
    if (code === 403)
      return `the ${reach(s)} answered 403 Forbidden to ${what}: the credentials of context ${conn.context} may not read RBAC (drift needs list on clusterroles, clusterrolebindings, roles and rolebindings in all namespaces, and get on configmaps/aws-auth in kube-system)${detail ? `; the server said: ${detail}` : ''}`;
    return `the ${reach(s)} answered HTTP ${code} to ${what}${detail ? `: ${detail}` : ''}`;
  }
  const err = (e ?? {}) as { name?: string; code?: string; errno?: string; syscall?: string; message?: string; type?: string };
  const code = err.code ?? err.errno;
  if (!sent) {
    // The request never left: building the credentials failed (exec plugin, certificate files, agent).
    if (conn.execCommand) {
      if (code === 'ENOENT' && err.syscall?.startsWith('spawn'))
        return `the credential plugin "${conn.execCommand}" of context ${conn.context} was not found; is it installed and on PATH?`;
      if (err.name === 'SyntaxError') return `the credential plugin "${conn.execCommand}" of context ${conn.context} did not print an ExecCredential (JSON)`;
      const line = conn.redactExec(firstLine(String(err.message ?? e)));
      return `the credential plugin "${conn.execCommand}" of context ${conn.context} failed${line ? `: ${line}` : ''}`;
    }
    const message = String(err.message ?? e);
    if (message.startsWith('HTTP protocol is not allowed'))
      return `cannot reach ${reach(s)}: the server URL is plain http, which @kubernetes/client-node only uses with insecure-skip-tls-verify: true on cluster "${conn.clusterEntry}"`;
    return `cannot use the credentials of context ${conn.context}: ${firstLine(message)}`;
  }
  if (err.name === 'AbortError') return `cannot reach ${reach(s)}: no answer within ${formatDuration(s.timeoutMs)} (--timeout)`;
  if (code && NETWORK_ERRORS[code]) return `cannot reach ${reach(s)}: ${NETWORK_ERRORS[code]}`;
  if (code && TLS_ERRORS.includes(code))
    return `cannot reach ${reach(s)}: its TLS certificate is not trusted (${code}); check certificate-authority-data of cluster "${conn.clusterEntry}" in the kubeconfig`;
  if (code === 'EPROTO' || code?.startsWith('ERR_SSL'))
    return `cannot reach ${reach(s)}: the TLS handshake failed (${code}); does the server speak https at this URL?`;
  if (err.name === 'SyntaxError' || err.type === 'invalid-json') return notKubernetes(s, what);
  // node-fetch says "request to <url> failed, reason: <why>"; the URL is already in the line.
  return `cannot reach ${reach(s)}: ${firstLine(String(err.message ?? e).replace(/^request to \S+ failed, reason: /, ''))}`;
}

function notKubernetes(s: Situation, what: string): string {
  return `the server at ${s.conn.server} did not answer ${what} like a Kubernetes API server; is it the cluster's API endpoint?`;
}

/* ---------- requests ---------- */

/** Lists are read in pages of this many objects, at most this many pages per kind. */
const PAGE_SIZE = 500;
const RBAC_VERSION = 'rbac.authorization.k8s.io/v1';
const MAX_PAGES = 1000;

interface ListResult {
  items: unknown[];
  metadata?: { _continue?: string };
}

/** A response object as plain JSON: Dates as strings, `undefined` dropped. */
function plain(v: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(v ?? {})) as Record<string, unknown>;
}

/**
 * Reads, read-only, every ClusterRole, ClusterRoleBinding, Role and RoleBinding (all namespaces)
 * labelled as managed by eks-access, and the kube-system/aws-auth ConfigMap (absent when the cluster
 * answers 404). The whole exchange, credential plugin included, is bounded by `timeoutMs`; on the
 * deadline every request in flight is aborted, so no socket outlives the call.
 */
export async function fetchLive(conn: Connection, cluster: string, timeoutMs: number): Promise<KubeObject[]> {
  const s: Situation = { conn, cluster, timeoutMs };
  const controller = new AbortController();
  let timedOut = false;
  let anySent = false;
  let timer: NodeJS.Timeout | undefined;
  const rbac = conn.kc.makeApiClient(RbacAuthorizationV1Api);
  const core = conn.kc.makeApiClient(CoreV1Api);

  /** One request: the middleware attaches the abort signal, and tells whether the request was sent. */
  const call = async <T>(what: string, send: (options: ConfigurationOptions) => Promise<T>, notFound?: () => T): Promise<T> => {
    let sent = false;
    // The object-parameter API runs Observable middleware (the client's own Observable stub).
    const middleware: ObservableMiddleware = {
      pre: (context: RequestContext) => {
        sent = true;
        anySent = true;
        context.setSignal(controller.signal);
        return new Observable(Promise.resolve(context));
      },
      post: (response: ResponseContext) => new Observable(Promise.resolve(response)),
    };
    if (controller.signal.aborted) throw new UsageError(describeFailure(undefined, what, sent, s, true));
    try {
      return await send({ middleware: [middleware], middlewareMergeStrategy: 'append' });
    } catch (e) {
      if (e instanceof UsageError) throw e;
      if (notFound && e instanceof ApiException && e.code === 404) return notFound();
      throw new UsageError(describeFailure(e, what, sent, s, timedOut));
    }
  };

  const listAll = async (
    resource: string,
    kind: string,
    page: (cont: string | undefined, options: ConfigurationOptions) => Promise<ListResult>,
  ): Promise<KubeObject[]> => {
    const out: KubeObject[] = [];
    let cont: string | undefined;
    for (let i = 0; i < MAX_PAGES; i++) {
      const list = await call(`list ${resource}`, (options) => page(cont, options));
      // A real API server always sends `items` (empty or not); anything else is not one.
      if (list === null || typeof list !== 'object' || !Array.isArray(list.items)) throw new UsageError(notKubernetes(s, `list ${resource}`));
      // List items usually come without apiVersion and kind.
      for (const item of list.items ?? []) out.push({ apiVersion: RBAC_VERSION, kind, ...plain(item) });
      cont = list.metadata?._continue;
      if (!cont) return out;
    }
    throw new UsageError(`the ${reach(s)} kept paging ${resource} past ${MAX_PAGES * PAGE_SIZE} objects; giving up`);
  };

  const query = (cont: string | undefined) => ({ labelSelector: MANAGED_SELECTOR, limit: PAGE_SIZE, ...(cont !== undefined && { _continue: cont }) });
  const work = async (): Promise<KubeObject[]> => {
    // One request first: it runs the credential plugin once (the client caches its token) and fails
    // fast on 401/403; the rest then go out together.
    const clusterRoles = await listAll('clusterroles', 'ClusterRole', (cont, o) => rbac.listClusterRole(query(cont), o));
    const results = await Promise.all([
      listAll('clusterrolebindings', 'ClusterRoleBinding', (cont, o) => rbac.listClusterRoleBinding(query(cont), o)),
      listAll('roles (all namespaces)', 'Role', (cont, o) => rbac.listRoleForAllNamespaces(query(cont), o)),
      listAll('rolebindings (all namespaces)', 'RoleBinding', (cont, o) => rbac.listRoleBindingForAllNamespaces(query(cont), o)),
      call(
        'get configmap kube-system/aws-auth',
        async (o): Promise<KubeObject[]> => {
          const cm: unknown = await core.readNamespacedConfigMap({ name: 'aws-auth', namespace: 'kube-system' }, o);
          if (cm === null || typeof cm !== 'object' || (cm as { metadata?: { name?: unknown } }).metadata?.name !== 'aws-auth')
            throw new UsageError(notKubernetes(s, 'get configmap kube-system/aws-auth'));
          return [{ apiVersion: 'v1', kind: 'ConfigMap', ...plain(cm) }];
        },
        () => [],
      ),
    ]);
    return [...clusterRoles, ...results.flat()];
  };

  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
      reject(new UsageError(describeFailure(undefined, 'the requests', anySent, s, true)));
    }, timeoutMs);
  });
  try {
    return await Promise.race([work(), deadline]);
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}
