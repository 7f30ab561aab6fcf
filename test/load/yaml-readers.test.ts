/**
 * Generated YAML reads the same in every reader the cluster side uses: every plain (unquoted) scalar
 * of every generated file, golden outputs and outputs from hostile values, resolves as a string under
 * YAML 1.1 (go-yaml v2, libyaml) and YAML 1.2 core (go-yaml v3) rules. The oracle below is written
 * from the YAML 1.1 type repository (bool, null, int, float, timestamp) independently of the emitter.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isScalar, parseAllDocuments, visit } from 'yaml';
import { toYaml } from '../../src/emit/serialize.js';
import { ROOT } from '../helpers/run.js';

const BOOL11 = [
  'y',
  'Y',
  'yes',
  'Yes',
  'YES',
  'n',
  'N',
  'no',
  'No',
  'NO',
  'true',
  'True',
  'TRUE',
  'false',
  'False',
  'FALSE',
  'on',
  'On',
  'ON',
  'off',
  'Off',
  'OFF',
];
const NULL11 = ['~', 'null', 'Null', 'NULL', ''];
const INT11 = [/^[-+]?0b[01_]+$/, /^[-+]?0[0-7_]+$/, /^[-+]?(0|[1-9][0-9_]*)$/, /^[-+]?0x[0-9a-fA-F_]+$/, /^[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+$/];
const FLOAT11 = [
  /^[-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+][0-9]+)?$/,
  /^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*$/,
  /^[-+]?\.(inf|Inf|INF)$/,
  /^\.(nan|NaN|NAN)$/,
];
const TIMESTAMP11 = [
  /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/,
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(\.[0-9]*)?(([ \t]*)Z|[-+][0-9]{1,2}(:[0-9]{2})?)?$/,
];
const CORE12 = [
  /^(null|Null|NULL|~)$/,
  /^(true|True|TRUE|false|False|FALSE)$/,
  /^[-+]?[0-9]+$/,
  /^0o[0-7]+$/,
  /^0x[0-9a-fA-F]+$/,
  /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/,
  /^[-+]?(\.inf|\.Inf|\.INF)$/,
  /^(\.nan|\.NaN|\.NAN)$/,
];

/**
 * go-yaml v2 and v3 (`resolve`): a plain scalar, underscores removed, that Go's strconv.ParseInt(s, 0,
 * 64), ParseUint or ParseFloat accept is a number (so `0X1F`, `0O7`, `0B1`, `1_e3`); timestamps take
 * the layouts 2006-1-2, 2006-1-2T15:4:5... and 2006-1-2 15:4:5.
 */
const GO_INT = /^[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
const GO_FLOAT = /^[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?$/;
const GO_TIMESTAMP = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}.*)?$/;

function resolvesAsNonString(s: string): string | undefined {
  const go = s.replace(/_/g, '');
  if (GO_INT.test(go) || (GO_FLOAT.test(go) && /[0-9]/.test(go))) return 'number (go-yaml)';
  if (GO_TIMESTAMP.test(s)) return 'timestamp (go-yaml)';
  // libyaml's YAML 1.1 readers (PyYAML) take these for the value and merge-key tags, and refuse them.
  if (s === '=' || s === '<<') return 'value or merge key (1.1)';
  if (BOOL11.includes(s)) return 'bool (1.1)';
  if (NULL11.includes(s)) return 'null (1.1)';
  if (INT11.some((r) => r.test(s))) return 'int (1.1)';
  if (FLOAT11.some((r) => r.test(s)) && s !== '.' && /[0-9]|inf|nan/i.test(s)) return 'float (1.1)';
  if (TIMESTAMP11.some((r) => r.test(s))) return 'timestamp (1.1)';
  if (CORE12.some((r) => r.test(s))) return 'non-string (1.2 core)';
  return undefined;
}

/** Plain scalars that are meant as booleans or numbers in what generate writes. */
const INTENDED = new Set(['true', 'false']);

