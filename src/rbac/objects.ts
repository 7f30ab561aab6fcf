/** Reading Kubernetes objects out of loaded YAML documents, keeping where each came from. */
import type { Source } from '../diagnostics.js';
import { locate, type LoadedDocument, type PathSegment } from '../load/load.js';
import type { PolicyRule } from '../model/types.js';

/** A Kubernetes object found in the input, with a locator into its file. */
export interface Located<D extends { data: unknown } = LoadedDocument> {
  d: D;
  base: PathSegment[];
  obj: Record<string, unknown>;
}

export function at(l: Located, path: PathSegment[] = [], key = false): Source {
  return locate(l.d, [...l.base, ...path], key);
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export function toRule(v: unknown): PolicyRule | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const r = v as Record<string, unknown>;
  const rule: PolicyRule = { verbs: strings(r.verbs) };
  if (Array.isArray(r.apiGroups)) rule.apiGroups = strings(r.apiGroups);
  if (Array.isArray(r.resources)) rule.resources = strings(r.resources);
  if (Array.isArray(r.resourceNames)) rule.resourceNames = strings(r.resourceNames);
  if (Array.isArray(r.nonResourceURLs)) rule.nonResourceURLs = strings(r.nonResourceURLs);
  return rule;
}

/** Kubernetes objects of a document: itself, or the items of a `kind: List` (what `kubectl get -o yaml` prints). */
export function objectsOf<D extends { data: unknown } = LoadedDocument>(d: D): Located<D>[] {
  const data = d.data as Record<string, unknown> | null;
  if (!data || typeof data !== 'object' || Array.isArray(data)) return [];
  if (typeof data.kind === 'string' && data.kind.endsWith('List') && Array.isArray(data.items)) {
    return data.items.flatMap((item, i) => (item && typeof item === 'object' ? [{ d, base: ['items', i], obj: item as Record<string, unknown> }] : []));
  }
  return [{ d, base: [], obj: data }];
}

export function meta(o: Record<string, unknown>): { name: string; namespace?: string; labels: Record<string, string> } {
  const m = (o.metadata ?? {}) as Record<string, unknown>;
  const labels = (m.labels && typeof m.labels === 'object' ? m.labels : {}) as Record<string, string>;
  return { name: str(m.name) ?? '', ...(str(m.namespace) !== undefined && { namespace: str(m.namespace)! }), labels };
}
