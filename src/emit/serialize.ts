import jsyaml from 'js-yaml';
import { stringify } from 'yaml';

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
  return (header ? header.split('\n').map((l) => `# ${l}`.trimEnd()).join('\n') + '\n' : '') + body;
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
