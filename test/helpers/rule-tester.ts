import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lintAccess } from '../../src/lint/index.js';
import { lintManifests } from '../../src/lint/manifests.js';
import { ruleById } from '../../src/lint/rules/index.js';
import type { Finding } from '../../src/lint/types.js';
import { BASE_FILES, scratch } from './run.js';

/** The day rule tests judge expiry against, unless a case says otherwise. */
export const TEST_TODAY = '2026-11-28';

export interface RuleCase {
  name: string;
  /** Access-folder files laid over BASE_FILES (path -> text; null removes a base file). Lints the access folder. */
  access?: Record<string, string | null>;
  /** Manifest files (path -> text), linted with `lint --manifests` on their folder instead. */
  manifests?: Record<string, string>;
  today?: string;
  /** Invalid cases: this rule's findings expected, in order, as `file:line` or `file:line:column`. */
  errors?: string[];
  /** Optional: a substring each of those findings' messages must contain, same order. */
  messages?: string[];
}

async function findingsOf(c: RuleCase): Promise<{ findings: Finding[]; problems: string[] }> {
  if (!c.access === !c.manifests) throw new Error(`rule case "${c.name}" must give exactly one of access or manifests`);
  const files: Record<string, string> = {};
  if (c.access) {
    for (const [p, t] of Object.entries({ ...BASE_FILES, ...c.access })) if (t !== null) files[p] = t;
  } else Object.assign(files, c.manifests);
  const s = scratch(files);
  const previous = process.cwd();
  process.chdir(s.dir);
  try {
    const today = c.today ?? TEST_TODAY;
    const r = c.access ? await lintAccess('access', { today }) : await lintManifests(['manifests'], { today });
    const problems = r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.file}:${d.line}:${d.column} ${d.message}`);
    return { findings: r.findings, problems };
  } finally {
    process.chdir(previous);
    s.cleanup();
  }
}

function location(f: Finding, expected: string): string {
  return expected.split(':').length >= 3 ? `${f.file}:${f.line}:${f.column}` : `${f.file}:${f.line}`;
}

/**
 * Table tests for one rule, in the manner of ESLint's RuleTester: every valid case must give no
 * finding of the rule, every invalid case exactly the listed ones. A rule needs both kinds, every
 * invalid case must name its lines, and inputs must be valid, so no case passes by accident.
 */
export function ruleTests(ruleId: string, cases: { valid: RuleCase[]; invalid: RuleCase[] }): void {
  const suite = test;
  suite(`${ruleId}: is registered and has passing and failing cases`, () => {
    assert.ok(ruleById(ruleId), `rule ${ruleId} is not in the registry`);
    assert.ok(cases.valid.length > 0, 'no valid case');
    assert.ok(cases.invalid.length > 0, 'no invalid case');
    for (const c of cases.invalid) assert.ok(c.errors && c.errors.length > 0, `invalid case "${c.name}" names no expected finding`);
  });
  for (const c of cases.valid) {
    suite(`${ruleId} valid: ${c.name}`, async () => {
      const { findings, problems } = await findingsOf(c);
      assert.equal(problems, [], 'the case input itself is invalid');
      const mine = findings.filter((f) => f.ruleId === ruleId);
      assert.equal(
        mine.map((f) => `${f.file}:${f.line}:${f.column} ${f.message}`),
        [],
      );
    });
  }
  for (const c of cases.invalid) {
    suite(`${ruleId} invalid: ${c.name}`, async () => {
      const { findings, problems } = await findingsOf(c);
      assert.equal(problems, [], 'the case input itself is invalid');
      const mine = findings.filter((f) => f.ruleId === ruleId);
      const expected = c.errors ?? [];
      assert.equal(
        mine.map((f, i) => location(f, expected[i] ?? 'x:1')),
        expected,
        mine.map((f) => `${f.file}:${f.line}:${f.column} ${f.message}`).join('\n'),
      );
      (c.messages ?? []).forEach((m, i) => assert.match(mine[i]!.message, m));
    });
  }
}
