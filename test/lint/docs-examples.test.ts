/**
 * The Bad and Good examples of every rule page (`docs/rules/<rule-id>.md`) do what the page says:
 * the Bad example gives at least one finding of the page's rule, the Good example none.
 *
 * Examples are written for a reader, so most are fragments. The harness completes them the way a
 * reader would, and no further:
 *
 * - Kubernetes objects (a `kind` with an `apiVersion`) are linted with `lint --manifests` as they
 *   are. A `data:` block with aws-auth keys is wrapped in the `kube-system/aws-auth` ConfigMap.
 * - Terraform JSON with `resource` is linted as a `.tf.json` file as it is; a lone `"policy": "..."`
 *   line becomes the inline policy (`aws_iam_user_policy`) of an IAM user `bob`.
 * - eks-access documents (Employee, Profile, Cluster, LintPolicy; a document without `kind` is read
 *   by its keys: `access` or `identity` make an Employee, `awsAuth` a Cluster, `waivers` a
 *   LintPolicy) get the `apiVersion` and required fields they lack, with defaults (an Employee
 *   `bob@example.com` signing in as IAM user `bob`, with one read-only grant if it names none), and
 *   are linted as an access folder.
 * - The Good example is the same intent as the Bad, so it is read as a change to it: a Good
 *   document replaces the Bad's document of the same kind and name, a Good document without `kind`
 *   replaces the keys it has in the Bad's document of its kind, and the Bad's other documents stay.
 * - The folder also holds what the example refers to and does not define: the clusters its grants
 *   name (from the bundled `access/` folder, else the test fixture's `prod`, else a minimal
 *   access-entries cluster, with the namespaces the grants use added), the profiles they use (from
 *   the bundled `access/profiles/`; the Kubernetes defaults need no file) and the employees its
 *   waivers name (from the bundled folder).
 * - "On YYYY-MM-DD:" before an example is the day it is judged; otherwise the rule tests' day.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAllDocuments, stringify } from 'yaml';
import { lintAccess } from '../../src/lint/index.js';
import { lintManifests } from '../../src/lint/manifests.js';
import { ruleById } from '../../src/lint/rules/index.js';
import type { Finding } from '../../src/lint/types.js';
import { TEST_TODAY } from '../helpers/rule-tester.js';
import { BASE_FILES, ROOT, scratch } from '../helpers/run.js';

const RULES = join(ROOT, 'docs', 'rules');
const BUNDLED = join(ROOT, 'access');
const API_VERSION = 'eks-access/v1';

type Section = 'Bad' | 'Good';
type Doc = Record<string, unknown>;

/** Pages with no runnable example, each with the reason. */
const WITHOUT_EXAMPLES: Record<string, string> = {};

/** The few pages whose examples cannot be completed from the page alone, each with the reason. */
const SPECIAL: Record<string, { reason: string; bad?: (docs: Doc[]) => Doc[]; extra?: () => Doc[] }> = {
  'policy-size': {
    reason: 'the Bad example elides the names of its 20 clusters ("c00-analytics-eu-west-1-...")',
    bad: (docs) => docs.map((d) => (d.kind === 'Employee' ? { ...d, access: [{ ...(d.access as Doc[])[0], clusters: longClusterNames() }] } : d)),
  },
  'username-collision': {
    reason: "the mapping takes the username of an employee alice on the same cluster: the test fixture's alice (IAM user, on prod)",
    extra: () => yamlDocs(BASE_FILES['access/employees/alice.yaml']!),
  },
};

/** Twenty cluster names of the page's pattern ("c00-analytics-eu-west-1-..."), as long as a name may be. */
function longClusterNames(): string[] {
  return Array.from({ length: 20 }, (_, i) => `c${String(i).padStart(2, '0')}-analytics-eu-west-1-${'x'.repeat(39)}`);
}

interface Example {
  lang: string;
  text: string;
  /** Line of the opening fence, for messages. */
  line: number;
  today?: string;
}

