import type { V1ObjectMeta } from '@kubernetes/client-node';
import type { Employee, Grant } from '../model/types.js';

export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'eks-access' } as const;
export const ANNOTATION = {
  source: 'eks-access/source',
  employee: 'eks-access/employee',
  expires: 'eks-access/expires',
  reason: 'eks-access/reason',
} as const;
export const LABEL_EMPLOYEE = 'eks-access/employee';

/** A file of the output, path relative to the output folder with `/`. */
export interface OutputFile {
  path: string;
  content: string;
}

/** Name prefix of every RBAC object eks-access creates, so they never collide with others. */
export const NAME_PREFIX = 'eks-access:';

export function profileClusterRoleName(profile: string): string {
  return `${NAME_PREFIX}profile:${profile}`;
}

/** Metadata for an object that belongs to one employee. */
export function employeeMeta(name: string, e: Employee, extra: { namespace?: string; grants?: readonly Grant[] } = {}): V1ObjectMeta {
  const expires = earliest((extra.grants ?? []).map((g) => g.expires ?? e.expires).concat(e.expires));
  const reasons = [...new Set((extra.grants ?? []).map((g) => g.reason).filter((r): r is string => r !== undefined))];
  return {
    name,
    ...(extra.namespace !== undefined && { namespace: extra.namespace }),
    labels: { ...MANAGED_BY, [LABEL_EMPLOYEE]: e.name },
    annotations: {
      [ANNOTATION.source]: e.file,
      [ANNOTATION.employee]: e.name,
      ...(expires !== undefined && { [ANNOTATION.expires]: expires }),
      ...(reasons.length > 0 && { [ANNOTATION.reason]: reasons.join('; ') }),
    },
  };
}

/** The earliest of some YYYY-MM-DD dates, or undefined when there is none. */
export function earliest(dates: readonly (string | undefined)[]): string | undefined {
  const real = dates.filter((d): d is string => d !== undefined).sort();
  return real[0];
}

/** A Terraform identifier from a name: letters, digits, `_` and `-`, not starting with a digit. */
export function tfId(...parts: string[]): string {
  const id = parts.map((p) => p.replace(/[^A-Za-z0-9_-]/g, '_')).join('__');
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
