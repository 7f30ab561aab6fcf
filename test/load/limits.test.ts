/**
 * Input limits: a file that is too big, too deeply nested, has too long a line or too many aliases is
 * refused with one clear error at `file:line:column` naming the limit, `lint` and `generate` exit 1,
 * and generate leaves the previous output exactly as it was.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { BASE_FILES, run, scratch, snapshotTree } from '../helpers/run.js';

const ZED = 'access/employees/zed.yaml';
const HEAD = 'apiVersion: eks-access/v1\nkind: Employee\nname: zed\n';

interface Limit {
  name: string;
  text: string;
  /** `file:line:column` of the one error. */
  location: string;
  message: string;
}

const aliases = (n: number) => `${HEAD}anchor: &a x\nmany: [${Array(n).fill('*a').join(', ')}]\n`;

const LIMITS: Limit[] = [
  {
    name: 'a file over 4 MiB',
    // Short lines, so that only the size is wrong: one byte more than 4 MiB.
    text: (HEAD + '# padding\n'.repeat(500_000)).slice(0, 4 * 1024 * 1024 + 1),
    location: `${ZED}:1:1`,
    message: 'file is larger than 4 MiB; access files are small text files',
  },
  {
    name: 'nesting deeper than 64 levels',
    // The map of the document is level 0; the 64th `[` (column 4 + 63) is level 64.
    text: `${HEAD}x: ${'['.repeat(100)}${']'.repeat(100)}\n`,
    location: `${ZED}:4:67`,
    message: 'document is nested more than 64 levels deep; access files need only a few levels',
  },
  {
    name: 'block nesting deeper than 64 levels',
    text: HEAD + Array.from({ length: 100 }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n') + ' v\n',
    // k0 is level 1 (line 4), k64 level 65 (line 68, after 128 spaces).
    location: `${ZED}:68:129`,
    message: 'nested more than 64 levels deep',
  },
  {
    name: 'a line longer than 10000 characters',
    text: `${HEAD}email: zed@example.com\nreason: ${'x'.repeat(10_001)}\nidentity: {iamUser: zed}\n`,
    location: `${ZED}:5:1`,
    message: 'line is longer than 10000 characters; access files have short lines',
  },
  {
    name: 'a long line after a valid part, in a comment',
    text: `${HEAD}email: zed@example.com\n\n\n# ${'é'.repeat(20_000)}\n`,
    location: `${ZED}:7:1`,
    message: 'line is longer than 10000 characters',
  },
  {
    name: 'more than 100 aliases in one document',
    text: aliases(101),
    // The first alias: where expansion starts.
    location: `${ZED}:5:8`,
    message: 'too many aliases in one document (more than 100); write the values out',
  },
];

for (const limit of LIMITS) {
  test(`limit: ${limit.name}`, async () => {
    const s = scratch(BASE_FILES);
    try {
      assert.is((await run(['generate'], s.dir)).code, 0, 'the base folder generates');
      const before = snapshotTree(s.dir);
      writeFileSync(join(s.dir, ZED), limit.text);
      for (const argv of [['lint'], ['generate'], ['validate']]) {
        const r = await run(argv, s.dir);
        assert.is(r.code, 1, `${argv[0]} exit code\n${r.stderr.slice(0, 2000)}`);
        const errors = `${r.stdout}${r.stderr}`.split('\n').filter((l) => / {2}error {2}/.test(l));
        assert.equal(errors.length, 1, `${argv[0]}: one error expected, got:\n${errors.join('\n').slice(0, 2000)}`);
        assert.ok(
          errors[0]!.startsWith(`${limit.location}  error  `),
          `${argv[0]}: expected the error at ${limit.location}, got:\n${errors[0]!.slice(0, 500)}`,
        );
        assert.ok(errors[0]!.includes(limit.message), `${argv[0]}: expected "${limit.message}", got:\n${errors[0]!.slice(0, 500)}`);
        assert.ok(errors[0]!.length < 400, 'the message does not repeat the input');
        assert.not.match(r.stderr, /^\s+at /m, 'stack trace');
      }
      const after = snapshotTree(s.dir);
      delete after[ZED];
      assert.equal(after, before, 'generate wrote nothing');
    } finally {
      s.cleanup();
    }
  });
}

test('a document with hundreds of problems shows the first 50 and says so, at its start; nothing is written', async () => {
  const s = scratch(BASE_FILES);
  try {
    assert.is((await run(['generate'], s.dir)).code, 0, 'the base folder generates');
    const before = snapshotTree(s.dir);
    const unknown = Array.from({ length: 600 }, (_, i) => `unknown${i}: x`).join('\n');
    writeFileSync(join(s.dir, ZED), `${HEAD}email: zed@example.com\n${unknown}\nidentity:\n  iamUser: zed\naccess: []\n`);
    for (const argv of [['validate'], ['generate']]) {
      const r = await run(argv, s.dir);
      assert.is(r.code, 1, argv[0]);
      const errors = `${r.stdout}${r.stderr}`.split('\n').filter((l) => / {2}error {2}/.test(l));
      assert.is(errors.length, 51, argv[0]);
      assert.ok(
        errors.some((l) => l.startsWith(`${ZED}:1:1  error  more than 50 problems in this document; only the first 50 are shown`)),
        errors[0],
      );
      assert.ok(
        errors.some((l) => l.startsWith(`${ZED}:5:1  error  unknown field "unknown0"`)),
        errors.join('\n').slice(0, 500),
      );
    }
    const after = snapshotTree(s.dir);
    delete after[ZED];
    assert.equal(after, before, 'generate wrote nothing');
  } finally {
    s.cleanup();
  }
});

test('a file of 20,000 keys (under the size limit) names its one duplicate, found in one pass', async () => {
  const keys = Array.from({ length: 20_000 }, (_, i) => `k${i}: x`);
  keys.push('k17: again');
  const s = scratch({ ...BASE_FILES, 'access/employees/keys.yaml': `apiVersion: eks-access/v1\nkind: Employee\nname: keys\n${keys.join('\n')}\n` });
  try {
    const r = await run(['validate'], s.dir);
    assert.is(r.code, 1);
    assert.match(
      r.stdout + r.stderr,
      'access/employees/keys.yaml:20004:1  error  duplicate key "k17": a mapping holds each key once (the first is on line 21)',
    );
  } finally {
    s.cleanup();
  }
});

// The alias limit: 100 uses of one anchor pass (the message says "more than 100"), 101 do not.
test('limit boundaries: a line of exactly 10000 characters and 100 aliases are fine', async () => {
  const s = scratch({
    ...BASE_FILES,
    [ZED]: `${HEAD}email: zed@example.com\n# ${'x'.repeat(9_998)}\nidentity:\n  iamUser: zed\naccess:\n  - cluster: prod\n    level: read-only\n`,
    'access/profiles/many.yaml': `apiVersion: eks-access/v1\nkind: Profile\nname: many\ndescription: read pods\nrules:\n  - apiGroups: [""]\n    resources: [pods]\n    verbs: &v [get]\n${Array.from({ length: 100 }, () => '  - {apiGroups: [""], resources: [pods], verbs: *v}').join('\n')}\n`,
  });
  try {
    const r = await run(['validate'], s.dir);
    assert.is(r.code, 0, r.stderr);
  } finally {
    s.cleanup();
  }
});

test.run();
