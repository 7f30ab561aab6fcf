/**
 * The fast YAML writer (emit/serialize.ts) against js-yaml's dump, which it stands in for: the
 * same text byte for byte, on the shapes generate writes and on the scalars YAML readers misread.
 */
import jsyaml from 'js-yaml';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { yamlText } from '../../src/emit/serialize.js';

const OPTIONS = { lineWidth: -1, noRefs: true, quotingType: '"' } as const;

// (Strings such as `1_000` and `-.5` are written by the yaml package instead, for YAML 1.1 readers.)
const TRICKY = [
  '',
  ' ',
  ' lead',
  'trail ',
  'yes',
  'No',
  'on',
  'OFF',
  'y',
  'n',
  '~',
  'null',
  'Null',
  'true',
  'False',
  '0777',
  '0x1F',
  '0o17',
  '1e3',
  '.5',
  '+1',
  '12',
  '12.5',
  '12:30',
  '2027-03-31',
  '2027-03-31T10:00:00Z',
  '.inf',
  '-.Inf',
  '.nan',
  '<<',
  '-',
  '- x',
  '-x',
  '?',
  '? x',
  ':',
  'a:',
  'a: b',
  'a:b',
  '#x',
  'a #b',
  'a#b',
  '@x',
  '`x`',
  '!x',
  '&x',
  '*',
  '*x',
  'x*',
  '%x',
  '|',
  '>',
  "'q'",
  '"q"',
  "it's",
  'say "hi"',
  '[x]',
  '{x}',
  'a,b',
  'a, b',
  'system:node:{{EC2PrivateDNSName}}',
  'arn:aws:iam::111122223333:role/x',
  'app.kubernetes.io/managed-by',
  'eks-access:profile:dev',
  'é',
  'tab\there',
  'bell\u0007',
  '\u2028',
  'emoji 😀',
  'a'.repeat(1200),
  'key with  two spaces',
];

test('the fast writer writes what js-yaml writes: every tricky scalar as a value, a key and a list item', () => {
  for (const s of TRICKY) {
    for (const value of [{ k: s }, { [s]: 'v' }, { list: [s, s] }, [s], { nested: { deeper: { k: s } } }, { items: [{ a: s, b: [s] }] }]) {
      assert.is(yamlText(value), jsyaml.dump(value, OPTIONS), JSON.stringify(value));
    }
  }
});

test('the fast writer: numbers, booleans, nulls, empty collections, nesting and multi-line strings', () => {
  const cases: unknown[] = [
    { a: 1, b: -2.5, c: 0, d: 1e21, e: true, f: false, g: null, h: [], i: {}, j: [[]], k: [{}], l: [[1, 2], [3]] },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'aws-auth', namespace: 'kube-system' },
      data: { mapRoles: '- rolearn: x\n  groups:\n    - system:nodes\n' },
    },
    { rules: [{ apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get'] }], subjects: [{ kind: 'User', name: 'session:bob-example.com' }] },
    [{ a: [{ b: [{ c: 'd' }] }] }],
    { ['a'.repeat(1100)]: 1 },
    { undef: undefined, kept: 'x' },
  ];
  for (const value of cases) assert.is(yamlText(value), jsyaml.dump(value, OPTIONS), JSON.stringify(value));
});

test.run();
