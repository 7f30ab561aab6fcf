/**
 * `npm run bench`: every command measured whole, as a user runs it (a child process: Node start-up,
 * module loading, reading, writing), on synthetic access folders of several sizes, against two
 * references measured in the same run on the same folder:
 *   floor    bench/kit/floor.mjs (from the project's benchmark kit): parse every YAML file with the
 *            yaml package and write one JSON file per input, nothing else; no tool that reads the
 *            folder can do much less
 *   ajv-cli  schema validation of the employee files by a general-purpose validator (the peer)
 * The folder (bench/kit/make-access.mjs) is committed in a scratch git repository with its generated/,
 * then one line is added to one profile (and generated/ regenerated, as the author of the pull
 * request would): `diff` and the pull-request job (`check`) compare that working tree with the
 * commit, reading the base tree from git without checking it out.
 * Then can-i against a dump of RBAC objects (YAML and JSON), split into loading and one question.
 *
 * Then usage over a synthetic audit log against reading and JSON.parse-ing its lines (bench/audit.ts).
 *
 * Then a wide cluster (bench/wide.ts): one cluster of --namespaces namespaces, with grants spread over
 * all of them; validate, lint and generate against the floor on the same folder.
 *
 *   npm run bench -- [--sizes 1000,10000] [--runs 3] [--rbac-objects 4000] [--audit-events 1000000] [--namespaces 64000]
 *
 * Times are the best of --runs rounds; in each round every tool runs once, in turn, so noise on the
 * machine hits all of them alike. Peak memory is the largest seen over the rounds.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describeRssMethod, measureCommand, rssMethod, type Measured, type RssMethod } from './child.js';
import { writeSyntheticRbac } from './synthetic.js';
import { auditRound, writeAuditLog } from './audit.js';
import { writeWideAccess } from './wide.js';

const USAGE = 'usage: npm run bench -- [--sizes 1000,10000] [--runs 3] [--rbac-objects 4000] [--audit-events 1000000] [--namespaces 64000]';
const CLUSTERS = 5;
/** Every command stays under this peak memory. */
const PEAK_MIB = 1024;
/** From this size on, the tools' ratios to the floor are held to their targets. */
const TARGET_EMPLOYEES = 10000;
const NAMESPACES = 40;

class BenchError extends Error {}

function options(argv: string[]): { sizes: number[]; runs: number; rbacObjects: number; auditEvents: number; namespaces: number } {
  const given = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '--help' || flag === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    const m = /^--(sizes|runs|rbac-objects|audit-events|namespaces)(?:=(.*))?$/.exec(flag);
    if (!m) throw new BenchError(`unknown option ${flag}\n${USAGE}`);
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new BenchError(`${flag} needs a value\n${USAGE}`);
    given.set(m[1]!, value);
  }
  const count = (name: string, text: string, min: number) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) throw new BenchError(`--${name} takes whole numbers of at least ${min}, not "${text}"`);
    return n;
  };
  const sizes = [...new Set((given.get('sizes') ?? '1000,10000').split(',').map((s) => count('sizes', s.trim(), 2)))].sort((a, b) => a - b);
  return {
    sizes,
    runs: count('runs', given.get('runs') ?? '3', 1),
    rbacObjects: count('rbac-objects', given.get('rbac-objects') ?? '4000', 0),
    auditEvents: count('audit-events', given.get('audit-events') ?? '1000000', 0),
    namespaces: count('namespaces', given.get('namespaces') ?? '64000', 0),
  };
}

/** dist/bench/bench.js -> the project root. */
const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The benchmark kit's scripts, kept in the repository (bench/kit/). */
function kitScripts(): { makeAccess: string; floor: string } {
  const dir = resolve(projectRoot, 'bench', 'kit');
  const makeAccess = join(dir, 'make-access.mjs');
  const floor = join(dir, 'floor.mjs');
  const missing = [makeAccess, floor].filter((f) => !existsSync(f));
  if (missing.length > 0) throw new BenchError(`the benchmark kit is incomplete: ${missing.join(', ')} missing`);
  return { makeAccess, floor };
}

