/**
 * `npm run bench`: generate against a synthetic access folder and compare with the floor (parsing
 * every input file and writing one JSON file per input), measured in the same run on the same input.
 *   npm run bench -- [--employees 10000] [--clusters 5] [--namespaces 40] [--runs 3]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSyntheticAccess, writeSyntheticRbac } from './synthetic.js';

const args = new Map<string, string>();
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) args.set(argv[i]!.replace(/^--/, ''), argv[i + 1] ?? '');
const employees = Number(args.get('employees') ?? 10000);
const clusters = Number(args.get('clusters') ?? 5);
const namespaces = Number(args.get('namespaces') ?? 40);
const runs = Number(args.get('runs') ?? 3);

const work = mkdtempSync(join(tmpdir(), 'eks-access-bench-'));
const measure = fileURLToPath(new URL('./measure.js', import.meta.url));
try {
  const access = join(work, 'access');
  writeSyntheticAccess(access, { employees, clusters, namespaces });
  const inputs = readdirSync(access, { recursive: true }).map(String).filter((f) => f.endsWith('.yaml')).length;
  console.log(`input: ${employees} employees, ${clusters} clusters, ${namespaces} namespaces (${inputs} files); best of ${runs} runs`);
  const best = (job: string) => {
    let result = { ms: Infinity, maxRssMiB: 0, files: 0 };
    for (let r = 0; r < runs; r++) {
      const out = join(work, `${job}-out`);
      rmSync(out, { recursive: true, force: true });
      const lines = execFileSync(process.execPath, [measure, job, access, out], { encoding: 'utf8', maxBuffer: 1 << 26 }).trim().split('\n');
      const m = JSON.parse(lines[lines.length - 1]!) as { ms: number; maxRssMiB: number; code: number };
      if (m.code !== 0) throw new Error(`${job} exited ${m.code}`);
      const files = readdirSync(out, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
      if (m.ms < result.ms) result = { ms: m.ms, maxRssMiB: Math.max(result.maxRssMiB, m.maxRssMiB), files };
      else result.maxRssMiB = Math.max(result.maxRssMiB, m.maxRssMiB);
    }
    return result;
  };
  const best2 = (job: string, dir: string, arg: string) => {
    let result: { ms: number; loadMs?: number; perQueryMs?: number } = { ms: Infinity };
    for (let r = 0; r < runs; r++) {
      const lines = execFileSync(process.execPath, [measure, job, dir, arg], { encoding: 'utf8', maxBuffer: 1 << 26 }).trim().split('\n');
      const m = JSON.parse(lines[lines.length - 1]!) as { ms: number; loadMs?: number; perQueryMs?: number };
      if (m.ms < result.ms) result = m;
    }
    return result;
  };
  const f = best('floor');
  const g = best('generate');
  const row = (name: string, m: { ms: number; maxRssMiB: number; files: number }) =>
    console.log(`${name.padEnd(9)} ${m.ms.toFixed(0).padStart(7)} ms  ${m.maxRssMiB.toFixed(0).padStart(5)} MiB max RSS  ${String(m.files).padStart(6)} files written`);
  row('floor', f);
  row('generate', g);
  console.log(`ratio to floor: time ${(g.ms / f.ms).toFixed(2)}x, memory ${(g.maxRssMiB / f.maxRssMiB).toFixed(2)}x`);

  // can-i against a cluster-sized RBAC dump: the floor is parsing the same files.
  const rbacObjects = Number(args.get('rbac-objects') ?? 4000);
  const rbac = join(work, 'rbac');
  writeSyntheticRbac(rbac, rbacObjects);
  // The same dump as `kubectl get -o json` prints it.
  const rbacJson = join(work, 'rbac-json');
  mkdirSync(rbacJson);
  for (const f of readdirSync(rbac)) writeFileSync(join(rbacJson, f.replace(/\.yaml$/, '.json')), JSON.stringify(parse(readFileSync(join(rbac, f), 'utf8'))));
  console.log(`\ncan-i: ${rbacObjects} RBAC objects; best of ${runs} runs`);
  for (const [label, dir] of [['YAML dump', rbac], ['JSON dump', rbacJson]] as const) {
    const rbacFloor = best2('floor', dir, join(work, 'rbac-floor'));
    const canI = best2('can-i', dir, '1000');
    console.log(`${label}: floor ${rbacFloor.ms.toFixed(0)} ms (parse with the yaml package, write JSON); can-i load ${(canI.loadMs ?? 0).toFixed(0)} ms, then ${((canI.perQueryMs ?? 0) * 1000).toFixed(0)} µs per question (1000 questions)`);
    console.log(`  ratio to floor: load ${((canI.loadMs ?? 0) / rbacFloor.ms).toFixed(2)}x; one question ${((canI.perQueryMs ?? 0) / rbacFloor.ms).toFixed(4)}x`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
