import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAllDocuments } from 'yaml';
import { getSchemas, SCHEMA_DIR } from '../../src/schema/schemas.js';
import { ROOT } from '../helpers/run.js';

const ACCESS = join(ROOT, 'access');
const files = readdirSync(ACCESS, { recursive: true })
  .map(String)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();

test('every example access file points the YAML language server at the dispatching schema', () => {
  assert.ok(files.length >= 20, `${files.length} files`);
  for (const f of files) {
    const first = readFileSync(join(ACCESS, f), 'utf8').split('\n')[0]!;
    const m = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
    assert.ok(m, `${f}: first line is not a yaml-language-server modeline: ${first}`);
    assert.is(resolve(dirname(join(ACCESS, f)), m![1]!), join(ROOT, 'schemas', 'access.schema.json'), f);
  }
});

test('the schema editors use accepts every example document and rejects a broken one', () => {
  const { any } = getSchemas();
  for (const f of files) {
    for (const doc of parseAllDocuments(readFileSync(join(ACCESS, f), 'utf8'))) {
      assert.ok(any(doc.toJS()), `${f}: ${JSON.stringify(any.errors)}`);
    }
  }
  assert.not.ok(any({ apiVersion: 'eks-access/v1', kind: 'Employee', name: 'x', email: 'x@example.com', identity: { iamUser: 'x' }, acess: [] }));
  assert.not.ok(
    any({ apiVersion: 'eks-access/v1', kind: 'Cluster', name: 'x', accountId: 123, region: 'eu-west-1', authentication: 'aws-auth', namespaces: ['a'] }),
  );
  assert.not.ok(any({ apiVersion: 'eks-access/v1', kind: 'Nope' }));
});

test('schemas refer to each other by relative file names that exist, so editors resolve them from disk', () => {
  const names = readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.schema.json'));
  assert.ok(names.length >= 6);
  for (const n of names) {
    const text = readFileSync(join(SCHEMA_DIR, n), 'utf8');
    const schema = JSON.parse(text) as { $schema?: string; $id?: string };
    assert.is(schema.$schema, 'http://json-schema.org/draft-07/schema#', n);
    // A relative $id equal to the file's own name resolves to the file itself, so editors still read
    // the neighbours from disk, and tools that need an id to register a schema (ajv-cli's -r) can.
    assert.is(schema.$id, n, `${n}: its $id must be its own file name`);
    for (const [, ref] of text.matchAll(/"\$ref": "([^"#]+)#?[^"]*"/g)) {
      assert.ok(names.includes(ref!), `${n} refers to ${ref}, which is not in schemas/ (${relative(ROOT, SCHEMA_DIR)})`);
    }
  }
});

test.run();
