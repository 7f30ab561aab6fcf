import jsyaml from 'js-yaml';
import { Document, visit } from 'yaml';
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
 * Plain scalars that a YAML 1.1 resolver (go-yaml v2 in kubectl, kustomize, aws-iam-authenticator;
 * libyaml's users) or a YAML 1.2 core resolver (go-yaml v3) reads as something other than a string:
 * booleans, nulls, integers (binary, octal, hexadecimal, sexagesimal, underscores), floats (`.inf`,
 * `.nan`, exponents, sexagesimal) and timestamps. A string that matches is written quoted.
 */
const YAML11_BOOL = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const YAML11_NULL = /^(?:~|null|Null|NULL|)$/;
const YAML11_INT = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const YAML11_FLOAT = /^(?:[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const YAML11_TIMESTAMP = /^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$/;
const YAML12_CORE = /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
/** Cheap first test: every non-string spelling above starts with one of these or is a bool word. */
const MAYBE = /^(?:[-+.~0-9]|[yYnNtTfFoO]|$)/;

/** Whether a plain scalar `value` would be read as anything but this string by a YAML 1.1 or 1.2 reader. */
export function readsAsNonString(value: string): boolean {
  if (!MAYBE.test(value)) return false;
  return YAML11_BOOL.test(value) || YAML11_NULL.test(value) || YAML11_INT.test(value) || YAML11_FLOAT.test(value) || YAML11_TIMESTAMP.test(value) || YAML12_CORE.test(value);
}

function hasAmbiguousString(value: unknown): boolean {
  if (typeof value === 'string') return readsAsNonString(value);
  if (Array.isArray(value)) return value.some(hasAmbiguousString);
  if (value !== null && typeof value === 'object') return Object.entries(value).some(([k, v]) => readsAsNonString(k) || hasAmbiguousString(v));
  return false;
}

/** YAML text with every string that would be misread double-quoted (keys included). */
function quotedYaml(sorted: unknown): string {
  const doc = new Document(sorted, { version: '1.1', aliasDuplicateObjects: false });
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && readsAsNonString(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  return doc.toString({ lineWidth: 0, indentSeq: true });
}

/** One object as a YAML document. */
function documentText(object: unknown): string {
  return yamlText(sortKeys(object));
}

/** YAML text of a value as it is (keys in their order), quoted for YAML 1.1 readers. */
export function yamlText(sorted: unknown): string {
  if (hasAmbiguousString(sorted)) return quotedYaml(sorted);
  // js-yaml is several times faster than yaml's stringify and, out of compatibility mode, quotes what
  // YAML 1.1 would misread (`yes`, `on`, `0777`, dates), which is how Kubernetes reads manifests.
  return blockYaml(sorted) ?? jsyaml.dump(sorted, DUMP_OPTIONS);
}

const DUMP_OPTIONS: jsyaml.DumpOptions = { lineWidth: -1, noRefs: true, quotingType: '"' };

/**
 * js-yaml's dump with DUMP_OPTIONS, byte for byte, for what generate writes: block mappings and
 * sequences of one-line strings, numbers, booleans and nulls. The layout is js-yaml's own (the same
 * recursion, levels and line breaks); each distinct scalar is written by js-yaml once and reused, as
 * its text does not depend on where it stands. Anything else (a multi-line string, another type)
 * gives undefined, and js-yaml writes the whole document. test/serialize.test.ts compares the two.
 */
function blockYaml(value: unknown): string | undefined {
  try {
    return node(value, 0, true) + '\n';
  } catch (e) {
    if (e === NOT_PLAIN) return undefined;
    throw e;
  }
}

const NOT_PLAIN = new Error('not for the fast writer');
const valueTexts = new Map<string, string>();
const keyTexts = new Map<string, string>();
const NUMBER_TEXTS = new Map<number, string>();
/** Distinct scalars cached; past this, the caches stop growing (the writer stays correct, only slower). */
const CACHE_MAX = 200_000;

function scalar(s: string, key: boolean): string {
  const cache = key ? keyTexts : valueTexts;
  let t = cache.get(s);
  if (t !== undefined) return t;
  if (s.includes('\n') || s.includes('\r') || s.length > 1000) throw NOT_PLAIN;
  if (key) {
    const out = jsyaml.dump({ [s]: 0 }, DUMP_OPTIONS);
    if (!out.endsWith(': 0\n')) throw NOT_PLAIN;
    t = out.slice(0, -4);
  } else {
    const out = jsyaml.dump({ k: s }, DUMP_OPTIONS);
    if (!out.startsWith('k: ') || !out.endsWith('\n') || out.indexOf('\n') !== out.length - 1) throw NOT_PLAIN;
    t = out.slice(3, -1);
  }
  if (cache.size < CACHE_MAX) cache.set(s, t);
  return t;
}

const indents: string[] = [];
function nextLine(level: number): string {
  return (indents[level] ??= '\n' + '  '.repeat(level));
}

/** js-yaml's writeNode for a block context: `compact` as it passes it (the first line needs no break). */
function node(v: unknown, level: number, compact: boolean): string {
  if (typeof v === 'string') return scalar(v, false);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v === null) return 'null';
  if (typeof v === 'number') {
    let t = NUMBER_TEXTS.get(v);
    if (t === undefined) {
      t = jsyaml.dump(v, DUMP_OPTIONS).slice(0, -1);
      if (NUMBER_TEXTS.size < 10_000) NUMBER_TEXTS.set(v, t);
    }
    return t;
  }
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    let out = '';
    for (const item of v) {
      if (item === undefined) throw NOT_PLAIN;
      const text = node(item, level + 1, true);
      if (!compact || out !== '') out += nextLine(level);
      out += text.charCodeAt(0) === 0x0a ? '-' : '- ';
      out += text;
    }
    return out;
  }
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const keys = Object.keys(v);
    if (keys.length === 0) return '{}';
    let out = '';
    for (const k of keys) {
      const value = (v as Record<string, unknown>)[k];
      if (value === undefined) continue;
      let pair = !compact || out !== '' ? nextLine(level) : '';
      const key = scalar(k, true);
      if (key.length > 1024) throw NOT_PLAIN;
      const text = node(value, level + 1, false);
      pair += key + (text.charCodeAt(0) === 0x0a ? ':' : ': ') + text;
      out += pair;
    }
    return out === '' ? '{}' : out;
  }
  throw NOT_PLAIN;
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
