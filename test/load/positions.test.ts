/**
 * A place in a document read by the fast parser is plain data: copying it, serialising it or reading
 * its fields never parses the file again; positionOf works the position out, once per place.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { placeKey, placeText, positioned, positionOf } from '../../src/diagnostics.js';
import { locate, parseYamlFile, watchPositionedParses } from '../../src/load/load.js';

const TEXT = `apiVersion: eks-access/v1
kind: Employee
name: alice
access:
  - cluster: prod
    level: read-only
`;

function fastDocument() {
  const [d] = parseYamlFile(TEXT, 'alice.yaml').value;
  assert.ok(d?.fast, 'the file is read by the fast parser');
  return d;
}

function counting<T>(body: () => T): { value: T; parses: number } {
  let parses = 0;
  const stop = watchPositionedParses(() => parses++);
  try {
    return { value: body(), parses };
  } finally {
    stop();
  }
}

test('copies, JSON and field reads of a place parse nothing; positionOf parses the file once', () => {
  const d = fastDocument();
  const { value: at, parses } = counting(() => {
    const at = locate(d, ['access', 0, 'level']);
    const copies = [{ ...at }, Object.assign({}, at), JSON.parse(JSON.stringify(at)) as unknown];
    assert.equal(copies[2], { file: 'alice.yaml', line: 0, column: 0 });
    assert.equal([at.file, at.line, at.column], ['alice.yaml', 0, 0]);
    assert.is(placeKey({ ...at }), placeKey(at), 'a copy names the same place');
    return at;
  });
  assert.is(parses, 0);
  const later = counting(() => {
    const copy = { ...at };
    return [positionOf(copy), positionOf(at), positionOf(locate(d, ['access', 0, 'level'], true))];
  });
  assert.equal(later.value, [
    { line: 6, column: 12 },
    { line: 6, column: 12 },
    { line: 6, column: 5 },
  ]);
  assert.is(later.parses, 1, 'one parse for the file, whatever the number of places and copies');
  assert.is(placeText(at), 'alice.yaml:6:12');
});

test('positioned: a copy with the position filled in, the place kept; a positioned source is returned as it is', () => {
  const d = fastDocument();
  const at = locate(d, ['name']);
  const finding = { ruleId: 'r', file: at.file, line: at.line, column: at.column, message: 'm' };
  const p = positioned({ ...finding, ...at });
  assert.equal(JSON.parse(JSON.stringify(p)), { ruleId: 'r', file: 'alice.yaml', line: 3, column: 7, message: 'm' });
  assert.is(positioned(p), p);
  const plain = { file: 'x.yaml', line: 2, column: 1 };
  assert.is(positioned(plain), plain);
  assert.is(positionOf(plain), plain);
  assert.is(placeKey(plain), 'x.yaml:2:1');
});

test.run();
