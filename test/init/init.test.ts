import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse, parseAllDocuments } from 'yaml';
import { ROOT, run, scratch, snapshotTree } from '../helpers/run.js';

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
/** The action of this release, as init pins it: package.json's GitHub repository at tag v<version>. */
const ACTION = `eks-access/eks-access@v${VERSION}`;

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  'continue-on-error'?: boolean;
}
interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, { 'runs-on': string; steps: Step[] }>;
}

/** A scaffold in a fresh scratch folder: `<scratch>/repo`. */
async function scaffold(): Promise<{ repo: string; cleanup: () => void }> {
  const s = scratch();
  const repo = join(s.dir, 'repo');
  const r = await run(['init', 'repo'], s.dir);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stderr, '');
  return { repo, cleanup: s.cleanup };
}

/** The workflow and the steps of its first job (or of the job named). */
function workflow(repo: string, name: string, job?: string): { wf: Workflow; steps: Step[] } {
  const wf = parse(readFileSync(join(repo, '.github', 'workflows', name), 'utf8')) as Workflow;
  const chosen = job === undefined ? Object.values(wf.jobs)[0] : wf.jobs[job];
  assert.ok(chosen, `${name} has job ${job ?? '(first)'}`);
  assert.is(chosen['runs-on'], 'ubuntu-latest');
  return { wf, steps: chosen.steps };
}

const stepRunning = (steps: Step[], text: string) => steps.findIndex((s) => s.run?.includes(text));
const stepUsing = (steps: Step[], action: string) => steps.findIndex((s) => s.uses?.startsWith(`${action}@`));

test('init writes the scaffold and names every file', async () => {
  const { repo, cleanup } = await scaffold();
  try {
    for (const path of [
      'access/clusters/prod.yaml',
      'access/profiles/developer.yaml',
      'access/employees/alice.yaml',
      'access/policy.yaml',
      'README.md',
      '.github/workflows/access-pr.yml',
      '.github/workflows/access-review.yml',
      'deploy/argocd/applicationset.yaml',
      'deploy/argocd/application.yaml',
      'deploy/flux/kustomization.yaml',
      'schemas/access.schema.json',
      '.github/workflows/access-expire.yml',
      '.github/CODEOWNERS',
      '.gitignore',
      '.vscode/settings.json',
      'terraform/111122223333/main.tf',
    ]) {
      assert.ok(statSync(join(repo, path)).isFile(), path);
    }
    // No template placeholder is left, and the version is this package's.
    for (const [path, text] of Object.entries(snapshotTree(repo))) assert.not.match(text, '__EKS_ACCESS_VERSION__', path);
    const readme = readFileSync(join(repo, 'README.md'), 'utf8');
    assert.match(readme, `npm install -g github:eks-access/eks-access#v${VERSION}`);
    // Never an unpublished registry package name, anywhere in the scaffold.
    for (const [path, text] of Object.entries(snapshotTree(repo))) assert.not.match(text, /npm install -g eks-access@|npx eks-access/, path);
  } finally {
    cleanup();
  }
});

test('the scaffolded example passes validate, lint, generate and generate --check in its folder', async () => {
  const { repo, cleanup } = await scaffold();
  try {
    for (const argv of [['validate'], ['lint'], ['lint', '--format', 'sarif'], ['generate'], ['generate', '--check']]) {
      const r = await run(argv, repo);
      assert.is(r.code, 0, `${argv.join(' ')}\n${r.stdout}${r.stderr}`);
    }
    const lint = await run(['lint'], repo);
    assert.match(lint.stdout, '0 error(s), 0 warning(s)');
    // Argo CD and Flux point at folders that generate writes.
    assert.ok(existsSync(join(repo, 'generated', 'clusters', 'prod', 'kustomization.yaml')));
    assert.ok(existsSync(join(repo, 'generated', 'clusters', 'prod', 'employees', 'alice.yaml')));
  } finally {
    cleanup();
  }
});

