import { hasErrors, sortDiagnostics, type Diagnostic } from './diagnostics.js';
import { discoverFiles, loadFiles, type LoadedDocument } from './load/load.js';
import { buildModel, type ValidDocument } from './model/build.js';
import type { AccessModel } from './model/types.js';
import { validateDocument } from './schema/schemas.js';

export interface LoadedAccess {
  /** Present when the input had no errors (warnings allowed). */
  model?: AccessModel;
  documents: LoadedDocument[];
  /** Sorted. */
  diagnostics: Diagnostic[];
}

/**
 * Schema results per document: a document shared by two trees (a file unchanged between a git
 * revision and the working tree, read once) is checked once.
 */
const validated = new WeakMap<LoadedDocument, ReturnType<typeof validateDocument>>();

function validateOnce(d: LoadedDocument): ReturnType<typeof validateDocument> {
  let r = validated.get(d);
  if (!r) validated.set(d, (r = validateDocument(d)));
  return r;
}

/** Schema-checks loaded documents and, when they are all valid, builds the model. */
export function buildAccess(documents: LoadedDocument[], loadDiagnostics: Diagnostic[] = []): LoadedAccess {
  const diagnostics = [...loadDiagnostics];
  const valid: ValidDocument[] = [];
  const broken = new Set<string>();
  for (const d of documents) {
    const r = validateOnce(d);
    diagnostics.push(...r.diagnostics);
    if (r.kind && !hasErrors(r.diagnostics)) valid.push({ d, kind: r.kind });
    else if (r.kind) broken.add(`${r.kind}/${String((d.data as { name?: unknown }).name)}`);
  }
  // Cross-file checks run on the valid documents even when others are broken, so one run reports
  // as much as it can; the model is only handed on when nothing at all is wrong.
  const built = buildModel(valid, broken);
  diagnostics.push(...built.diagnostics);
  const sorted = sortDiagnostics(diagnostics);
  return { ...(hasErrors(sorted) ? {} : { model: built.model }), documents, diagnostics: sorted };
}

/** load -> validate -> model, for the access folder `dir`. */
export async function loadAccess(dir: string): Promise<LoadedAccess> {
  const files = await discoverFiles(dir);
  const loaded = await loadFiles(files, dir);
  return buildAccess(loaded.value, loaded.diagnostics);
}