/** The fenced blocks under `## Bad` and `## Good`, with the day an "On YYYY-MM-DD:" line sets. */
function examplesOf(markdown: string): Record<Section, Example[]> {
  const out: Record<Section, Example[]> = { Bad: [], Good: [] };
  let section: Section | undefined;
  let today: string | undefined;
  let block: Example | undefined;
  markdown.split('\n').forEach((line, i) => {
    if (block) {
      if (line.startsWith('```')) {
        out[section!].push(block);
        block = undefined;
      } else block.text += `${line}\n`;
      return;
    }
    const heading = /^## (.*)$/.exec(line);
    if (heading) {
      section = heading[1] === 'Bad' || heading[1] === 'Good' ? heading[1] : undefined;
      today = undefined;
      return;
    }
    const on = /^On (\d{4}-\d{2}-\d{2}):/.exec(line);
    if (on) today = on[1];
    const fence = /^```(\w*)/.exec(line);
    if (fence && section) block = { lang: fence[1]!, text: '', line: i + 1, today };
  });
  return out;
}

/* ---------- turning an example into lint input ---------- */

const ACCESS_KINDS = ['Employee', 'Profile', 'Cluster', 'LintPolicy'];
const AWS_AUTH_KEYS = ['mapRoles', 'mapUsers', 'mapAccounts'];

function yamlDocs(text: string): Doc[] {
  return parseAllDocuments(text).map((d) => {
    if (d.errors.length > 0) throw new Error(`not YAML: ${d.errors[0]!.message}`);
    return d.toJS() as Doc;
  });
}

/** What a document is: a Kubernetes object, an aws-auth `data:` block, or an eks-access kind. */
function kindOf(d: Doc): string {
  if (typeof d.kind === 'string') return ACCESS_KINDS.includes(d.kind) && !('metadata' in d) ? d.kind : 'manifest';
  if (
    d.data &&
    typeof d.data === 'object' &&
    Object.keys(d.data).some((k) => AWS_AUTH_KEYS.includes(k) || AWS_AUTH_KEYS.map((a) => a.toLowerCase()).includes(k))
  )
    return 'aws-auth data';
  if ('access' in d || 'identity' in d || 'email' in d || ('expires' in d && !('waivers' in d))) return 'Employee';
  if ('awsAuth' in d || 'authentication' in d) return 'Cluster';
  if ('waivers' in d || 'timeBoxDays' in d) return 'LintPolicy';
  throw new Error(`cannot tell what this document is (keys: ${Object.keys(d).join(', ')})`);
}

function awsAuthConfigMap(d: Doc): Doc {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'aws-auth', namespace: 'kube-system' }, ...d };
}

/** Terraform JSON: a whole document, or a lone `"policy": "..."` for an IAM user's inline policy. */
function terraform(text: string): string {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) return text;
  const { policy } = JSON.parse(`{${trimmed}}`) as { policy: string };
  const resource = {
    aws_iam_user: { bob: { name: 'bob' } },
    aws_iam_user_policy: { bob_example: { name: 'example', user: '${aws_iam_user.bob.name}', policy } },
  };
  return `${JSON.stringify({ resource }, null, 2)}\n`;
}

interface Input {
  mode: 'manifests' | 'access';
  files: Record<string, string>;
}

const bundledDoc = (path: string): Doc | undefined => (existsSync(path) ? (yamlDocs(readFileSync(path, 'utf8'))[0] ?? undefined) : undefined);
const FIXTURE_PROD = yamlDocs(BASE_FILES['access/clusters/prod.yaml']!)[0]!;

function complete(d: Doc, kind: string): Doc {
  const name = typeof d.name === 'string' ? d.name : kind === 'Employee' ? 'bob' : kind === 'Cluster' ? 'prod' : kind === 'LintPolicy' ? 'acme' : 'example';
  switch (kind) {
    case 'Employee':
      return {
        apiVersion: API_VERSION,
        kind,
        name,
        email: `${name}@example.com`,
        identity: { iamUser: name },
        access: [{ cluster: 'prod', level: 'read-only' }],
        ...d,
      };
    case 'Profile':
      return { apiVersion: API_VERSION, kind, name, description: name, ...d };
    case 'Cluster': {
      const base =
        bundledDoc(join(BUNDLED, 'clusters', `${name}.yaml`)) ??
        (name === 'prod' ? FIXTURE_PROD : { name, accountId: '111122223333', region: 'eu-west-1', authentication: 'access-entries', namespaces: [] });
      return { ...base, apiVersion: API_VERSION, kind, name, ...d };
    }
    default:
      return { apiVersion: API_VERSION, kind, name, ...d };
  }
}

const grantsOf = (e: Doc): Doc[] => (Array.isArray(e.access) ? (e.access as Doc[]) : []);
const clustersOf = (g: Doc): string[] => [
  ...(typeof g.cluster === 'string' ? [g.cluster] : []),
  ...(Array.isArray(g.clusters) ? (g.clusters as string[]) : []),
];

/**
 * The lint input of one example block. `bad` is the page's Bad example, completed, which a Good
 * example changes (see `overBad`).
 */
function inputOf(page: string, section: Section, ex: Example, bad: Doc[]): Input {
  if (ex.lang === 'json') return { mode: 'manifests', files: { 'manifests/example.tf.json': terraform(ex.text) } };
  if (ex.lang !== 'yaml') throw new Error(`example at line ${ex.line} is \`\`\`${ex.lang}, not yaml or json`);
  let docs = yamlDocs(ex.text);
  const special = SPECIAL[page];
  const kinds = docs.map(kindOf);
  if (kinds.every((k) => k === 'manifest' || k === 'aws-auth data')) {
    const text = docs.map((d, i) => stringify(kinds[i] === 'aws-auth data' ? awsAuthConfigMap(d) : d)).join('---\n');
    return { mode: 'manifests', files: { 'manifests/example.yaml': text } };
  }
  if (kinds.some((k) => !ACCESS_KINDS.includes(k))) throw new Error(`example at line ${ex.line} mixes Kubernetes objects and access files`);
  docs = section === 'Good' ? overBad(docs, kinds, bad) : docs.map((d, i) => complete(d, kinds[i]!));
  if (section === 'Bad' && special?.bad) docs = special.bad(docs);
  return { mode: 'access', files: accessFolder([...docs, ...(special?.extra?.() ?? [])]) };
}

/**
 * The Good example as a change to the Bad: each Good document replaces the Bad's document of the
 * same kind and name, a Good fragment without `kind` replaces the keys it has in the Bad's
 * document of its kind, and the Bad's other documents stay.
 */
function overBad(good: Doc[], kinds: string[], bad: Doc[]): Doc[] {
  const out = bad.map((d) => ({ ...d }));
  good.forEach((d, i) => {
    const kind = kinds[i]!;
    const fragment = !('kind' in d);
    const done = complete(d, kind);
    const at = out.findIndex((b) => b.kind === kind && (fragment || b.name === done.name));
    if (at < 0) out.push(done);
    else out[at] = fragment ? { ...out[at], ...d } : done;
  });
  return out;
}

/** The example's documents, and the clusters, profiles and employees they refer to. */
function accessFolder(docs: Doc[]): Record<string, string> {
  const all = [...docs];
  const has = (kind: string, name: string) => all.some((d) => d.kind === kind && d.name === name);
  const waived = all.filter((d) => d.kind === 'LintPolicy').flatMap((p) => (Array.isArray(p.waivers) ? (p.waivers as Doc[]) : []).map((w) => w.employee));
  for (const name of waived) {
    if (typeof name !== 'string' || has('Employee', name)) continue;
    const e = bundledDoc(join(BUNDLED, 'employees', `${name}.yaml`));
    if (e) all.push(e);
  }
  const people = all.filter((d) => d.kind === 'Employee');
  for (const profile of new Set(people.flatMap(grantsOf).map((g) => g.profile))) {
    if (typeof profile !== 'string' || has('Profile', profile) || ['view', 'edit', 'admin', 'cluster-admin'].includes(profile)) continue;
    const p = bundledDoc(join(BUNDLED, 'profiles', `${profile}.yaml`));
    if (p) all.push(p);
  }
  const names = new Set(people.flatMap(grantsOf).flatMap(clustersOf));
  if (names.size === 0 && !all.some((d) => d.kind === 'Cluster')) names.add('prod');
  for (const name of names) if (!has('Cluster', name)) all.push(complete({ name }, 'Cluster'));
  for (const c of all.filter((d) => d.kind === 'Cluster')) {
    const used = people
      .flatMap(grantsOf)
      .filter((g) => clustersOf(g).includes(c.name as string))
      .flatMap((g) => (Array.isArray(g.namespaces) ? (g.namespaces as string[]) : []));
    const listed = Array.isArray(c.namespaces) ? (c.namespaces as string[]) : [];
    c.namespaces = [...listed, ...used.filter((n, i) => !listed.includes(n) && used.indexOf(n) === i)];
    if ((c.namespaces as string[]).length === 0) c.namespaces = ['default'];
  }
  const files: Record<string, string> = {};
  const folder: Record<string, string> = { Employee: 'employees', Profile: 'profiles', Cluster: 'clusters' };
  for (const d of all) {
    const path = d.kind === 'LintPolicy' ? 'access/policy.yaml' : `access/${folder[d.kind as string]}/${d.name as string}.yaml`;
    files[path] = stringify(d);
  }
  return files;
}

/** The page's Bad example as the Good sees it: the first block's access documents, completed. */
function badDocs(page: string, bad: Example[]): Doc[] {
  const first = bad.find((ex) => ex.lang === 'yaml');
  if (!first) return [];
  try {
    const docs = yamlDocs(first.text);
    const kinds = docs.map(kindOf);
    if (!kinds.every((k) => ACCESS_KINDS.includes(k))) return [];
    const completed = docs.map((d, i) => complete(d, kinds[i]!));
    return SPECIAL[page]?.bad?.(completed) ?? completed;
  } catch {
    return [];
  }
}

async function lint(input: Input, today: string): Promise<{ findings: Finding[]; problems: string[] }> {
  const s = scratch(input.files);
  const previous = process.cwd();
  process.chdir(s.dir);
  try {
    const r = input.mode === 'access' ? await lintAccess('access', { today }) : await lintManifests(['manifests'], { today });
    const problems = r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.file}:${d.line}:${d.column} ${d.message}`);
    return { findings: r.findings, problems };
  } finally {
    process.chdir(previous);
    s.cleanup();
  }
}

/* ---------- the tests ---------- */

const pages = readdirSync(RULES)
  .filter((f) => f.endsWith('.md') && f !== 'README.md')
  .map((f) => f.slice(0, -3))
  .sort();

test('docs examples: every rule page is covered', () => {
  assert.ok(pages.length > 0, 'no rule pages found');
  for (const page of pages) assert.ok(ruleById(page), `docs/rules/${page}.md names no rule`);
  for (const page of Object.keys({ ...WITHOUT_EXAMPLES, ...SPECIAL })) assert.ok(pages.includes(page), `${page} is listed here but has no page`);
});

for (const page of pages) {
  const markdown = readFileSync(join(RULES, `${page}.md`), 'utf8');
  const examples = examplesOf(markdown);
  if (page in WITHOUT_EXAMPLES) {
    test(`docs/rules/${page}.md: listed as having no examples`, () => {
      assert.equal(examples.Bad.length + examples.Good.length, 0, `${page} has examples now: remove it from WITHOUT_EXAMPLES`);
    });
    continue;
  }
  const today = [...examples.Bad, ...examples.Good].find((ex) => ex.today)?.today ?? TEST_TODAY;
  for (const section of ['Bad', 'Good'] as const) {
    test(`docs/rules/${page}.md ## ${section}`, async () => {
      assert.ok(examples[section].length > 0, `no example under ## ${section}`);
      const bad = badDocs(page, examples.Bad);
      for (const ex of examples[section]) {
        const input = inputOf(page, section, ex, bad);
        const { findings, problems } = await lint(input, ex.today ?? today);
        const where = `the ${section} example at line ${ex.line}`;
        assert.equal(problems, [], `${where} is not valid input`);
        const mine = findings.filter((f) => f.ruleId === page);
        if (section === 'Bad') assert.ok(mine.length > 0, `${where} gives no ${page} finding`);
        else
          assert.equal(
            mine.map((f) => `${f.file}:${f.line}:${f.column} ${f.message}`),
            [],
            `${where} gives ${page} findings`,
          );
      }
    });
  }
}

test.run();