test("the schemas are this package's, and every modeline resolves to one of them offline", async () => {
  const { repo, cleanup } = await scaffold();
  try {
    const shipped = readdirSync(join(ROOT, 'schemas'))
      .filter((n) => n.endsWith('.json'))
      .sort();
    assert.equal(readdirSync(join(repo, 'schemas')).sort(), shipped);
    for (const n of shipped) assert.is(readFileSync(join(repo, 'schemas', n), 'utf8'), readFileSync(join(ROOT, 'schemas', n), 'utf8'));
    const files = Object.keys(snapshotTree(join(repo, 'access')));
    assert.is(files.length, 4);
    for (const f of files) {
      const text = readFileSync(join(repo, 'access', f), 'utf8');
      const m = /^# yaml-language-server: \$schema=(\S+)$/m.exec(text);
      assert.ok(m, `${f} has a modeline`);
      assert.ok(existsSync(resolve(dirname(join(repo, 'access', f)), m![1]!)), `${f}: ${m![1]} resolves`);
    }
  } finally {
    cleanup();
  }
});

test('the pull-request workflow: the eks-access action at this release tag, with the full history for diff', async () => {
  const { repo, cleanup } = await scaffold();
  try {
    const { wf, steps } = workflow(repo, 'access-pr.yml');
    assert.ok('pull_request' in wf.on);
    assert.is(wf.permissions['security-events'], 'write');
    assert.is(wf.permissions['pull-requests'], 'write');
    const checkout = steps[stepUsing(steps, 'actions/checkout')]!;
    assert.is(checkout.uses, 'actions/checkout@v5');
    assert.is(checkout.with?.['fetch-depth'], 0);
    const action = steps.findIndex((s) => s.uses === ACTION);
    assert.ok(action > stepUsing(steps, 'actions/checkout'), 'the action runs after the checkout');
    assert.is(steps[action]!.with?.['mode'], undefined, 'the default mode: the pull-request checks');
  } finally {
    cleanup();
  }
});

interface ActionStep extends Step {
  shell?: string;
}

test('action.yml: a composite action that installs this checkout and runs eks-access check (SARIF, comment, generate --check)', () => {
  const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
    runs: { using: string; steps: ActionStep[] };
    inputs: Record<string, { default?: string }>;
  };
  assert.is(action.runs.using, 'composite');
  const steps = action.runs.steps;
  assert.is(String(action.inputs['node-version']?.default), '22');
  assert.is(steps[stepUsing(steps, 'actions/setup-node')]!.uses, 'actions/setup-node@v5');
  const install = stepRunning(steps, 'npm ci');
  assert.match(steps[install]!.run!, 'cd "$GITHUB_ACTION_PATH"');
  assert.match(steps[install]!.run!, 'GITHUB_PATH');
  assert.not.match(steps[install]!.run!, 'npm install -g eks-access');
  // On a pull request, one eks-access check: lint (SARIF), generate --check and the comment from one read.
  const check = stepRunning(steps, 'eks-access check --dir "$DIR" --out "$OUT" --base "origin/$BASE_REF" --sarif eks-access.sarif');
  assert.match(steps[check]!.run!, '--comment access-diff.md');
  assert.match(steps[check]!.run!, 'eks-access lint --dir "$DIR" --format sarif > eks-access.sarif');
  assert.match(steps[check]!.run!, 'eks-access generate --check --dir "$DIR" --out "$OUT"');
  const upload = stepUsing(steps, 'github/codeql-action/upload-sarif');
  assert.is(steps[upload]!.uses, 'github/codeql-action/upload-sarif@v4');
  assert.is(steps[upload]!.with?.['sarif_file'], 'eks-access.sarif');
  const comment = stepUsing(steps, 'actions/github-script');
  assert.is(steps[comment]!.uses, 'actions/github-script@v8');
  assert.match(String(steps[comment]!.with?.['script']), 'updateComment');
  const fail = stepRunning(steps, 'exit "$failed"');
  assert.ok(install < check && check < upload && upload < comment && comment < fail);
  // Values reach the scripts through the environment, never spliced into them.
  for (const s of steps) assert.not.match(s.run ?? '', '${{', s.name ?? '');
  for (const s of steps) if (s.run !== undefined) assert.is(s.shell, 'bash', s.name ?? '');
  // Only first-party actions, by major tag; anything else would have to be pinned by commit SHA.
  for (const s of steps)
    if (s.uses !== undefined) assert.ok(/^(actions\/|github\/codeql-action\/)[^@]+@v\d+$/.test(s.uses) || /@[0-9a-f]{40}$/.test(s.uses), s.uses);
});

