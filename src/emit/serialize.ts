import jsyaml from 'js-yaml';
import { stringify } from 'yaml';
import { printable } from '../text.js';

/** Keys that lead an object, in this order; the rest follow alphabetically. */
const LEADING_KEYS = ['apiVersion', 'kind', 'metadata', 'name'];
/** Inside `metadata`, the order kubectl users read. */
const METADATA_KEYS = ['name', 'namespace', 'labels', 'annotations'];

function comparer(leading: readonly string[]): (a: string, b: string) => number {
  const rank = (key: string) => {
    const i = leading.indexOf(key);
    return i === -1 ? leading.length : i;
  };
  return (a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}
const compareKeys = comparer(LEADING_KEYS);
const compareMetadataKeys = comparer(METADATA_KEYS);

/**
 * A deep copy with object keys in a stable order (`apiVersion`, `kind`, `metadata`, `name`,
 * `namespace` first, then alphabetical) and `undefined` values dropped. Arrays keep their order:
 * emitters decide what order is meaningful.
 */
export function sortKeys(value: unknown, parentKey?: string): unknown {
  if (Array.isArray(value)) return value.map((v) => sortKeys(v));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort(parentKey === 'metadata' ? compareMetadataKeys : compareKeys)) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v, key);
    }
    return out;
  }
  return value;
}

/**
 * Strings that js-yaml writes plain but a YAML 1.1 reader takes for numbers: underscores in digits
 * (`1_000`) and a sign before a bare fraction (`+.5`). Objects holding one are written by yaml.
 */
const NUMBER_LIKE = /^[-+]?[0-9.][0-9a-fA-FxXoObB_.:+-]*$/;
function hasYaml11Pitfall(value: unknown): boolean {
  if (typeof value === 'string') return NUMBER_LIKE.test(value) && (value.includes('_') || /^[-+]\./.test(value));
  if (Array.isArray(value)) return value.some(hasYaml11Pitfall);
  if (value !== null && typeof value === 'object') return Object.values(value).some(hasYaml11Pitfall);
  return false;
}

/** One object as a YAML document. */
function documentText(object: unknown): string {
  return yamlText(sortKeys(object));
}

/** YAML text of a value as it is (keys in their order), quoted for YAML 1.1 readers. */
export function yamlText(sorted: unknown): string {
  if (hasYaml11Pitfall(sorted)) return stringify(sorted, { version: '1.1', lineWidth: 0, indentSeq: true, aliasDuplicateObjects: false });
  // js-yaml is several times faster than yaml's stringify and, out of compatibility mode, quotes what
  // YAML 1.1 would misread (`yes`, `on`, `0777`, dates), which is how Kubernetes reads manifests.
  return jsyaml.dump(sorted, { lineWidth: -1, noRefs: true, quotingType: '"' });
}

/**
 * YAML text for one or more objects, as separate documents. Written with YAML 1.1 quoting rules, which
 * is what Kubernetes' own YAML reader follows: values such as `2027-03-31`, `yes` or `0777` are quoted so
 * they stay strings.
 */
export function toYaml(objects: readonly unknown[], header?: string): string {
  const body = objects.map(documentText).join('---\n');
  // Each header line is escaped: a `\r`, U+0085, U+2028 or U+2029 in a name from the input would
  // end the comment for a YAML reader and start a document of its own.
  return (header ? header.split('\n').map((l) => `# ${printable(l)}`.trimEnd()).join('\n') + '\n' : '') + body;
}

/** JSON text with sorted keys and a trailing newline. */
export function toJson(value: unknown): string {
  return JSON.stringify(sortKeysPlain(value), null, 2) + '\n';
}

/** Alphabetical keys only: JSON files (Terraform, IAM policies) have no leading keys. */
function sortKeysPlain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysPlain);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeysPlain(v);
    }
    return out;
  }
  return value;
}