/** The one-line change of the pull request the benchmark measures `diff` and `check` on. */
const PROFILE = 'batch-viewer';
const PROFILE_CHANGE = '  - apiGroups: [""]\n    resources: [pods/log]\n    verbs: [get]\n';

function git(cwd: string, ...args: string[]): void {
  const r = spawnSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' });
  if (r.error) throw new BenchError(`git is needed for the diff and check measurements: ${r.error.message}`);
  if (r.status !== 0) throw new BenchError(`git ${args.join(' ')} failed: ${r.stderr.trim()}`);
}

function ajvCli(): string {
  const bin = join(projectRoot, 'node_modules', '.bin', 'ajv');
  if (!existsSync(bin)) throw new BenchError(`ajv-cli is not installed (no ${bin}); it is a devDependency, run npm install`);
  return realpathSync(bin);
}

/** What a tool's run is checked against, so that a fast failure is never reported as a fast run. */
interface Folder {
  dir: string;
  repo: string;
  employees: number;
  yamlFiles: number;
  cluster: string;
  namespace: string;
}
interface Tool {
  name: string;
  args(folder: Folder, out: string): string[];
  /** The working directory (default the project root). */
  cwd?(folder: Folder): string;
  /** The ratio to the floor it must stay within, if any (printed as a verdict). */
  target?: number;
  /** Throws when the run did not do the work; otherwise a short note on what it did. */
  check(m: Measured, folder: Folder, out: string): string;
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1] ?? '';
}

function failure(tool: string, m: Measured, why: string): BenchError {
  const tail = (m.stderr.trim() || m.stdout.trim()).split('\n').slice(-15).join('\n');
  return new BenchError(`${tool}: ${why} (exit ${m.code ?? m.signal})\n${tail}`);
}

function countFiles(dir: string): number {
  return existsSync(dir) ? readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length : 0;
}