test('the review workflow: weekly and on demand, review --format markdown, an issue through github-script', async () => {
  const { repo, cleanup } = await scaffold();
  try {
    const { wf, steps } = workflow(repo, 'access-review.yml');
    const schedule = wf.on['schedule'] as { cron: string }[];
    assert.is(schedule.length, 1);
    assert.match(schedule[0]!.cron, /^\d+ \d+ \* \* [0-6]$/);
    assert.ok('workflow_dispatch' in wf.on);
    assert.is(wf.permissions['issues'], 'write');
    const review = stepRunning(steps, 'eks-access review --within 30d --format markdown');
    const install = steps.findIndex((s) => s.uses === ACTION);
    assert.is(steps[install]!.with?.['mode'], 'install');
    assert.ok(review > install);
    assert.match(steps[review]!.run!, 'eks-access review --within 30d --format json > review.json');
    const script = stepUsing(steps, 'actions/github-script');
    assert.ok(script > review);
    const code = String(steps[script]!.with?.['script']);
    assert.match(code, 'issues.create');
    assert.match(code, 'issues.update');
    assert.match(code, 'review.summary.expiring');
    assert.match(String(steps[script]!.env?.['REVIEW_EXIT_CODE']), `steps.${steps[review]!.id}.outputs.exit-code`);
    // The JSON the script reads has the fields it uses.
    const r = await run(['review', '--format', 'json'], repo);
    assert.is(r.code, 0, r.stderr);
    assert.type((JSON.parse(r.stdout) as { summary: { expiring: number } }).summary.expiring, 'number');
  } finally {
    cleanup();
  }
});

test("the review workflow's optional usage job: only when clusters are configured, audit logs exported, usage as Markdown and JSON", async () => {
  const { repo, cleanup } = await scaffold();
  try {
    const { wf, steps } = workflow(repo, 'access-review.yml', 'usage');
    const job = wf.jobs['usage'] as unknown as { if: string; env: Record<string, string>; permissions: Record<string, string> };
    assert.match(job.if, "vars.EKS_ACCESS_USAGE_CLUSTERS != ''");
    assert.is(job.permissions['id-token'], 'write');
    // Values from variables reach the scripts through the environment, never spliced into them.
    for (const s of steps) assert.not.match(s.run ?? '', '${{');
    const exported = stepRunning(steps, 'aws logs filter-log-events');
    const usage = stepRunning(steps, 'eks-access usage --cluster "$cluster" --audit-log "audit-$cluster.json.gz" --since 90d --format markdown');
    assert.ok(exported > steps.findIndex((s) => s.uses === ACTION && s.with?.['mode'] === 'install'));
    assert.ok(usage > exported);
    assert.match(steps[usage]!.run!, '--format json');
    assert.match(steps[usage]!.run!, 'GITHUB_STEP_SUMMARY');
    assert.ok(stepUsing(steps, 'actions/upload-artifact') > usage);
  } finally {
    cleanup();
  }
});

test('Argo CD ApplicationSet and Application, Flux Kustomization point at generated/clusters', async () => {
  const { repo, cleanup } = await scaffold();
  try {
    const set = parse(readFileSync(join(repo, 'deploy/argocd/applicationset.yaml'), 'utf8'));
    assert.is(set.apiVersion, 'argoproj.io/v1alpha1');
    assert.is(set.kind, 'ApplicationSet');
    assert.equal(set.spec.generators[0].git.directories, [{ path: 'generated/clusters/*' }]);
    assert.is(set.spec.template.spec.source.path, '{{.path.path}}');
    assert.equal(set.spec.template.spec.syncPolicy.automated, { prune: true, selfHeal: true, allowEmpty: true });
    assert.ok(set.spec.template.spec.syncPolicy.syncOptions.includes('ServerSideApply=true'));

    const app = parse(readFileSync(join(repo, 'deploy/argocd/application.yaml'), 'utf8'));
    assert.is(app.kind, 'Application');
    assert.is(app.spec.source.path, 'generated/clusters/prod');
    assert.equal(app.spec.syncPolicy.automated, { prune: true, selfHeal: true, allowEmpty: true });
    assert.ok(app.spec.syncPolicy.syncOptions.includes('ServerSideApply=true'));

    const docs = parseAllDocuments(readFileSync(join(repo, 'deploy/flux/kustomization.yaml'), 'utf8')).map((d) => {
      assert.equal(d.errors, []);
      return d.toJS();
    });
    const ks = docs.find((d) => d.kind === 'Kustomization');
    const source = docs.find((d) => d.kind === 'GitRepository');
    assert.is(ks.apiVersion, 'kustomize.toolkit.fluxcd.io/v1');
    assert.is(ks.spec.path, './generated/clusters/prod');
    assert.is(ks.spec.prune, true);
    assert.equal(ks.spec.sourceRef, { kind: 'GitRepository', name: source.metadata.name });
  } finally {
    cleanup();
  }
});

