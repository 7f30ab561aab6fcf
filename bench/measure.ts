/**
 * The RBAC-dump section of `npm run bench`: runs one job in this (child) process and prints
 * {ms, maxRssMiB, ...} as JSON on the last line. Unlike the access-folder section, this measures
 * inside the process, to split loading a dump from answering one question:
 *   node dist/bench/measure.js floor DIR OUT      parse every YAML or JSON file, write one JSON per input
 *   node dist/bench/measure.js can-i DIR QUERIES  load an RBAC dump, then answer QUERIES can-i questions
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { authorize, withImplicitGroups } from '../src/rbac/engine.js';
import { targetForManifests } from '../src/rbac/query.js';

const [job, dir, out] = process.argv.slice(2) as [string, string, string];

/** The floor any generator is measured against: read, parse and write, nothing else. */
function floor(): void {
  const files = readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .map((f) => join(dir, f))
    .sort();
  rmSync(out, { recursive: true, force: true });
  for (const file of files) {
    const docs = parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS());
    const target = join(out, relative(dir, file) + '.json');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, JSON.stringify(docs, null, 2));
  }
}

const started = process.hrtime.bigint();
let code = 0;
let extra: Record<string, number> = {};
if (job === 'floor') floor();
else if (job === 'can-i') {
  const { bundle } = (await targetForManifests([dir])).target;
  const loaded = process.hrtime.bigint();
  const queries = Number(out);
  let yes = 0;
  for (let i = 0; i < queries; i++) {
    const who = withImplicitGroups({ user: `user-${(i * 7) % 997}`, groups: [`team-${i % 13}`] });
    if (
      authorize(bundle, who, {
        verb: ['get', 'create', 'delete'][i % 3]!,
        group: '',
        resource: ['pods', 'secrets', 'services'][i % 3]!,
        namespace: `ns-${i % 40}`,
      }).allowed
    )
      yes++;
  }
  const done = process.hrtime.bigint();
  extra = { loadMs: Number(loaded - started) / 1e6, perQueryMs: Number(done - loaded) / 1e6 / queries, yes };
} else {
  console.error(`unknown job ${job}; expected floor or can-i`);
  code = 2;
}
const ms = Number(process.hrtime.bigint() - started) / 1e6;
console.log(JSON.stringify({ job, code, ms, maxRssMiB: process.resourceUsage().maxRSS / 1024, ...extra }));