function tools(floorScript: string, ajvScript: string): Tool[] {
  const cli = join(projectRoot, 'dist', 'src', 'bin.js');
  return [
    {
      name: 'floor',
      args: (f, out) => [floorScript, f.dir, out],
      check: (m, f) => {
        const r = /^floor: (\d+) files, \d+ bytes written, (\d+) ms$/m.exec(m.stdout);
        if (m.code !== 0 || !r) throw failure('floor', m, 'did not finish');
        if (Number(r[1]) !== f.yamlFiles) throw failure('floor', m, `read ${r[1]} files, the folder has ${f.yamlFiles}`);
        return `${r[1]} files; its own loop ${r[2]} ms`;
      },
    },
    {
      name: 'ajv-cli',
      args: (f) => [
        ajvScript,
        'validate',
        '-s',
        'schemas/employee.schema.json',
        '-r',
        'schemas/defs.schema.json',
        '-c',
        'ajv-formats',
        '-d',
        `${f.dir}/employees/*.yaml`,
      ],
      check: (m, f) => {
        // It exits 1: js-yaml 3 reads unquoted dates as timestamps, which the schema's date type
        // (a string) rejects. What counts is that it read and validated every employee file.
        const verdicts = `${m.stdout}\n${m.stderr}`
          .split('\n')
          .filter((l) => l.startsWith(`${f.dir}/employees/`))
          .map((l) => / (valid|invalid)$/.exec(l)?.[1]);
        const valid = verdicts.filter((v) => v === 'valid').length;
        const invalid = verdicts.filter((v) => v === 'invalid').length;
        if (m.signal || valid + invalid !== f.employees) throw failure('ajv-cli', m, `validated ${valid + invalid} of ${f.employees} employee files`);
        return `exit ${m.code}; ${valid} valid, ${invalid} invalid (unquoted dates)`;
      },
    },
    {
      name: 'lint',
      args: (f) => [cli, 'lint', '--dir', f.dir],
      check: (m) => {
        if (m.code !== 0 && m.code !== 1) throw failure('lint', m, 'did not run');
        return `exit ${m.code}; ${lastLine(m.stdout)}`;
      },
    },
    {
      name: 'generate',
      target: 1.5,
      args: (f, out) => [cli, 'generate', '--dir', f.dir, '--out', out],
      check: (m, _f, out) => {
        if (m.code !== 0) throw failure('generate', m, 'failed');
        return `exit 0; ${countFiles(out)} files written`;
      },
    },
    {
      name: 'diff',
      target: 2.0,
      cwd: (f) => f.repo,
      args: (f, out) => {
        mkdirSync(out, { recursive: true });
        return [cli, 'diff', '--base', 'HEAD', '--dir', f.dir, '--output', join(out, 'full.md')];
      },
      check: (m) => {
        const first = m.stdout.split('\n').find((l) => l.startsWith(`- **profile ${PROFILE}**`));
        if (m.code !== 0 || !first) throw failure('diff', m, `did not report the change of profile ${PROFILE}`);
        if (m.stdout.length > 65536) throw failure('diff', m, `printed ${m.stdout.length} characters, more than a GitHub comment takes`);
        return `exit 0; ${m.stdout.length} chars: ${first.slice(2).replace(/ \(.*$/, '')}`;
      },
    },
    {
      name: 'pr-job',
      target: 3.0,
      cwd: (f) => f.repo,
      args: (f, out) => {
        mkdirSync(out, { recursive: true });
        return [
          cli,
          'check',
          '--base',
          'HEAD',
          '--dir',
          f.dir,
          '--out',
          join(f.repo, 'generated'),
          '--sarif',
          join(out, 'lint.sarif'),
          '--comment',
          join(out, 'comment.md'),
          '--output',
          join(out, 'full.md'),
        ];
      },
      check: (m, _f, out) => {
        const comment = existsSync(join(out, 'comment.md')) ? readFileSync(join(out, 'comment.md'), 'utf8') : '';
        if (m.code !== 0 || !comment.includes(`**profile ${PROFILE}**`) || !existsSync(join(out, 'lint.sarif')))
          throw failure('pr-job', m, 'did not lint, check and diff');
        if (!/is up to date/.test(m.stderr)) throw failure('pr-job', m, 'did not find generated/ up to date');
        return `exit 0; lint, generated/ up to date, comment of ${comment.length} chars`;
      },
    },
    {
      name: 'can-i',
      args: (f) => [cli, 'can-i', 'get', 'pods', '-n', f.namespace, '--employee', 'user-000001', '--cluster', f.cluster, '--dir', f.dir],
      check: (m) => {
        const answer = m.stdout.trim();
        if (!((m.code === 0 && answer === 'yes') || (m.code === 1 && answer === 'no'))) throw failure('can-i', m, 'gave no answer');
        return `exit ${m.code}; ${answer}`;
      },
    },
    {
      name: 'who-can',
      args: (f) => [cli, 'who-can', 'get', 'pods', '-n', f.namespace, '--cluster', f.cluster, '--dir', f.dir],
      check: (m) => {
        if (m.code !== 0 || !m.stdout.startsWith('who can ')) throw failure('who-can', m, 'gave no answer');
        return `exit 0; ${m.stdout.trim().split('\n').length - 1} holders`;
      },
    },
  ];
}