test('refuses to overwrite an existing file without --force: exit 2 naming it, nothing written', async () => {
  const s = scratch({ 'repo/README.md': '# our own readme\n' });
  try {
    const before = snapshotTree(s.dir);
    const r = await run(['init', 'repo'], s.dir);
    assert.is(r.code, 2);
    assert.is(r.stdout, '');
    assert.match(r.stderr, 'eks-access: repo/README.md already exists; nothing written (use --force');
    assert.equal(snapshotTree(s.dir), before);

    const forced = await run(['init', 'repo', '--force'], s.dir);
    assert.is(forced.code, 0, forced.stderr);
    assert.not.match(readFileSync(join(s.dir, 'repo', 'README.md'), 'utf8'), 'our own readme');
    // A second init names the first file it would overwrite.
    const again = await run(['init', 'repo'], s.dir);
    assert.is(again.code, 2);
    assert.match(again.stderr, 'repo/.github/CODEOWNERS already exists');
  } finally {
    s.cleanup();
  }
});

test('init with no argument scaffolds the working directory', async () => {
  const s = scratch();
  try {
    const r = await run(['init'], s.dir);
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout, 'wrote access/employees/alice.yaml');
    assert.ok(existsSync(join(s.dir, 'access', 'policy.yaml')));
    assert.ok(existsSync(join(s.dir, '.github', 'workflows', 'access-pr.yml')));
  } finally {
    s.cleanup();
  }
});

test('a file where init needs a folder, or DIR itself a file: exit 2 even with --force, nothing written', async () => {
  const s = scratch({ 'repo/access': 'not a folder\n', 'plain-file': 'x\n' });
  try {
    const before = snapshotTree(s.dir);
    for (const argv of [
      ['init', 'repo'],
      ['init', 'repo', '--force'],
      ['init', 'plain-file'],
    ]) {
      const r = await run(argv, s.dir);
      assert.is(r.code, 2, argv.join(' '));
      assert.match(r.stderr, /^eks-access: .*(is a file).*nothing written\n$/);
      assert.not.match(r.stderr, /\n\s+at /);
    }
    assert.equal(snapshotTree(s.dir), before);
    // A folder where init writes a file.
    mkdirSync(join(s.dir, 'other', 'README.md'), { recursive: true });
    writeFileSync(join(s.dir, 'other', 'README.md', 'keep'), 'x');
    const r = await run(['init', 'other', '--force'], s.dir);
    assert.is(r.code, 2);
    assert.match(r.stderr, 'other/README.md is a folder');
  } finally {
    s.cleanup();
  }
});

test('the expiry workflow: daily, expire --write and generate, one pull request opened or updated', async () => {
  const { repo, cleanup } = await scaffold();
  try {
    const { wf, steps } = workflow(repo, 'access-expire.yml');
    const schedule = wf.on['schedule'] as { cron: string }[];
    assert.match(schedule[0]!.cron, /^\d+ \d+ \* \* \*$/);
    assert.ok('workflow_dispatch' in wf.on);
    assert.is(wf.permissions['contents'], 'write');
    assert.is(wf.permissions['pull-requests'], 'write');
    const install = steps.findIndex((s) => s.uses === ACTION);
    assert.is(steps[install]!.with?.['mode'], 'install');
    const expire = stepRunning(steps, 'eks-access expire --write');
    assert.ok(expire > install);
    assert.match(steps[expire]!.run!, 'eks-access generate');
    const pr = stepRunning(steps, 'gh pr create');
    assert.ok(pr > expire);
    assert.match(steps[pr]!.run!, 'gh pr edit');
    assert.match(steps[pr]!.run!, 'git push --force origin "$BRANCH"');
    assert.match(steps[pr]!.if ?? '', `steps.${steps[expire]!.id}.outputs.changed == 'true'`);
    for (const s of steps) assert.not.match(s.run ?? '', '${{', s.name ?? '');
  } finally {
    cleanup();
  }
});

