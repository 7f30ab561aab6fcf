/** Checks of a LintPolicy that need the rule catalogue: every rule it names must exist. */
import { diagnostic, type Diagnostic, type Source } from '../diagnostics.js';
import { didYouMean } from '../text.js';
import { RULES } from './rules/index.js';

/**
 * An unknown rule id or code among `rules` (a typo silently changes nothing) is an error at its
 * key, with the closest id or code as a suggestion.
 */
export function unknownPolicyRules(rules: Readonly<Record<string, unknown>>, keyAt: (key: string) => Source): Diagnostic[] {
  const ids = RULES.map((r) => r.meta.id);
  const codes = RULES.map((r) => r.meta.code);
  const known = new Set([...ids, ...codes]);
  const out: Diagnostic[] = [];
  for (const key of Object.keys(rules)) {
    if (known.has(key)) continue;
    const candidates = /^[A-Z]+[0-9]{3}$/.test(key) ? codes : ids;
    out.push(
      diagnostic(
        keyAt(key),
        `LintPolicy names unknown rule "${key}"${didYouMean(key, candidates)}; its severity would change nothing (eks-access rules lists the ids and codes)`,
        'unknown-rule',
      ),
    );
  }
  return out;
}
