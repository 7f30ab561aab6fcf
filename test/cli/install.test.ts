/**
 * Installability without a registry package name: the packed package runs outside the repository,
 * and the action's install step builds its own checkout and puts `eks-access` on PATH.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { ROOT, scratch } from '../helpers/run.js';

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

test('npm pack: the tarball holds a built command that scaffolds, lints and generates outside the repository', () => {
  const s = scratch();
  try {
    // --ignore-scripts: the suite has just built dist/; prepack would build it again.
    const name = execFileSync('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', s.dir], { cwd: ROOT, encoding: 'utf8' })
      .trim()
      .split('\n')
      .pop()!;
    const pkg = join(s.dir, 'pkg');
    mkdirSync(pkg);
    execFileSync('tar', ['xzf', join(s.dir, name), '-C', pkg, '--strip-components=1']);
    // Its dependencies, as an install would put them beside it (without fetching them here).
    symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'));
    const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { bin: Record<string, string>; scripts: Record<string, string> };
    assert.ok(manifest.scripts['prepare'], 'git installs build through prepare');
    assert.ok(manifest.scripts['prepack'], 'packing builds through prepack');
    const bin = join(pkg, manifest.bin['eks-access']!);
    const cli = (args: string[], cwd: string) => spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8' });
    assert.is(cli(['--version'], s.dir).stdout.trim(), VERSION);
    let r = cli(['init', 'repo'], s.dir);
    assert.is(r.status, 0, r.stderr);
    for (const args of [['lint'], ['generate'], ['generate', '--check']]) {
      r = cli(args, join(s.dir, 'repo'));
      assert.is(r.status, 0, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    }
  } finally {
    s.cleanup();
  }
});

test("the action's install step: builds the action's own checkout and puts eks-access on PATH", () => {
  const s = scratch();
  try {
    // The action's checkout: the repository's tracked files, without dist/.
    const action = join(s.dir, 'action');
    for (const f of execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean)) {
      if (f.startsWith('generated/') || f.startsWith('test/fixtures/')) continue;
      mkdirSync(dirname(join(action, f)), { recursive: true });
      try {
        copyFileSync(join(ROOT, f), join(action, f));
      } catch {
        // Deleted in the working tree.
      }
    }
    // `npm ci` as CI runs it, without the network: the locked packages, then the prepare script.
    const fake = join(s.dir, 'fake-bin');
    mkdirSync(fake);
    const npm = join(fake, 'npm');
    execFileSync('bash', [
      '-c',
      `cat > "${npm}" <<'EOF'\n#!/usr/bin/env bash\n[ "$1" = ci ] || exit 3\nln -s "${join(ROOT, 'node_modules')}" node_modules\nnode node_modules/typescript/bin/tsc -p tsconfig.json\nEOF\nchmod +x "${npm}"`,
    ]);
    const steps = (parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { runs: { steps: { name?: string; run?: string }[] } }).runs.steps;
    const install = steps.find((st) => st.name === 'Install eks-access')!;
    const temp = join(s.dir, 'runner-temp');
    mkdirSync(temp);
    const githubPath = join(s.dir, 'github-path');
    const r = spawnSync('bash', ['-e', '-c', install.run!], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${fake}:${process.env['PATH']}`, MODE: 'install', GITHUB_ACTION_PATH: action, RUNNER_TEMP: temp, GITHUB_PATH: githubPath },
    });
    assert.is(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, VERSION);
    const added = readFileSync(githubPath, 'utf8').trim();
    const version = spawnSync('eks-access', ['--version'], { encoding: 'utf8', env: { ...process.env, PATH: `${added}:${process.env['PATH']}` } });
    assert.is(version.status, 0, version.stderr);
    assert.is(version.stdout.trim(), VERSION);
  } finally {
    s.cleanup();
  }
});

test.run();