function describeFolder(dir: string, repo: string, employees: number): Folder {
  const yamlFiles = readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => /\.ya?ml$/.test(f)).length;
  const clusterFiles = readdirSync(join(dir, 'clusters'))
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  const clusters = clusterFiles.map((f) => parse(readFileSync(join(dir, 'clusters', f), 'utf8')) as { name?: unknown; namespaces?: unknown });
  const first = clusters[0];
  if (!first || typeof first.name !== 'string') throw new BenchError(`no cluster with a name in ${join(dir, 'clusters')}`);
  const namespace = Array.isArray(first.namespaces) && typeof first.namespaces[0] === 'string' ? first.namespaces[0] : 'default';
  if (!existsSync(join(dir, 'employees', 'user-000001.yaml'))) throw new BenchError(`no employee user-000001 in ${dir}; can-i asks about that one`);
  return { dir, repo, employees, yamlFiles, cluster: first.name, namespace };
}

interface Result {
  ms: number;
  peakMiB: number;
  note: string;
}

const fmt = (n: number, digits = 0) => n.toFixed(digits);
const ratio = (a: number, b: number | undefined) => (b ? `${(a / b).toFixed(2)}x` : '-');

/** A plain text table: columns of numbers (and ratios) right-aligned, the others left-aligned. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const numeric = header.map((_, i) => rows.every((r) => /^(-?[\d.]+x?|-)$/.test(r[i]!)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

async function accessSection(
  method: RssMethod,
  work: string,
  sizes: number[],
  runs: number,
  scripts: { makeAccess: string; floor: string; ajv: string },
): Promise<void> {
  const { makeAccess } = scripts;
  const list = tools(scripts.floor, scripts.ajv);
  const results = new Map<number, Map<string, Result>>();
  for (const employees of sizes) {
    const repo = join(work, `repo-${employees}`);
    const dir = join(repo, 'access');
    const made = await measureCommand(
      method,
      process.execPath,
      [makeAccess, '--out', dir, '--employees', String(employees), '--clusters', String(CLUSTERS), '--namespaces', String(NAMESPACES)],
      { cwd: projectRoot, scratch: work },
    );
    if (made.code !== 0) throw failure('make-access.mjs', made, 'could not write the access folder');
    // The repository of a pull request: access/ and generated/ committed, then one profile gains a
    // rule and generated/ follows.
    const cli = join(projectRoot, 'dist', 'src', 'bin.js');
    const generate = async () => {
      const g = await measureCommand(method, process.execPath, [cli, 'generate', '--dir', dir, '--out', join(repo, 'generated')], { cwd: repo, scratch: work });
      if (g.code !== 0) throw failure('generate (set-up)', g, 'failed');
    };
    await generate();
    git(repo, 'init', '-q');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'base');
    appendFileSync(join(dir, 'profiles', `${PROFILE}.yaml`), PROFILE_CHANGE);
    await generate();
    const folder = describeFolder(dir, repo, employees);
    console.log(
      `\n== ${employees} employees, ${CLUSTERS} clusters, ${NAMESPACES} namespaces: ${folder.yamlFiles} YAML files ` +
        `(made in ${fmt(made.ms / 1000, 1)} s); can-i and who-can ask about get pods in ${folder.namespace} on ${folder.cluster}; ` +
        `diff and pr-job: profile ${PROFILE} gains get pods/log since the commit`,
    );
    const best = new Map<string, Result>();
    for (let round = 1; round <= runs; round++) {
      const progress: string[] = [];
      for (const tool of list) {
        const out = join(work, `out-${employees}-${tool.name}`);
        rmSync(out, { recursive: true, force: true });
        const m = await measureCommand(method, process.execPath, tool.args(folder, out), { cwd: tool.cwd?.(folder) ?? projectRoot, scratch: work });
        const note = tool.check(m, folder, out);
        rmSync(out, { recursive: true, force: true });
        const prev = best.get(tool.name);
        best.set(tool.name, {
          ms: Math.min(prev?.ms ?? Infinity, m.ms),
          peakMiB: Math.max(prev?.peakMiB ?? 0, m.peakMiB),
          note: prev && prev.ms <= m.ms ? prev.note : note,
        });
        progress.push(`${tool.name} ${fmt(m.ms)}`);
      }
      console.log(`  round ${round}/${runs}, ms: ${progress.join(', ')}`);
    }
    results.set(employees, best);
    const floorMs = best.get('floor')?.ms;
    const ajvMs = best.get('ajv-cli')?.ms;
    console.log(
      table(
        ['tool', 'wall ms', 'x floor', 'x ajv-cli', 'peak MiB', 'target', 'what it did (best run)'],
        list.map(({ name, target }) => {
          const r = best.get(name)!;
          // The ratios are targets at 10,000 employees and more (below, Node's start-up dominates).
          const ratioTarget = employees >= TARGET_EMPLOYEES ? target : undefined;
          const within = (ratioTarget === undefined || r.ms / floorMs! <= ratioTarget) && r.peakMiB <= PEAK_MIB;
          const verdict = `${ratioTarget === undefined ? '' : `<=${ratioTarget.toFixed(1)}x, `}<=${PEAK_MIB} MiB: ${within ? 'ok' : 'MISSED'}`;
          return [name, fmt(r.ms), ratio(r.ms, floorMs), ratio(r.ms, ajvMs), fmt(r.peakMiB), name === 'floor' || name === 'ajv-cli' ? '-' : verdict, r.note];
        }),
      ),
    );
    rmSync(repo, { recursive: true, force: true });
  }

  if (sizes.length < 2) return;
  const small = sizes[0]!;
  const large = sizes[sizes.length - 1]!;
  const factor = large / small;
  console.log(
    `\n== growth ${small} -> ${large} employees (${fmt(factor, factor % 1 ? 1 : 0)}x the input); ` +
      `up to ~${fmt(factor, factor % 1 ? 1 : 0)}x the time is linear or better`,
  );
  console.log(
    table(
      ['tool', `ms @${small}`, `ms @${large}`, 'time ratio', 'ms per 1000 more employees', 'MiB ratio', 'verdict'],
      list.map(({ name }) => {
        const a = results.get(small)!.get(name)!;
        const b = results.get(large)!.get(name)!;
        const perThousand = ((b.ms - a.ms) / (large - small)) * 1000;
        return [
          name,
          fmt(a.ms),
          fmt(b.ms),
          `${fmt(b.ms / a.ms, 2)}x`,
          fmt(perThousand),
          `${fmt(b.peakMiB / a.peakMiB, 2)}x`,
          b.ms / a.ms <= factor * 1.1 ? 'linear or better' : 'worse than linear',
        ];
      }),
    ),
  );
  console.log(
    'A ratio well under the input factor means fixed start-up cost still dominates the smaller folder;\n' +
      '"ms per 1000 more employees" is the cost that grows with the folder.',
  );
}

/** can-i against a dump of RBAC objects, measured inside the process by measure.js. */
async function rbacSection(method: RssMethod, work: string, objects: number, runs: number): Promise<void> {
  const measure = fileURLToPath(new URL('./measure.js', import.meta.url));
  const yamlDump = join(work, 'rbac');
  writeSyntheticRbac(yamlDump, objects);
  // The same dump as `kubectl get -o json` prints it.
  const jsonDump = join(work, 'rbac-json');
  mkdirSync(jsonDump);
  for (const f of readdirSync(yamlDump))
    writeFileSync(join(jsonDump, f.replace(/\.yaml$/, '.json')), JSON.stringify(parse(readFileSync(join(yamlDump, f), 'utf8'))));
  const queries = 1000;
  type Job = { ms: number; loadMs?: number; perQueryMs?: number };
  const run = async (job: string, dir: string, arg: string): Promise<Job> => {
    const m = await measureCommand(method, process.execPath, [measure, job, dir, arg], { cwd: projectRoot, scratch: work });
    const result = JSON.parse(lastLine(m.stdout) || '{}') as Job & { code?: number };
    if (m.code !== 0 || result.code !== 0) throw failure(`measure.js ${job}`, m, 'failed');
    return result;
  };
  const dumps = [
    ['YAML dump', yamlDump],
    ['JSON dump', jsonDump],
  ] as const;
  const best = new Map<string, { floor: Job; canI: Job }>();
  for (let round = 0; round < runs; round++) {
    for (const [label, dir] of dumps) {
      const floor = await run('floor', dir, join(work, 'rbac-floor'));
      const canI = await run('can-i', dir, String(queries));
      const prev = best.get(label);
      best.set(label, {
        floor: prev && prev.floor.ms <= floor.ms ? prev.floor : floor,
        canI: prev && (prev.canI.loadMs ?? Infinity) <= (canI.loadMs ?? Infinity) ? prev.canI : canI,
      });
    }
  }
  console.log(
    `\n== can-i on a dump of ${objects} RBAC objects (kubectl get -o yaml, and -o json), measured inside the process: load once, then ${queries} questions`,
  );
  console.log(
    table(
      ['dump', 'floor ms', 'can-i load ms', 'load x floor', 'µs per question'],
      dumps.map(([label]) => {
        const { floor, canI } = best.get(label)!;
        return [label, fmt(floor.ms), fmt(canI.loadMs ?? 0), ratio(canI.loadMs ?? 0, floor.ms), fmt((canI.perQueryMs ?? 0) * 1000, 1)];
      }),
    ),
  );
  console.log('The floor here: parse each dump file with the yaml package and write it back as JSON, in the same process.');
}

