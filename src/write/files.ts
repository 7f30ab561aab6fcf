import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Writes `[path, content]` entries (paths already checked, `/`-separated) under `root`, creating
 * folders as needed. Runs in the worker thread too, so it imports nothing of the project.
 */
export function writeFiles(root: string, entries: readonly (readonly [string, string])[]): void {
  const made = new Set<string>();
  for (const [rel, content] of entries) {
    const path = join(root, ...rel.split('/'));
    const folder = dirname(path);
    if (!made.has(folder)) {
      mkdirSync(folder, { recursive: true });
      made.add(folder);
    }
    // A Buffer: writing a string built by concatenation straight to a file is many times slower.
    writeFileSync(path, Buffer.from(content));
  }
}
