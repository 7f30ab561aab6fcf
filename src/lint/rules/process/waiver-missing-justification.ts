import type { Rule } from '../../types.js';

/** Shorter than this (ignoring spaces) cannot say what is accepted, why, and under which ticket. */
const MIN_REASON_LENGTH = 10;

/** Reasons that say nothing, after lower-casing and turning punctuation into spaces. */
const PLACEHOLDERS = new Set([
  'todo',
  'to do',
  'tbd',
  'tba',
  'to be done',
  'to be determined',
  'to be decided',
  'to be added',
  'fixme',
  'fix me',
  'fix later',
  'will fix later',
  'n a',
  'na',
  'not applicable',
  'none',
  'no reason',
  'no reason given',
  'reason',
  'justification',
  'placeholder',
  'temp',
  'tmp',
  'temporary',
  'temporarily',
  'test',
  'tests',
  'testing',
  'just testing',
  'for testing',
  'xxx',
  'wip',
  'later',
  'ok',
  'fine',
  'needed',
  'required',
  'approved',
  'accepted',
  'as discussed',
  'see ticket',
  'ask me',
  'asdf',
  'foo',
  'bar',
]);
/** A reason that starts like this is a note to self, whatever follows. */
const PLACEHOLDER_START = /^(todo|tbd|fixme|xxx|wip)\b/;

/** Why a waiver reason is a placeholder, or undefined when it reads like a justification. */
function placeholderReason(reason: string): string | undefined {
  const normalized = reason
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
  const length = reason.replace(/\s+/g, '').length;
  if (PLACEHOLDERS.has(normalized)) return 'a placeholder';
  if (PLACEHOLDER_START.test(normalized)) return `a placeholder (it starts with "${normalized.split(' ')[0]!.toUpperCase()}")`;
  if (!/[a-z]/.test(normalized)) return 'not words';
  if (length < MIN_REASON_LENGTH) return `${length} character(s) long`;
  return undefined;
}

/**
 * A waiver turns an error into an accepted risk. Without a real reason the next reviewer cannot
 * tell whether the risk is still accepted, who accepted it, or when it can go.
 */
export const waiverMissingJustification: Rule = {
  meta: {
    id: 'waiver-missing-justification',
    code: 'META001',
    description: 'Require a real justification (not a placeholder) on every waiver',
    severity: 'warning',
    risk: 'high',
    category: 'process',
  },
  check(input, report) {
    for (const w of input.model?.lintPolicy?.waivers ?? []) {
      const why = placeholderReason(w.reason);
      if (why === undefined) continue;
      const target = w.employee !== undefined ? `employee ${w.employee}` : `file ${w.file ?? '?'}`;
      report({
        message: `waiver for ${w.rule} (${target}) has reason "${w.reason.trim()}", which is ${why}: say what risk is accepted and why, with a ticket and who approved it (e.g. "SEC-88 break-glass owner until the migration ends")`,
        at: w.at,
        ...(w.employee !== undefined && { employee: w.employee }),
      });
    }
  },
};
