import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse, parseAllDocuments } from 'yaml';
import { ROOT, run, scratch, snapshotTree } from './helpers/run.js';

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

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
    ]) {
      assert.ok(statSync(join(repo, path)).isFile(), path);
    }
    // No template placeholder is left, and the version is this package's.
    for (const [path, text] of Object.entries(snapshotTree(repo))) assert.not.match(text, '__EKS_ACCESS_VERSION__', path);
    assert.match(readFileSync(join(repo, 'README.md'), 'utf8'), `npm install -g eks-access@${VERSION}`);
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

test('the schemas are this package\'s, and every modeline resolves to one of them offline', async () => {
  const { repo, cleanup } = await scaffold();
  try {
    const shipped = readdirSync(join(ROOT, 'schemas')).filter((n) => n.endsWith('.json')).sort();
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

test('the pull-request workflow: SARIF to code scanning, generate --check, diff as a comment', async () => {
  const { repo, cleanup } = await scaffold();
  try {
    const { wf, steps } = workflow(repo, 'access-pr.yml');
    assert.ok('pull_request' in wf.on);
    assert.is(wf.permissions['security-events'], 'write');
    assert.is(wf.permissions['pull-requests'], 'write');

    const checkout = steps[stepUsing(steps, 'actions/checkout')]!;
    assert.is(checkout.with?.['fetch-depth'], 0);
    const node = steps[stepUsing(steps, 'actions/setup-node')]!;
    assert.is(String(node.with?.['node-version']), '20');
    const install = stepRunning(steps, 'npm install -g eks-access@');
    assert.is(steps[install]!.run!.trim(), `npm install -g eks-access@${VERSION}`);

    const lint = stepRunning(steps, 'eks-access lint --format sarif > eks-access.sarif');
    assert.ok(lint > install);
    assert.is(steps[lint]!['continue-on-error'], true);
    const upload = stepUsing(steps, 'github/codeql-action/upload-sarif');
    assert.ok(upload > lint);
    assert.is(steps[upload]!.with?.['sarif_file'], 'eks-access.sarif');
    assert.match(steps[upload]!.if ?? '', 'always()');
    // The job fails on lint errors after the upload.
    const fail = steps.findIndex((s) => (s.if ?? '').includes(`steps.${steps[lint]!.id}.outcome == 'failure'`));
    assert.ok(fail > upload, 'a step fails the job when lint failed');
    assert.match(steps[fail]!.run!, /exit 1\s*$/);

    const check = stepRunning(steps, 'eks-access generate --check');
    assert.ok(check > install);
    const diff = stepRunning(steps, 'eks-access diff --base');
    assert.match(steps[diff]!.run!, 'eks-access diff --base "origin/${{ github.base_ref }}" > access-diff.md');
    const comment = stepUsing(steps, 'marocchino/sticky-pull-request-comment');
    assert.ok(comment > diff);
    assert.is(steps[comment]!.with?.['path'], 'access-diff.md');
  } finally {
    cleanup();
  }
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
    assert.ok(review > stepRunning(steps, `npm install -g eks-access@${VERSION}`));
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

test('the review workflow\'s optional usage job: only when clusters are configured, audit logs exported, usage as Markdown and JSON', async () => {
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
    assert.ok(exported > stepRunning(steps, `npm install -g eks-access@${VERSION}`));
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
    assert.match(again.stderr, 'repo/.github/workflows/access-pr.yml already exists');
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
    for (const argv of [['init', 'repo'], ['init', 'repo', '--force'], ['init', 'plain-file']]) {
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

test('the templates are shipped with the package', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[] };
  assert.ok(pkg.files.includes('src/templates'));
  assert.ok(existsSync(join(ROOT, 'src', 'templates', 'github', 'workflows', 'access-pr.yml')));
});

test.run();
