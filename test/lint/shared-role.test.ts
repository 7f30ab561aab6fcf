/**
 * What the linter finds on a role several people share is each person's, waived person by person;
 * a LintPolicy is a file of its own.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BASE_FILES, HEADER, run, scratch } from '../helpers/run.js';

const ROLE = 'arn:aws:iam::111122223333:role/dev';
const person = (name: string, extra = '', cluster = 'prod', grant = '    profile: developer\n    namespaces: [payments]\n') =>
  `${HEADER}kind: Employee\nname: ${name}\nemail: ${name}@example.com\nteam: web\nidentity:\n  role:\n    arn: ${ROLE}\n    sessionName: ${name}\naccess:\n  - cluster: ${cluster}\n${grant}${extra}`;

async function validate(files: Record<string, string>): Promise<{ code: number; out: string }> {
  const s = scratch({ ...BASE_FILES, ...files });
  try {
    const v = await run(['validate'], s.dir);
    return { code: v.code, out: v.stdout + v.stderr };
  } finally {
    s.cleanup();
  }
}

test("a finding on a shared role is reported in each member's file, and a waiver for one person waives only theirs", async () => {
  const policy = `${HEADER}kind: LintPolicy\nwaivers:\n  - rule: spoofable-session-username\n    employee: p1\n    reason: SEC-1 only SAML federation assumes this role\n    expires: 2099-01-01\n`;
  const s = scratch({ ...BASE_FILES, 'access/employees/p1.yaml': person('p1'), 'access/employees/p2.yaml': person('p2'), 'access/policy.yaml': policy });
  try {
    const lint = await run(['lint', '--format', 'json'], s.dir);
    const found = (JSON.parse(lint.stdout) as { findings: { ruleId: string; file: string; employee?: string; waived?: unknown }[] }).findings.filter(
      (f) => f.ruleId === 'spoofable-session-username',
    );
    assert.equal(
      found.map((f) => [f.file, f.employee, f.waived !== undefined]),
      [
        ['access/employees/p1.yaml', 'p1', true],
        ['access/employees/p2.yaml', 'p2', false],
      ],
    );
  } finally {
    s.cleanup();
  }
});

test('a LintPolicy is accepted only as its own file, never tucked into an access file', async () => {
  const tucked = `${person('p1')}---\n${HEADER}kind: LintPolicy\nrules:\n  spoofable-session-username: off\n`;
  const s = scratch({ ...BASE_FILES, 'access/employees/p1.yaml': tucked });
  try {
    const v = await run(['validate'], s.dir);
    assert.is(v.code, 1, v.stdout + v.stderr);
    assert.match(v.stdout + v.stderr, /access\/employees\/p1\.yaml:15:1 +error +a LintPolicy must be the only document in its file/);
    assert.is((await run(['generate'], s.dir)).code, 1);
  } finally {
    s.cleanup();
  }
  const v = await validate({ 'access/policy.yaml': `${HEADER}kind: LintPolicy\nrules:\n  spoofable-session-username: off\n` });
  assert.is(v.code, 0, v.out);
});

test.run();
