import type { LintResult } from './index.js';

/** Placeholder replaced below. */
export async function lintManifests(paths: readonly string[], options: { today: string }): Promise<LintResult> {
  void paths;
  void options;
  return { diagnostics: [], findings: [] };
}
