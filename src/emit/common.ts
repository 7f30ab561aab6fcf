import { createHash } from 'node:crypto';
import type { V1ObjectMeta } from '@kubernetes/client-node';
import type { Employee, Grant } from '../model/types.js';

export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'eks-access' } as const;
export const ANNOTATION = {
  source: 'eks-access/source',
  employee: 'eks-access/employee',
  expires: 'eks-access/expires',
  reason: 'eks-access/reason',
} as const;
const LABEL_EMPLOYEE = 'eks-access/employee';

/** A file of the output, path relative to the output folder with `/`. */
export interface OutputFile {
  path: string;
  content: string;
}

/** Metadata for an object that belongs to one employee. */
export function employeeMeta(name: string, e: Employee, extra: { namespace?: string; grants?: readonly Grant[] } = {}): V1ObjectMeta {
  // Written once per emitted object: plain loops, no intermediate arrays.
  const grants = extra.grants ?? [];
  let expires = e.expires;
  const reasons: string[] = [];
  for (const g of grants) {
    if (g.expires !== undefined && (expires === undefined || g.expires < expires)) expires = g.expires;
    if (g.reason !== undefined && !reasons.includes(g.reason)) reasons.push(g.reason);
  }
  const annotations: Record<string, string> = { [ANNOTATION.source]: e.file, [ANNOTATION.employee]: e.name };
  if (expires !== undefined) annotations[ANNOTATION.expires] = expires;
  if (reasons.length > 0) annotations[ANNOTATION.reason] = reasons.join('; ');
  const meta: V1ObjectMeta = { name };
  if (extra.namespace !== undefined) meta.namespace = extra.namespace;
  meta.labels = { ...MANAGED_BY, [LABEL_EMPLOYEE]: e.name };
  meta.annotations = annotations;
  return meta;
}

/** The earliest of some YYYY-MM-DD dates, or undefined when there is none. */
export function earliest(dates: readonly (string | undefined)[]): string | undefined {
  let first: string | undefined;
  for (const d of dates) if (d !== undefined && (first === undefined || d < first)) first = d;
  return first;
}

/**
 * A Terraform identifier from a name: letters, digits, `_` and `-`, not starting with a digit. A part
 * holding any other character has it replaced and a short hash of the original appended, so distinct
 * names never collapse into one key (`role/dev.ops`, `role/dev_ops` and `role/dev@ops` stay three
 * resources); names of only those characters (employees, clusters) keep their key unchanged.
 */
export function tfId(...parts: string[]): string {
  const id = parts
    .map((p) => (/^[A-Za-z0-9_-]*$/.test(p) ? p : `${p.replace(/[^A-Za-z0-9_-]/g, '_')}_${createHash('sha256').update(p).digest('hex').slice(0, 10)}`))
    .join('__');
  return /^[0-9-]/.test(id) ? `_${id}` : id;
}

/**
 * Escapes a literal string for Terraform's template syntax, which `*.tf.json` string values use:
 * `${` would start an interpolation and `%{` a directive.
 */
export function tfLiteral(value: string): string {
  // A function replacement: in a replacement string `$$` would itself mean one `$`.
  return value.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}
