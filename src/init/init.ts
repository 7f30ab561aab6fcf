/**
 * `eks-access init [DIR] [--force]`: scaffolds an access repository in DIR (default `.`): an example
 * `access/` folder (one cluster, one profile, one employee, a lint policy) that passes `lint` and
 * `generate` as it is, a copy of this package's `schemas/` so the `yaml-language-server` modelines
 * resolve offline, a README for that repository, the GitHub workflows (pull-request checks and the
 * weekly access review) and Argo CD / Flux examples that apply `generated/clusters/<cluster>`.
 *
 * The files are kept as templates in `src/templates/` (shipped with the package), `github/`, `vscode/`
 * and `gitignore` standing for `.github/`, `.vscode/` and `.gitignore` (npm drops a package's
 * `.gitignore` and may leave dot-folders alone; a plain name is never in doubt), with
 * `__EKS_ACCESS_VERSION__` replaced by this package's version and `__EKS_ACCESS_ACTION__` by this
 * package's GitHub Action pinned to that release's tag (`owner/name@v<version>`), so CI installs the
 * same release, never a package name from a registry.
 * Nothing is overwritten without `--force`: every target is checked before the first file is written.
 */
import { lstat, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, normalize, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../diagnostics.js';
import { SCHEMA_DIR } from '../schema/schemas.js';
import { compareStrings } from '../text.js';

/** The package root, whether running from `src/` or `dist/src/`. */
const PACKAGE_ROOT = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../../../' : '../../', import.meta.url));
const TEMPLATE_DIR = join(PACKAGE_ROOT, 'src', 'templates');
const VERSION_PLACEHOLDER = '__EKS_ACCESS_VERSION__';
const ACTION_PLACEHOLDER = '__EKS_ACCESS_ACTION__';
const REPOSITORY_PLACEHOLDER = '__EKS_ACCESS_REPOSITORY__';

/** Template paths that stand for dot-files and dot-folders. */
const DOT_NAMES: readonly [RegExp, string][] = [
  [/^github\//, '.github/'],
  [/^vscode\//, '.vscode/'],
  [/^gitignore$/, '.gitignore'],
];

export interface ScaffoldFile {
  /** Relative to the target folder, with `/`. */
  path: string;
  content: string;
}

interface PackageJson {
  version?: unknown;
  repository?: unknown;
}

async function packageJson(): Promise<PackageJson> {
  return JSON.parse(await readFile(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as PackageJson;
}

/** This package's version, from its package.json: the release the scaffolded workflows install. */
async function packageVersion(): Promise<string> {
  const pkg = await packageJson();
  if (typeof pkg.version !== 'string') throw new UsageError('cannot tell this package\'s version: package.json has no "version"');
  return pkg.version;
}

/** `owner/name` of a package.json `repository` on GitHub (`github:o/n`, `o/n`, or a github.com URL). */
function githubRepository(repository: unknown): string | undefined {
  const text =
    typeof repository === 'string' ? repository : typeof repository === 'object' && repository !== null ? (repository as { url?: unknown }).url : undefined;
  if (typeof text !== 'string') return undefined;
  const m =
    /^(?:github:)?([A-Za-z0-9][A-Za-z0-9-]*)\/([A-Za-z0-9._-]+?)(?:\.git)?$/.exec(text) ??
    /github\.com[/:]([A-Za-z0-9][A-Za-z0-9-]*)\/([A-Za-z0-9._-]+?)(?:\.git)?\/?$/.exec(text);
  return m ? `${m[1]}/${m[2]}` : undefined;
}

/** The GitHub Action of this release: `owner/name@v<version>`, from package.json's repository and version. */
async function actionRef(): Promise<{ repository: string; tag: string; ref: string }> {
  const pkg = await packageJson();
  const version = await packageVersion();
  const repository = githubRepository(pkg.repository);
  if (repository === undefined) throw new UsageError('cannot tell where this package\'s GitHub Action is: package.json has no GitHub "repository"');
  const tag = `v${version}`;
  return { repository, tag, ref: `${repository}@${tag}` };
}

async function walk(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await walk(join(dir, entry.name), rel)));
    else if (entry.isFile()) out.push(rel);
  }
  return out;
}

/** Every file `init` writes, in memory, sorted by path. */
export async function scaffoldFiles(): Promise<ScaffoldFile[]> {
  const version = await packageVersion();
  const action = await actionRef();
  const files: ScaffoldFile[] = [];
  try {
    for (const rel of await walk(TEMPLATE_DIR)) {
      const text = await readFile(join(TEMPLATE_DIR, rel), 'utf8');
      const path = DOT_NAMES.reduce((p, [from, to]) => p.replace(from, to), rel);
      const content = text
        .split(VERSION_PLACEHOLDER)
        .join(version)
        .split(ACTION_PLACEHOLDER)
        .join(action.ref)
        .split(REPOSITORY_PLACEHOLDER)
        .join(action.repository);
      files.push({ path, content });
    }
    for (const name of (await readdir(SCHEMA_DIR)).filter((n) => n.endsWith('.json')).sort()) {
      files.push({ path: `schemas/${name}`, content: await readFile(join(SCHEMA_DIR, name), 'utf8') });
    }
  } catch (e) {
    throw new UsageError(`this installation of eks-access is incomplete (cannot read its templates or schemas: ${(e as Error).message}); reinstall it`);
  }
  return files.sort((a, b) => compareStrings(a.path, b.path));
}

async function kindOf(path: string): Promise<'file' | 'dir' | 'missing'> {
  try {
    return (await lstat(path)).isDirectory() ? 'dir' : 'file';
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw new UsageError(`cannot check ${path}: ${(e as Error).message}`);
  }
}

/** How a path in DIR is shown: relative to the working directory. */
export function shown(dir: string, path: string): string {
  const p = normalize(join(dir, path));
  const r = relative(process.cwd(), p);
  return (r === '' || r.startsWith('..') ? p : r).split(sep).join('/');
}

/**
 * Writes `files` into `dir`. Without `force`, refuses (UsageError, nothing written) when any of them
 * exists; with it, overwrites files but never replaces a folder by a file or a file by a folder.
 */
export async function writeScaffold(dir: string, files: readonly ScaffoldFile[], options: { force?: boolean } = {}): Promise<void> {
  const root = await kindOf(dir);
  if (root === 'file') throw new UsageError(`${dir} is a file, not a folder; nothing written`);
  const checked = new Map<string, 'file' | 'dir' | 'missing'>();
  for (const f of files) {
    const parts = f.path.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const sub = parts.slice(0, i).join('/');
      if (!checked.has(sub)) checked.set(sub, root === 'missing' ? 'missing' : await kindOf(join(dir, ...sub.split('/'))));
      const kind = checked.get(sub)!;
      const last = i === parts.length;
      if (!last && kind === 'file')
        throw new UsageError(`${shown(dir, sub)} is a file, but init writes a folder there (${shown(dir, f.path)}); nothing written`);
      if (last && kind === 'dir') throw new UsageError(`${shown(dir, f.path)} is a folder, but init writes a file there; nothing written`);
      if (last && kind === 'file' && !options.force)
        throw new UsageError(`${shown(dir, f.path)} already exists; nothing written (use --force to overwrite the scaffold's files)`);
    }
  }
  try {
    for (const f of files) {
      const target = join(dir, ...f.path.split('/'));
      await mkdir(join(target, '..'), { recursive: true });
      await writeFile(target, f.content);
    }
  } catch (e) {
    throw new UsageError(`cannot write the scaffold into ${dir}: ${(e as Error).message}`);
  }
}