/** usage over a synthetic audit log of `events` JSON lines, against reading and parsing the same lines. */
async function auditSection(method: RssMethod, work: string, events: number, runs: number): Promise<void> {
  const log = join(work, 'audit.log');
  const bytes = await writeAuditLog(log, events);
  let best: { floor: Measured; usage: Measured } | undefined;
  for (let round = 0; round < runs; round++) {
    let r;
    try {
      r = await auditRound(method, projectRoot, work, log, events);
    } catch (e) {
      throw new BenchError(e instanceof Error ? e.message : String(e));
    }
    best = {
      floor: best && best.floor.ms <= r.floor.ms ? best.floor : { ...r.floor, peakMiB: Math.max(r.floor.peakMiB, best?.floor.peakMiB ?? 0) },
      usage: best && best.usage.ms <= r.usage.ms ? best.usage : { ...r.usage, peakMiB: Math.max(r.usage.peakMiB, best?.usage.peakMiB ?? 0) },
    };
  }
  console.log(`\n== usage on an audit log of ${events} events (${fmt(bytes / 2 ** 20)} MiB of JSON lines), against reading and JSON.parse-ing the same lines`);
  console.log(
    table(
      ['tool', 'wall ms', 'x floor', 'peak MiB', 'events per s'],
      [
        ['floor', best!.floor],
        ['usage', best!.usage],
      ].map(([name, m]) => {
        const r = m as Measured;
        return [name as string, fmt(r.ms), ratio(r.ms, best!.floor.ms), fmt(r.peakMiB), fmt(events / (r.ms / 1000))];
      }),
    ),
  );
  rmSync(log, { force: true });
}

