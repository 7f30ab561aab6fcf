import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BASE_FILES, HEADER, ROOT, run, scratch } from '../helpers/run.js';

test('the example access folder is valid', async () => {
  const r = await run(['validate', '--dir', 'access'], ROOT);
  assert.is(r.code, 0, r.stderr);
  assert.not.match(r.stderr, /error/);
});

test('the base fixture is valid', async () => {
  const s = scratch(BASE_FILES);
  try {
    const r = await run(['validate'], s.dir);
    assert.is(r.code, 0, r.stderr);
  } finally {
    s.cleanup();
  }
});

test('a typo in a field name names the file, line and the field it meant', async () => {
  const s = scratch({
    ...BASE_FILES,
    'access/employees/bob.yaml': `${HEADER}kind: Employee\nname: bob\nemail: bob@example.com\nidentity:\n  iamUser: bob\nacess: []\n`,
  });
  try {
    const r = await run(['validate'], s.dir);
    assert.is(r.code, 1);
    assert.match(r.stderr, 'access/employees/bob.yaml:7:1  error  unknown field "acess" (did you mean "access"?)');
  } finally {
    s.cleanup();
  }
});

test('a missing folder is a usage error (exit 2)', async () => {
  const r = await run(['validate', '--dir', 'does-not-exist'], ROOT);
  assert.is(r.code, 2);
  assert.match(r.stderr, 'folder not found: does-not-exist');
});

test.run();
