import jsyaml from 'js-yaml';
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
function sortKeys(value: unknown, parentKey?: string): unknown {
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
 * libyaml's users) or a YAML 1.2 core resolver (go-yaml v3) reads as something other than a string.
 *
 * Numbers and timestamps: go-yaml (v2 and v3 `resolve`) hands a plain scalar, underscores removed,
 * to Go's `strconv.ParseInt(s, 0, 64)` and `ParseFloat`, which take more than the YAML 1.1 tables
 * (`0X1F`, `0O7`, `0B1`, underscores anywhere), and its timestamps allow one-digit months and days
 * (`2001-1-2`). Rather than track every spelling, a string that starts like a number (an optional
 * sign, dots or underscores, then a digit) is always quoted. That leaves the words: booleans,
 * nulls, `.inf` and `.nan` (and the digit-less float spellings of the 1.1 table), and `=` and `<<`,
 * which YAML 1.1 readers (libyaml, PyYAML) take for the value and merge keys.
 */
const NUMBER_LIKE = /^[-+]?[._]*[0-9]/;
const YAML11_BOOL = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const YAML11_NULL = /^(?:~|null|Null|NULL|)$/;
const YAML11_FLOAT = /^(?:[-+]?\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

/**
 * Characters that must never stand raw in a scalar: C0 controls but tab, DEL, C1 controls (U+0085
 * is a YAML 1.1 line break), U+2028 and U+2029 (line breaks for YAML 1.1 readers, go-yaml and
 * libyaml among them, though not for YAML 1.2), the byte order mark, and the zero-width and
 * bidirectional formatting characters that make a reviewer read reordered or hidden text.
 */
const UNSAFE_CHAR = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/;

/** Must `s` be written double-quoted (with escapes) for every YAML reader to read this very string? */
export function needsQuotes(s: string): boolean {
  return NUMBER_LIKE.test(s) || YAML11_BOOL.test(s) || YAML11_NULL.test(s) || YAML11_FLOAT.test(s) || s === '=' || s === '<<' || UNSAFE_CHAR.test(s);
}

const ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '"': '\\"',
  '\0': '\\0',
  '\x07': '\\a',
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\v': '\\v',
  '\f': '\\f',
  '\r': '\\r',
  '\x1b': '\\e',
  '\u0085': '\\N',
  '\u2028': '\\L',
  '\u2029': '\\P',
};

/** A YAML double-quoted scalar of `s`: every character a reader could take for syntax or a line break escaped (the escapes js-yaml writes). */
function doubleQuoted(s: string): string {
  return `"${s.replace(/[\\"\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g, (c) => ESCAPES[c] ?? (c.charCodeAt(0) <= 0xff ? `\\x${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}` : `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`))}"`;
}

/** Some string (key or value) that must be quoted but js-yaml might write plain: the document is then written by the writer here alone. */
function hasForcedString(value: unknown): boolean {
  if (typeof value === 'string') return needsQuotes(value);
  if (Array.isArray(value)) return value.some(hasForcedString);
  if (value !== null && typeof value === 'object') return Object.entries(value).some(([k, v]) => needsQuotes(k) || hasForcedString(v));
  return false;
}

/** One object as a YAML document. */
function documentText(object: unknown): string {
  return yamlText(sortKeys(object));
}

/** YAML text of a value as it is (keys in their order), quoted for YAML 1.1 readers. */
export function yamlText(sorted: unknown): string {
  const fast = blockYaml(sorted, false);
  if (fast !== undefined) return fast;
  // A multi-line or very long string: js-yaml writes it (as a block literal where it can), unless some
  // string in the document needs quotes js-yaml would not give it; then every string that needs them,
  // multi-line ones included, is written double-quoted with escapes.
  if (hasForcedString(sorted)) return blockYaml(sorted, true)!;
  return jsyaml.dump(sorted, DUMP_OPTIONS);
}

const DUMP_OPTIONS: jsyaml.DumpOptions = { lineWidth: -1, noRefs: true, quotingType: '"' };

/**
 * js-yaml's dump with DUMP_OPTIONS, byte for byte, for what generate writes: block mappings and
 * sequences of one-line strings, numbers, booleans and nulls. The layout is js-yaml's own (the same
 * recursion, levels and line breaks); each distinct scalar is written by js-yaml once and reused, as
 * its text does not depend on where it stands. Anything else (a multi-line string, another type)
 * gives undefined, and js-yaml writes the whole document. test/emit/serialize.test.ts compares the two.
 */
function blockYaml(value: unknown, quoteAll: boolean): string | undefined {
  try {
    return node(value, 0, true, quoteAll) + '\n';
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

function scalar(s: string, key: boolean, quoteAll = false): string {
  const cache = key ? keyTexts : valueTexts;
  let t = cache.get(s);
  if (t !== undefined) return t;
  if (needsQuotes(s) || (quoteAll && (s.includes('\n') || s.includes('\r') || s.length > 1000))) {
    t = doubleQuoted(s);
    if (key && t.length > 1024) throw NOT_PLAIN;
    if (cache.size < CACHE_MAX && !quoteAll) cache.set(s, t);
    return t;
  }
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
function node(v: unknown, level: number, compact: boolean, quoteAll: boolean): string {
  if (typeof v === 'string') return scalar(v, false, quoteAll);
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
      const text = node(item, level + 1, true, quoteAll);
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
      const key = scalar(k, true, quoteAll);
      if (key.length > 1024) throw NOT_PLAIN;
      const text = node(value, level + 1, false, quoteAll);
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
  return (
    (header
      ? header
          .split('\n')
          .map((l) => `# ${printable(l)}`.trimEnd())
          .join('\n') + '\n'
      : '') + body
  );
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