/**
 * One cluster of `namespaces` namespaces and employees whose grants name 100 namespaces each, spread
 * over the whole list: validate, lint and generate against the floor on the same folder.
 */
async function wideSection(method: RssMethod, work: string, namespaces: number, runs: number, floorScript: string): Promise<void> {
  const dir = join(work, 'wide');
  const employees = 500;
  const { files, namespaceGrants } = writeWideAccess(dir, { namespaces, employees, grants: 3, namespacesPerGrant: 100 });
  const cli = join(projectRoot, 'dist', 'src', 'bin.js');
  const list: { name: string; args: (out: string) => string[]; ok: (m: Measured) => boolean }[] = [
    { name: 'floor', args: (out) => [floorScript, dir, out], ok: (m) => m.code === 0 && new RegExp(`^floor: ${files} files`, 'm').test(m.stdout) },
    { name: 'validate', args: () => [cli, 'validate', '--dir', dir], ok: (m) => m.code === 0 },
    { name: 'lint', args: () => [cli, 'lint', '--dir', dir], ok: (m) => m.code === 0 },
    { name: 'generate', args: (out) => [cli, 'generate', '--dir', dir, '--out', out], ok: (m) => m.code === 0 },
  ];
  console.log(
    `\n== a wide cluster: ${namespaces} namespaces, ${employees} employees with ${namespaceGrants} grant namespaces spread over all of them (${files} YAML files)`,
  );
  const best = new Map<string, Measured>();
  for (let round = 1; round <= runs; round++) {
    const progress: string[] = [];
    for (const tool of list) {
      const out = join(work, `wide-out-${tool.name}`);
      rmSync(out, { recursive: true, force: true });
      const m = await measureCommand(method, process.execPath, tool.args(out), { cwd: projectRoot, scratch: work });
      rmSync(out, { recursive: true, force: true });
      if (!tool.ok(m)) throw failure(`${tool.name} (wide cluster)`, m, 'failed');
      const prev = best.get(tool.name);
      best.set(
        tool.name,
        prev && prev.ms <= m.ms ? { ...prev, peakMiB: Math.max(prev.peakMiB, m.peakMiB) } : { ...m, peakMiB: Math.max(prev?.peakMiB ?? 0, m.peakMiB) },
      );
      progress.push(`${tool.name} ${fmt(m.ms)}`);
    }
    console.log(`  round ${round}/${runs}, ms: ${progress.join(', ')}`);
  }
  const floorMs = best.get('floor')!.ms;
  console.log(
    table(
      ['tool', 'wall ms', 'x floor', 'peak MiB'],
      list.map(({ name }) => {
        const r = best.get(name)!;
        return [name, fmt(r.ms), ratio(r.ms, floorMs), fmt(r.peakMiB)];
      }),
    ),
  );
  console.log('Linear in namespaces and grants: each tool stays a small multiple of the floor however wide the cluster.');
  rmSync(dir, { recursive: true, force: true });
}

