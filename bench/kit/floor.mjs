#!/usr/bin/env node
// Copied from the project's benchmark kit (only the comments adapted), so that npm run bench runs from
// a fresh clone.
// The floor for any generator: find every YAML file under DIR, parse it with the project's
// own `yaml` package, and write one JSON file per input into OUT. Run it from the project root:
//   node bench/kit/floor.mjs DIR OUT
import { createRequire } from 'node:module';
import { readdirSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { join, relative, dirname } from 'node:path';

const [dir, out] = process.argv.slice(2);
if (!dir || !out) {
  console.error('usage: floor.mjs DIR OUT   (run from the project root, after npm install)');
  process.exit(2);
}
const YAML = createRequire(join(process.cwd(), 'package.json'))('yaml');
const files = readdirSync(dir, { recursive: true }).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(dir, f)).sort();
rmSync(out, { recursive: true, force: true });
let bytes = 0;
const started = process.hrtime.bigint();
for (const file of files) {
  const docs = YAML.parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS());
  const target = join(out, relative(dir, file) + '.json');
  mkdirSync(dirname(target), { recursive: true });
  const text = JSON.stringify(docs, null, 2);
  bytes += text.length;
  writeFileSync(target, text);
}
const ms = Number(process.hrtime.bigint() - started) / 1e6;
console.log(`floor: ${files.length} files, ${bytes} bytes written, ${ms.toFixed(0)} ms`);
