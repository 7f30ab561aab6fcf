import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/index.js';

/** The repository root, whether tests run from `test/` or `dist/test/`. */
export const ROOT = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../../../' : '../../', import.meta.url));
export const FIXTURES = join(ROOT, 'test', 'fixtures');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with `cwd` as working directory, capturing its output. */
export async function run(argv: string[], cwd?: string): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const previous = process.cwd();
  if (cwd) process.chdir(cwd);
  try {
    const code = await main(argv, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
    return { code, stdout, stderr };
  } finally {
    process.chdir(previous);
  }
}

/** A scratch folder with the given files (path -> text or bytes). Removed by `cleanup`. */
export function scratch(files: Record<string, string | Uint8Array> = {}): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'eks-access-test-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Every file under `dir` with its content, for "nothing was written" assertions. */
export function snapshotTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  try {
    walk(dir);
  } catch {
    return {};
  }
  return out;
}

export const HEADER = 'apiVersion: eks-access/v1\n';

/** A small valid access folder to start bad-input cases from. */
export const BASE_FILES: Record<string, string> = {
  'access/clusters/prod.yaml': `${HEADER}kind: Cluster
name: prod
accountId: "111122223333"
region: eu-west-1
authentication: aws-auth
namespaces: [payments, my-namespace]
awsAuth:
  mapRoles:
    - rolearn: arn:aws:iam::111122223333:role/prod-nodes
      username: system:node:{{EC2PrivateDNSName}}
      groups: [system:bootstrappers, system:nodes]
`,
  'access/clusters/api.yaml': `${HEADER}kind: Cluster
name: api
accountId: "444455556666"
region: us-east-1
authentication: access-entries
namespaces: [data]
`,
  'access/profiles/developer.yaml': `${HEADER}kind: Profile
name: developer
description: read pods
rules:
  - apiGroups: [""]
    resources: [pods]
    verbs: [get, list, watch]
`,
  'access/employees/alice.yaml': `${HEADER}kind: Employee
name: alice
email: alice@example.com
identity:
  iamUser: alice
access:
  - cluster: prod
    namespaces: [my-namespace]
    rules:
      - apiGroups: [""]
        resources: [pods, services]
        verbs: [get, list, watch]
`,
};