function plainMisreadings(text: string, where: string): string[] {
  const bad: string[] = [];
  for (const doc of parseAllDocuments(text, { schema: 'failsafe' })) {
    assert.is(doc.errors.length, 0, `${where}: ${doc.errors[0]?.message}`);
    visit(doc, {
      Scalar(_k, node) {
        if (!isScalar(node) || node.type !== 'PLAIN') return;
        const value = String(node.value);
        const kind = resolvesAsNonString(value);
        if (kind !== undefined && !INTENDED.has(value)) bad.push(`${where}: ${JSON.stringify(value)} would be read as ${kind}`);
      },
    });
  }
  return bad;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

test('every plain scalar of the golden outputs and of generated/ reads as a string in YAML 1.1 and 1.2', () => {
  const files = [...yamlFiles(join(ROOT, 'generated')), ...yamlFiles(join(ROOT, 'test/fixtures/generate')).filter((f) => f.includes('/expected/'))];
  assert.ok(files.length > 5);
  const bad = files.flatMap((f) => plainMisreadings(readFileSync(f, 'utf8'), f.slice(ROOT.length)));
  assert.equal(bad, []);
});

const HOSTILE = [
  '0o7',
  '1e3',
  '1_0',
  '.inf',
  '-.inf',
  '.NaN',
  '0x1F',
  '1:20',
  '1:20.5',
  '~',
  '',
  'y',
  'n',
  'on',
  'OFF',
  'Null',
  '0b101',
  '+.5',
  '012',
  '2027-03-31',
  '2001-12-14t21:59:43.10-05:00',
  '190:20:30',
  '1.',
  '+1',
  '-0',
  '0.1e+3',
  'yes',
  'No',
  // What go-yaml's use of strconv accepts beyond the YAML 1.1 tables, and what libyaml refuses plain.
  '0X1F',
  '0O7',
  '0B1',
  '0o_7',
  '0o1_0',
  '1e3_',
  '+_1',
  '-0o7',
  '+0o7',
  '1_e3',
  '0_8',
  '2001-1-2',
  '2001-1-2 3:4:5',
  '1_000.5',
  '=',
  '<<',
];

test('values that resolvers read as numbers, bools, nulls or timestamps are quoted, as values and as keys', () => {
  for (const v of HOSTILE) {
    const text = toYaml([{ metadata: { name: v, annotations: { [v]: v } }, list: [v, `x${v}`], data: { mapRoles: v } }]);
    assert.equal(plainMisreadings(text, JSON.stringify(v)), []);
    const back = parseAllDocuments(text, { version: '1.1' })[0]!.toJS();
    assert.is(back.metadata.name, v, text);
    const back12 = parseAllDocuments(text)[0]!.toJS();
    assert.is(back12.metadata.name, v, text);
  }
});

test('values with line breaks of any kind and control characters are written escaped, never plain', () => {
  for (const v of [
    'a\rkind: Pod',
    'a\u0085b',
    'a\u2028b',
    'a\u2029b',
    'a\u001bb',
    'a\nkind: Pod',
    'y\u2028',
    'x\u2028---\u2028kind:\u2028  Pod',
    'a\u007fb\u009fc\ufeffd',
  ]) {
    const text = toYaml([{ metadata: { annotations: { 'eks-access/source': v } } }]);
    assert.not.match(text, /[\r\u0085\u2028\u2029\u001b]/);
    assert.is(parseAllDocuments(text)[0]!.toJS().metadata.annotations['eks-access/source'], v);
  }
});

test('a reason or description with YAML 1.1 line breaks cannot start a document in generated output: every generated file is free of raw U+0085, U+2028, U+2029', async () => {
  const { BASE_FILES, scratch, run } = await import('../helpers/run.js');
  const inject = (sep: string) =>
    [
      'x',
      '---',
      'apiVersion:',
      '  v1',
      'kind:',
      '  Pod',
      'metadata:',
      '  name:',
      '    evil',
      '---',
      'kind:',
      '  ConfigMap',
      'metadata:',
      '  annotations:',
      '    pad:',
      '      z',
    ].join(sep);
  for (const sep of ['\u2028', '\u2029', '\u0085']) {
    const alice = BASE_FILES['access/employees/alice.yaml']!.replace(
      '        verbs: [get, list, watch]\n',
      `        verbs: [get, list, watch]\n        resourceNames: [${JSON.stringify(`n${sep}x`)}]\n    reason: ${JSON.stringify(inject(sep))}\n`,
    );
    const profile = BASE_FILES['access/profiles/developer.yaml']!.replace('description: read pods', `description: ${JSON.stringify(inject(sep))}`);
    const s = scratch({
      ...BASE_FILES,
      'access/employees/alice.yaml': alice,
      'access/profiles/developer.yaml': profile,
      'access/employees/bob.yaml': BASE_FILES['access/employees/alice.yaml']!.replace(/alice/g, 'bob').replace(
        '    namespaces: [my-namespace]\n    rules:\n      - apiGroups: [""]\n        resources: [pods, services]\n        verbs: [get, list, watch]\n',
        '    profile: developer\n    namespaces: [payments]\n',
      ),
    });
    try {
      const g = await run(['generate'], s.dir);
      assert.is(g.code, 0, g.stdout + g.stderr);
      for (const f of yamlFiles(join(s.dir, 'generated'))) {
        const text = readFileSync(f, 'utf8');
        assert.not.match(text, /[\u0085\u2028\u2029]/, f);
        // Read as a YAML 1.1 reader would, with these as line breaks: still no Pod.
        const asBreaks = text.replace(/[\u0085\u2028\u2029]/g, '\n');
        for (const doc of parseAllDocuments(asBreaks)) assert.is.not((doc.toJS() as { kind?: string } | null)?.kind, 'Pod', f);
      }
    } finally {
      s.cleanup();
    }
  }
});

test('aws-auth mapRoles with hostile values reads back as a list of string mappings in YAML 1.1 and 1.2', async () => {
  const { BASE_FILES, scratch, run } = await import('../helpers/run.js');
  const cluster = BASE_FILES['access/clusters/prod.yaml']!.replace(
    '      groups: [system:bootstrappers, system:nodes]\n',
    '      groups: [system:bootstrappers, system:nodes]\n    - rolearn: arn:aws:iam::111122223333:role/odd\n      username: "1:20"\n      groups: ["0o7", "y", "~", "1e3", ".inf"]\n',
  );
  const s = scratch({ ...BASE_FILES, 'access/clusters/prod.yaml': cluster });
  try {
    const g = await run(['generate'], s.dir);
    assert.is(g.code, 0, g.stdout + g.stderr);
    const cm = parseAllDocuments(readFileSync(join(s.dir, 'generated/clusters/prod/aws-auth.yaml'), 'utf8'), { version: '1.1' })[0]!.toJS();
    for (const version of ['1.1', '1.2'] as const) {
      const roles = parseAllDocuments(cm.data.mapRoles, { version })[0]!.toJS() as { username: unknown; groups: unknown[] }[];
      assert.ok(Array.isArray(roles));
      for (const r of roles) {
        assert.type(r.username, 'string');
        for (const g2 of r.groups) assert.type(g2, 'string');
      }
      assert.equal(roles[1]!.groups, ['0o7', 'y', '~', '1e3', '.inf']);
    }
  } finally {
    s.cleanup();
  }
});

test('access files written by import quote what go-yaml or PyYAML would misread, as generate does', async () => {
  const { documentText } = await import('../../src/import/import.js');
  const text = documentText(
    { apiVersion: 'eks-access/v1', kind: 'Employee', name: '2001-1-2', access: [{ cluster: 'c1', groups: ['=', '<<', '0X1F', '0o_7', 'ops'] }] },
    undefined,
  );
  assert.equal(plainMisreadings(text, 'import'), []);
  assert.equal((parseAllDocuments(text)[0]!.toJS() as { access: { groups: string[] }[] }).access[0]!.groups, ['=', '<<', '0X1F', '0o_7', 'ops']);
});

test('bidirectional overrides and zero-width characters are escaped in generated YAML, so a reviewer reads the value as it is', () => {
  for (const v of ['a\u202eb', 'x\u200by', 'r\u2066l\u2069']) {
    const text = toYaml([{ metadata: { annotations: { 'eks-access/reason': v } } }]);
    assert.not.match(text, /[\u200b-\u200f\u202a-\u202e\u2066-\u2069]/, JSON.stringify(text));
    assert.is(parseAllDocuments(text)[0]!.toJS().metadata.annotations['eks-access/reason'], v);
  }
});

test.run();