test("every workflow init writes, and this repository's, passes actionlint; actions are current and pinned", async () => {
  const { repo, cleanup } = await scaffold();
  try {
    // actionlint (rhysd/actionlint, built to WebAssembly; a dev dependency) over each repository's .github/workflows.
    const bin = join(ROOT, 'node_modules', '@tktco', 'node-actionlint', 'bin', 'node-actionlint.js');
    for (const dir of [repo, ROOT]) {
      const r = spawnSync(process.execPath, [bin], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
      assert.is(r.status, 0, `actionlint in ${dir}:\n${r.stdout}${r.stderr}`);
      assert.match(r.stdout, /Checking \d+ workflow file/);
    }
    const files = [
      ...readdirSync(join(repo, '.github', 'workflows')).map((n) => join(repo, '.github', 'workflows', n)),
      ...readdirSync(join(ROOT, '.github', 'workflows')).map((n) => join(ROOT, '.github', 'workflows', n)),
    ];
    assert.ok(files.length >= 4);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      const wf = parse(text) as Workflow;
      for (const job of Object.values(wf.jobs)) {
        for (const step of job.steps) {
          if (step.uses === undefined) continue;
          const firstParty = /^(actions\/|github\/codeql-action\/)/.test(step.uses);
          if (step.uses === ACTION) continue;
          assert.ok(
            firstParty ? /@v\d+$/.test(step.uses) : /@[0-9a-f]{40}$/.test(step.uses),
            `${f}: ${step.uses} (third-party actions are pinned by commit SHA)`,
          );
          if (step.uses.startsWith('actions/setup-node@')) assert.ok(['22', '24'].includes(String(step.with?.['node-version'])), `${f}: node-version`);
        }
      }
      for (const [action, major] of [
        ['actions/checkout', 5],
        ['actions/setup-node', 5],
        ['github/codeql-action/upload-sarif', 4],
        ['actions/github-script', 8],
        ['actions/upload-artifact', 7],
      ] as const) {
        for (const m of text.matchAll(new RegExp(`uses: ${action}@v(\\d+)`, 'g'))) assert.ok(Number(m[1]) >= major, `${f}: ${action}@v${m[1]}`);
      }
    }
  } finally {
    cleanup();
  }
});

test('.gitignore, CODEOWNERS, editor settings and the Terraform root of the example account', async () => {
  const { repo, cleanup } = await scaffold();
  try {
    const gitignore = readFileSync(join(repo, '.gitignore'), 'utf8').split('\n');
    // Leftovers of an interrupted generate next to generated/ (the writer's names), and Terraform's files.
    for (const pattern of ['.*.eks-access-*', '.terraform/', '*.tfstate', '*.tfstate.*', 'crash.log', '*.tfvars'])
      assert.ok(gitignore.includes(pattern), pattern);
    assert.not.ok(gitignore.includes('.terraform.lock.hcl'), 'the lock file is committed');
    const owners = readFileSync(join(repo, '.github', 'CODEOWNERS'), 'utf8');
    for (const path of ['/access/policy.yaml', '/access/clusters/', '/.github/', '/terraform/'])
      assert.match(owners, new RegExp(`^${path.replace(/\./g, '\\.')}\\s+@`, 'm'), path);
    const settings = JSON.parse(readFileSync(join(repo, '.vscode', 'settings.json'), 'utf8')) as { 'yaml.schemas': Record<string, string[]> };
    const [schema, globs] = Object.entries(settings['yaml.schemas'])[0]!;
    assert.ok(existsSync(join(repo, schema)), schema);
    assert.ok(globs.includes('access/**/*.yaml'));
    const tf = readFileSync(join(repo, 'terraform', '111122223333', 'main.tf'), 'utf8');
    assert.match(tf, /source\s+= "\.\.\/\.\.\/generated\/terraform\/111122223333"/);
    assert.match(tf, /version\s+= "~> 6\.0"/);
    assert.match(tf, /backend "s3" \{/);
    assert.match(tf, /provider "aws" \{\s+region\s+= "eu-west-1"\s+allowed_account_ids = \["111122223333"\]/);
    // The account and region are the example cluster's.
    const cluster = parse(readFileSync(join(repo, 'access', 'clusters', 'prod.yaml'), 'utf8')) as { accountId: string; region: string };
    assert.is(cluster.accountId, '111122223333');
    assert.is(cluster.region, 'eu-west-1');
  } finally {
    cleanup();
  }
});

test('the templates are shipped with the package', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[] };
  assert.ok(pkg.files.includes('src/templates'));
  assert.ok(existsSync(join(ROOT, 'src', 'templates', 'github', 'workflows', 'access-pr.yml')));
});

test.run();