async function bench(): Promise<void> {
  const { sizes, runs, rbacObjects, auditEvents, namespaces } = options(process.argv.slice(2));
  const scripts = { ...kitScripts(), ajv: ajvCli() };
  const method = rssMethod();
  const cpu = cpus();
  console.log(
    `machine: ${cpu.length} cpus (${cpu[0]?.model.trim() ?? 'unknown'}), ${fmt(totalmem() / 2 ** 30, 1)} GiB, Linux ${release()}, node ${process.version}; ` +
      `load average ${loadavg()
        .map((l) => fmt(l, 2))
        .join(' ')}`,
  );
  console.log(
    `each command is a child process: wall time from spawn to exit, ${describeRssMethod(method)}; best of ${runs} round(s), tools interleaved in each`,
  );
  const work = mkdtempSync(join(tmpdir(), 'eks-access-bench-'));
  const cleanUp = () => rmSync(work, { recursive: true, force: true });
  const interrupted = () => {
    cleanUp();
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  const started = process.hrtime.bigint();
  try {
    await accessSection(method, work, sizes, runs, scripts);
    if (rbacObjects > 0) await rbacSection(method, work, rbacObjects, runs);
    if (auditEvents > 0) await auditSection(method, work, auditEvents, runs);
    if (namespaces > 0) await wideSection(method, work, namespaces, runs, scripts.floor);
  } finally {
    cleanUp();
  }
  console.log(
    `\nbench took ${fmt(Number(process.hrtime.bigint() - started) / 1e9, 0)} s; load average now ${loadavg()
      .map((l) => fmt(l, 2))
      .join(' ')}`,
  );
}

try {
  await bench();
} catch (e) {
  if (!(e instanceof BenchError)) throw e;
  console.error(`bench: ${e.message}`);
  process.exitCode = 1;
}
