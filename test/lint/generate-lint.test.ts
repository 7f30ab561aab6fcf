/**
 * generate only stops on lint errors, so it runs just the rules that can give one
 * (rulesThatCanFail). That must block exactly what lint blocks, policy overrides included.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RULES } from '../../src/lint/rules/index.js';
import { rulesThatCanFail } from '../../src/lint/run.js';
import type { LintPolicy } from '../../src/model/types.js';
import { watchPositionedParses } from '../../src/load/load.js';
import { BASE_FILES, HEADER, ROOT, run, scratch } from '../helpers/run.js';

const at = { file: 'access/policy.yaml', line: 1, column: 1 };
const policy = (rules: LintPolicy['rules'], waivers: Partial<LintPolicy['waivers'][number]>[] = []): LintPolicy =>
  ({
    name: 'p',
    file: 'access/policy.yaml',
    at,
    rules,
    waivers: waivers.map((w) => ({ rule: 'x', reason: 'r', expires: '2030-01-01', at, ...w })),
  }) as unknown as LintPolicy;

test('the rules that can fail: every rule judged by risk, process rules that are errors, rules raised to error, not those lowered, and rules of expired waivers', () => {
  const ids = (p: LintPolicy | undefined) =>
    rulesThatCanFail(p, '2026-11-28')
      .map((r) => r.meta.id)
      .sort();
  const errors = RULES.filter((r) => r.meta.category !== 'process' || r.meta.severity === 'error')
    .map((r) => r.meta.id)
    .sort();
  assert.equal(ids(undefined), errors);
  assert.ok(errors.length > 5 && errors.length < RULES.length);
  const warning = RULES.find((r) => r.meta.category === 'process' && r.meta.severity === 'warning')!;
  const error = RULES.find((r) => r.meta.severity === 'error')!;
  assert.ok(ids(policy({ [warning.meta.id]: 'error' })).includes(warning.meta.id), 'raised by id');
  assert.ok(ids(policy({ [warning.meta.code]: 'error' })).includes(warning.meta.id), 'raised by code');
  assert.not.ok(ids(policy({ [error.meta.id]: 'warning' })).includes(error.meta.id), 'lowered');
  assert.not.ok(ids(policy({ [error.meta.id]: 'off' })).includes(error.meta.id), 'off');
  assert.ok(ids(policy({}, [{ rule: warning.meta.id, expires: '2026-01-01' }])).includes(warning.meta.id), 'an expired waiver counts what it no longer waives');
  assert.not.ok(ids(policy({}, [{ rule: warning.meta.id, expires: '2027-01-01' }])).includes(warning.meta.id), 'a live waiver changes nothing');
});

test('generate blocks on a warning rule that the policy raises to error, exactly where lint does', async () => {
  const s = scratch();
  try {
    cpSync(join(ROOT, 'access'), join(s.dir, 'access'), { recursive: true });
    const file = join(s.dir, 'access', 'policy.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('rules: {}', 'rules:\n  workload-write: error'));
    const lint = await run(['lint', '--today', '2026-11-28', '--format', 'json'], s.dir);
    assert.is(lint.code, 1);
    const errors = (
      JSON.parse(lint.stdout) as {
        findings: { ruleId: string; severity: string; risk: string; file: string; line: number; column: number; message: string; waived?: unknown }[];
      }
    ).findings.filter((f) => f.severity === 'error' && !f.waived);
    const lintErrors = errors.map((f) => `${f.file}:${f.line}:${f.column}  error  [${f.risk}] ${f.message}  (${f.ruleId})`);
    assert.ok(lintErrors.length > 0 && lintErrors.every((l) => l.endsWith('(workload-write)')), lint.stdout);
    const g = await run(['generate', '--today', '2026-11-28'], s.dir);
    assert.is(g.code, 1);
    assert.match(g.stderr, 'nothing written to generated (lint errors');
    for (const l of lintErrors) assert.ok(g.stderr.includes(l), `generate does not report: ${l}`);
  } finally {
    s.cleanup();
  }
});

test('generate works out the lines of the findings it prints only: the others never cost a parse of their files', async () => {
  // Each person signs in as an IAM user: a finding (a warning) about every one of them.
  const people = Object.fromEntries(
    Array.from({ length: 30 }, (_, i) => [
      `access/employees/person-${i}.yaml`,
      `${HEADER}kind: Employee\nname: person-${i}\nemail: person-${i}@example.com\nidentity:\n  iamUser: person-${i}\naccess:\n  - cluster: prod\n    profile: developer\n    namespaces: [payments]\n`,
    ]),
  );
  const s = scratch({ ...BASE_FILES, ...people });
  const generate = async () => {
    const parsed = new Set<string>();
    const stop = watchPositionedParses((file) => parsed.add(file));
    try {
      const r = await run(['generate', '--dir', 'access', '--out', 'generated'], s.dir);
      return { ...r, people: [...parsed].filter((f) => f.includes('/employees/person-')).length };
    } finally {
      stop();
    }
  };
  try {
    const quiet = await generate();
    assert.is(quiet.code, 0, quiet.stderr);
    assert.is(quiet.people, 0, 'no finding is printed, so no line is worked out');
    // Raised to errors, the same findings stop generate and are printed, each with its line.
    writeFileSync(join(s.dir, 'access/policy.yaml'), `${HEADER}kind: LintPolicy\nname: p\nrules:\n  iam-users-exist: error\nwaivers: []\n`);
    const blocked = await generate();
    assert.is(blocked.code, 1);
    assert.match(blocked.stderr, /^access\/employees\/person-0\.yaml:6:12 {2}error {2}\[low\] IAM user/m);
    assert.is(blocked.people, 30);
  } finally {
    s.cleanup();
  }
});

test.run();
