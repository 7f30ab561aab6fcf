/**
 * How aws-iam-authenticator turns an aws-auth string into Go values, emulated over the `yaml` package:
 * `k8s.io/apimachinery/pkg/util/yaml.ToJSON` (a text starting with `{` is taken as JSON as it is,
 * anything else goes through `sigs.k8s.io/yaml.YAMLToJSON`), which is go-yaml v2 `Unmarshal` into
 * `interface{}` (YAML 1.1 scalars, aliases, `<<` merges applied in order) followed by
 * `convertToJSONableObject` and `encoding/json.Marshal` (sorted keys); then `encoding/json.Unmarshal`
 * into typed structs (field names matched case-insensitively, a value of the wrong type skipped).
 * `mapAccounts` is go-yaml v2 `Unmarshal` into `[]string` directly.
 *
 * The parse itself is the `yaml` package's (YAML 1.1, failsafe schema so that every scalar keeps its
 * text); everything after the parse is done here, the way the Go code does it.
 */
import { Alias, isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, Scalar, visit, type Document, type Node } from 'yaml';

/** A place inside the parsed string (1-based). */
export interface InnerPosition {
  line: number;
  column: number;
}

/** A JSON value as encoding/json sees it, with where it came from in the YAML text. */
export type JsonValue =
  | { t: 'null'; pos?: InnerPosition }
  | { t: 'bool'; v: boolean; pos?: InnerPosition }
  | { t: 'number'; text: string; pos?: InnerPosition }
  | { t: 'string'; v: string; pos?: InnerPosition }
  | { t: 'array'; items: JsonValue[]; pos?: InnerPosition }
  /** Keys sorted as json.Marshal sorts them (byte order). */
  | { t: 'object'; entries: [string, JsonValue][]; pos?: InnerPosition };

export type Converted = { ok: true; value: JsonValue } | { ok: false; error: string; pos?: InnerPosition };

class GoYamlError extends Error {
  constructor(
    message: string,
    readonly offset?: number,
  ) {
    super(message);
  }
}

/* ---------- go-yaml v2 resolve.go ---------- */

type Resolved =
  | { tag: '!!null' }
  | { tag: '!!bool'; v: boolean }
  | { tag: '!!int'; kind: 'int' | 'uint'; value: bigint }
  | { tag: '!!float'; value: number }
  | { tag: '!!timestamp' }
  | { tag: '!!str'; v: string }
  | { tag: string; v: string };

const BOOL_NULL: Record<string, Resolved> = {};
for (const s of ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']) BOOL_NULL[s] = { tag: '!!bool', v: true };
for (const s of ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']) BOOL_NULL[s] = { tag: '!!bool', v: false };
for (const s of ['', '~', 'null', 'Null', 'NULL']) BOOL_NULL[s] = { tag: '!!null' };
for (const s of ['.nan', '.NaN', '.NAN']) BOOL_NULL[s] = { tag: '!!float', value: NaN };
for (const s of ['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF']) BOOL_NULL[s] = { tag: '!!float', value: Infinity };
for (const s of ['-.inf', '-.Inf', '-.INF']) BOOL_NULL[s] = { tag: '!!float', value: -Infinity };

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** strconv.ParseInt / ParseUint with base 0 (sign, 0x, 0o, 0b, leading-0 octal); undefined when it fails. */
function parseGoInt(text: string, unsigned: boolean): bigint | undefined {
  let s = text;
  let negative = false;
  if (s.startsWith('+') || s.startsWith('-')) {
    if (unsigned) return undefined;
    negative = s.startsWith('-');
    s = s.slice(1);
  }
  let digits: RegExp;
  let prefix = '';
  if (/^0[xX]/.test(s)) [digits, prefix, s] = [/^[0-9a-fA-F]+$/, '0x', s.slice(2)];
  else if (/^0[oO]/.test(s)) [digits, prefix, s] = [/^[0-7]+$/, '0o', s.slice(2)];
  else if (/^0[bB]/.test(s)) [digits, prefix, s] = [/^[01]+$/, '0b', s.slice(2)];
  else if (/^0[0-9]/.test(s)) [digits, prefix, s] = [/^[0-7]+$/, '0o', s.slice(1)];
  else digits = /^[0-9]+$/;
  if (!digits.test(s)) return undefined;
  let v = BigInt(prefix + s);
  if (negative) v = -v;
  if (unsigned ? v > UINT64_MAX : v < INT64_MIN || v > INT64_MAX) return undefined;
  return v;
}

/** `parseTimestamp`: YYYY-M-D, optionally with a time (the formats go-yaml v2 tries). */
function looksLikeTimestamp(s: string): boolean {
  if (!/^[0-9]{4}-/.test(s)) return false;
  return /^\d{4}-\d{1,2}-\d{1,2}$/.test(s) || /^\d{4}-\d{1,2}-\d{1,2}[Tt ]\d{1,2}:\d{1,2}:\d{1,2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/.test(s);
}

const YAML_STYLE_FLOAT = /^[-+]?[0-9]*\.?[0-9]+([eE][-+][0-9]+)?$/;

/** go-yaml v2 `resolve(tag, in)`: the type a scalar gets; throws where go-yaml fails ("cannot decode"). */
function resolve(tag: string, text: string, offset: number | undefined): Resolved {
  const resolvable = ['', '!!str', '!!bool', '!!int', '!!float', '!!null', '!!timestamp'].includes(tag);
  if (!resolvable) return { tag, v: text };
  const out = resolveUntyped(tag, text);
  if (tag === '' || tag === out.tag || tag === '!!str' || (tag === '!!float' && out.tag === '!!int')) {
    if (tag === '!!float' && out.tag === '!!int') return { tag: '!!float', value: Number((out as { value: bigint }).value) };
    return out;
  }
  throw new GoYamlError(`cannot decode ${out.tag} \`${text}\` as a ${tag}`, offset);
}

function resolveUntyped(tag: string, text: string): Resolved {
  const first = text[0];
  const hint =
    text === ''
      ? 'N'
      : first === '+' || first === '-'
        ? 'S'
        : first !== undefined && first >= '0' && first <= '9'
          ? 'D'
          : 'yYnNtTfFoO~'.includes(first!)
            ? 'M'
            : first === '.'
              ? '.'
              : '';
  if (hint !== '' && tag !== '!!str') {
    const known = BOOL_NULL[text];
    if (known) return known;
    if (hint === '.') {
      const f = goParseFloat(text);
      if (f !== undefined) return { tag: '!!float', value: f };
    } else if (hint === 'D' || hint === 'S') {
      if ((tag === '' || tag === '!!timestamp') && looksLikeTimestamp(text)) return { tag: '!!timestamp' };
      const plain = text.replace(/_/g, '');
      const i = parseGoInt(plain, false);
      if (i !== undefined) return { tag: '!!int', kind: 'int', value: i };
      const u = parseGoInt(plain, true);
      if (u !== undefined) return { tag: '!!int', kind: 'uint', value: u };
      if (YAML_STYLE_FLOAT.test(plain)) {
        const f = goParseFloat(plain);
        if (f !== undefined) return { tag: '!!float', value: f };
      }
      if (plain.startsWith('-0b')) {
        const b = parseGoInt('-0b' + plain.slice(3), false);
        if (b !== undefined) return { tag: '!!int', kind: 'int', value: b };
      }
    }
  }
  return { tag: '!!str', v: text };
}

/** strconv.ParseFloat for the decimal forms go-yaml hands it (no hex floats, no "inf" words). */
function goParseFloat(s: string): number | undefined {
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) return undefined;
  return Number(s);
}

/* ---------- go-yaml v2 decode.go, into interface{} ---------- */

/** A Go value from go-yaml's decoder: nil, bool, int, float, string, []interface{}, map[interface{}]interface{}. */
type GoValue =
  | { k: 'nil'; off?: number }
  | { k: 'bool'; v: boolean; off?: number }
  | { k: 'int'; kind: 'int' | 'uint'; v: bigint; off?: number }
  | { k: 'float'; v: number; off?: number }
  | { k: 'string'; v: string; off?: number }
  | { k: 'seq'; items: GoValue[]; off?: number }
  | { k: 'map'; entries: Map<string, { key: GoValue; value: GoValue }>; off?: number };

function shortTag(tag: string | undefined): string {
  if (!tag) return '';
  return tag.startsWith('tag:yaml.org,2002:') ? `!!${tag.slice('tag:yaml.org,2002:'.length)}` : tag;
}

function offsetOf(n: unknown): number | undefined {
  return (n as { range?: [number, number, number] } | null)?.range?.[0];
}

/** The identity of a Go map key (map[interface{}]interface{} compares type and value). */
function keyIdentity(k: GoValue): string {
  switch (k.k) {
    case 'nil':
      return 'nil';
    case 'bool':
      return `b:${k.v}`;
    case 'int':
      return `${k.kind}:${k.v}`;
    case 'float':
      // NaN is never equal to itself: every NaN key is a new entry.
      return Number.isNaN(k.v) ? `f:NaN:${Math.random()}` : `f:${k.v}`;
    case 'string':
      return `s:${k.v}`;
    default:
      return 'composite';
  }
}

/** go-yaml v2.4's `allowedAliasRatio`: how much of a document may come from alias expansion. */
function allowedAliasRatio(decodeCount: number): number {
  if (decodeCount <= 400_000) return 0.99;
  if (decodeCount >= 4_000_000) return 0.1;
  return 0.99 - 0.89 * ((decodeCount - 400_000) / 3_600_000);
}

class Decoder {
  private readonly active = new Set<Alias>();
  private decodeCount = 0;
  private aliasCount = 0;

  constructor(private readonly doc: Document.Parsed) {}

  /** `d.unmarshal`'s guard against alias bombs ("document contains excessive aliasing"). */
  private count(off: number | undefined): void {
    this.decodeCount++;
    if (this.active.size > 0) this.aliasCount++;
    if (this.aliasCount > 100 && this.decodeCount > 1000 && this.aliasCount / this.decodeCount > allowedAliasRatio(this.decodeCount)) {
      throw new GoYamlError('document contains excessive aliasing', off);
    }
  }

  /** The node an alias points at (the anchor defined last before it, as go-yaml's parser resolves it). */
  private target(a: Alias): Node {
    const n = a.resolve(this.doc);
    if (!n) throw new GoYamlError(`unknown anchor '${a.source}' referenced`, offsetOf(a));
    return n as Node;
  }

  private withAlias<T>(a: Alias, f: (n: Node) => T): T {
    if (this.active.has(a)) throw new GoYamlError(`anchor '${a.source}' value contains itself`, offsetOf(a));
    this.active.add(a);
    try {
      return f(this.target(a));
    } finally {
      this.active.delete(a);
    }
  }

  /** Whether a map key is the merge key `<<` (plain, or tagged !!merge). */
  private isMerge(n: unknown): boolean {
    return isScalar(n) && n.value === '<<' && ((n.type === Scalar.PLAIN && !n.tag) || shortTag(n.tag) === '!!merge');
  }

  /** A scalar as interface{}: `d.scalar` (quoted and block scalars are strings unless tagged). */
  scalar(n: Scalar | null | undefined, off = offsetOf(n)): GoValue {
    if (!n) return { k: 'nil', off };
    const text = String(n.value ?? '');
    const tag = shortTag(n.tag);
    const plain = n.type === Scalar.PLAIN || n.type === undefined;
    if (!tag && !plain) return { k: 'string', v: text, off };
    // A non-specific "!" tag resolves nothing: the text stays a string.
    const r = resolve(tag === '!' ? '!' : tag, text, off);
    if (r.tag === '!!binary') {
      const b64 = text.replace(/\s+/g, '');
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) throw new GoYamlError('!!binary value contains invalid base64 data', off);
      return { k: 'string', v: Buffer.from(b64, 'base64').toString('latin1'), off };
    }
    switch (r.tag) {
      case '!!null':
        return { k: 'nil', off };
      case '!!bool':
        return { k: 'bool', v: (r as { v: boolean }).v, off };
      case '!!int':
        return { k: 'int', kind: (r as { kind: 'int' | 'uint' }).kind, v: (r as { value: bigint }).value, off };
      case '!!float':
        return { k: 'float', v: (r as { value: number }).value, off };
      // Timestamps decode into interface{} as their text (go-yaml v2's backward-compatible choice).
      case '!!timestamp':
        return { k: 'string', v: text, off };
      default:
        return { k: 'string', v: (r as { v: string }).v ?? text, off };
    }
  }

  value(n: unknown): GoValue {
    this.count(offsetOf(n));
    if (n === null || n === undefined) return { k: 'nil' };
    if (isAlias(n)) {
      const off = offsetOf(n);
      return this.withAlias(n, (t) => ({ ...this.value(t), off }));
    }
    if (isScalar(n)) return this.scalar(n);
    if (isSeq(n)) return { k: 'seq', items: n.items.map((i) => this.value(i)), off: offsetOf(n) };
    if (isMap(n)) {
      const out: GoValue & { k: 'map' } = { k: 'map', entries: new Map(), off: offsetOf(n) };
      this.mapInto(n, out);
      return out;
    }
    throw new GoYamlError('unsupported YAML node', offsetOf(n));
  }

  /** `d.mapping` into an existing map: keys in order, a `<<` merge applied where it stands (later keys win). */
  private mapInto(n: Node, out: GoValue & { k: 'map' }): void {
    if (!isMap(n)) throw new GoYamlError('map merge requires map or sequence of maps as the value', offsetOf(n));
    for (const pair of n.items) {
      if (this.isMerge(pair.key)) {
        this.merge(pair.value, out);
        continue;
      }
      const key = this.value(pair.key);
      if (key.k === 'map' || key.k === 'seq') throw new GoYamlError('invalid map key: a mapping or a list cannot be a key', offsetOf(pair.key) ?? key.off);
      out.entries.set(keyIdentity(key), { key, value: this.value(pair.value) });
    }
  }

  /** `d.merge`: a mapping, an alias of one, or a list of them (the last first: earlier ones take precedence). */
  private merge(n: unknown, out: GoValue & { k: 'map' }): void {
    const want = () => new GoYamlError('map merge requires map or sequence of maps as the value', offsetOf(n));
    if (isAlias(n)) {
      this.withAlias(n, (t) => {
        if (!isMap(t)) throw want();
        this.mapInto(t, out);
      });
    } else if (isMap(n)) this.mapInto(n, out);
    else if (isSeq(n)) {
      for (const item of [...n.items].reverse()) {
        if (isAlias(item)) {
          this.withAlias(item, (t) => {
            if (!isMap(t)) throw want();
            this.mapInto(t, out);
          });
        } else if (isMap(item)) this.mapInto(item, out);
        else throw want();
      }
    } else throw want();
  }
}

/* ---------- sigs.k8s.io/yaml convertToJSONableObject + json.Marshal ---------- */

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function toJson(v: GoValue, pos: (off: number | undefined) => InnerPosition | undefined): JsonValue {
  const p = pos(v.off);
  const at = p ? { pos: p } : {};
  switch (v.k) {
    case 'nil':
      return { t: 'null', ...at };
    case 'bool':
      return { t: 'bool', v: v.v, ...at };
    case 'int':
      return { t: 'number', text: String(v.v), ...at };
    case 'float':
      // json.Marshal refuses NaN and infinities.
      if (!Number.isFinite(v.v)) throw new GoYamlError(`json: unsupported value: ${Number.isNaN(v.v) ? 'NaN' : v.v > 0 ? '+Inf' : '-Inf'}`, v.off);
      return { t: 'number', text: String(v.v), ...at };
    case 'string':
      return { t: 'string', v: v.v, ...at };
    case 'seq':
      return { t: 'array', items: v.items.map((i) => toJson(i, pos)), ...at };
    case 'map': {
      const byKey = new Map<string, JsonValue>();
      for (const { key, value } of v.entries.values()) byKey.set(jsonKey(key), toJson(value, pos));
      return { t: 'object', entries: [...byKey].sort(([a], [b]) => byteOrder(a, b)), ...at };
    }
  }
}

/** A map key as a JSON object key: strings as they are, numbers and booleans spelled out; nil and uint64 keys are an error. */
function jsonKey(k: GoValue): string {
  switch (k.k) {
    case 'string':
      return k.v;
    case 'bool':
      return String(k.v);
    case 'int':
      if (k.kind === 'uint') throw new GoYamlError(`unsupported map key of type: uint64, key: ${k.v}`, k.off);
      return String(k.v);
    case 'float':
      return Number.isNaN(k.v) ? '.nan' : k.v === Infinity ? '.inf' : k.v === -Infinity ? '-.inf' : String(Math.fround(k.v));
    default:
      throw new GoYamlError('unsupported map key of type: <nil>', k.off);
  }
}

/* ---------- entry points ---------- */

/**
 * libyaml does not check indentation inside a flow collection or a quoted scalar (its scanner leaves
 * indentation alone at flow level > 0, and folds a quoted scalar's line breaks whatever their
 * indentation); the `yaml` package does. This indents such continuation lines past the line that
 * opened the construct, which changes no value, so that what go-yaml reads is read here too.
 * Undefined when no line needed it.
 */
function relaxContinuations(text: string): string | undefined {
  const lines = text.split('\n');
  let flow = 0;
  let quote: '"' | "'" | undefined;
  let openIndent = 0;
  let blockIndent: number | undefined;
  let changed = false;
  const indentOf = (l: string) => /^ */.exec(l)![0].length;
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    const indent = indentOf(line);
    if (blockIndent !== undefined) {
      if (line.trim() === '' || indent > blockIndent) continue;
      blockIndent = undefined;
    }
    if ((flow > 0 || quote) && line.trim() !== '' && indent <= openIndent) {
      line = ' '.repeat(openIndent + 2 - indent) + line;
      lines[i] = line;
      changed = true;
    }
    const startsOutside = flow === 0 && !quote;
    for (let j = 0; j < line.length; j++) {
      const c = line[j]!;
      const prev = j === 0 ? undefined : line[j - 1];
      const tokenStart = prev === undefined || /\s/.test(prev) || prev === '[' || prev === '{' || prev === ',';
      if (quote === '"') {
        if (c === '\\') j++;
        else if (c === '"') quote = undefined;
        continue;
      }
      if (quote === "'") {
        if (c === "'" && line[j + 1] === "'") j++;
        else if (c === "'") quote = undefined;
        continue;
      }
      if (c === '#' && (prev === undefined || /\s/.test(prev))) break;
      if ((c === '"' || c === "'") && tokenStart) {
        if (flow === 0) openIndent = indent;
        quote = c;
      } else if ((c === '[' || c === '{') && (tokenStart || flow > 0)) {
        if (flow === 0) openIndent = indent;
        flow++;
      } else if ((c === ']' || c === '}') && flow > 0) flow--;
    }
    // A block scalar header (`key: |`, `- >-`): its content lines are not YAML structure.
    if (startsOutside && flow === 0 && !quote && /(^|\s)[|>][-+0-9]*\s*(#.*)?$/.test(line)) blockIndent = indent;
  }
  return changed ? lines.join('\n') : undefined;
}

function parseOnce(text: string): { doc?: Document.Parsed; lc: LineCounter; error?: { message: string; offset: number; code: string } } {
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lc, version: '1.1', schema: 'failsafe', uniqueKeys: false, merge: false, logLevel: 'silent' });
  const list = Array.isArray(docs) ? docs : [];
  const doc = list[0];
  if (!doc) return { lc };
  const err = doc.errors[0];
  if (err) return { lc, error: { message: err.message.split('\n')[0]!, offset: err.pos[0], code: err.code } };
  return { doc, lc };
}

function parseFirst(text: string): { doc?: Document.Parsed; lc: LineCounter; error?: { message: string; offset: number } } {
  const first = parseOnce(text);
  if (first.error && (first.error.code === 'BAD_INDENT' || first.error.code === 'MISSING_CHAR')) {
    const relaxed = relaxContinuations(text);
    if (relaxed !== undefined) {
      const again = parseOnce(relaxed);
      if (!again.error) return again;
    }
  }
  return first;
}

function positioner(lc: LineCounter): (off: number | undefined) => InnerPosition | undefined {
  return (off) => {
    if (off === undefined) return undefined;
    const p = lc.linePos(off);
    return { line: p.line, column: p.col };
  };
}

/**
 * `utilyaml.ToJSON` then the JSON value that `json.Unmarshal` reads: the value of one aws-auth section
 * as the authenticator's mapRoles / mapUsers parser sees it, or the error that makes it drop the section.
 */
export function yamlToJson(text: string): Converted {
  // ToJSON passes text that looks like JSON (first non-space character `{`) through unchanged; an object
  // is never the list json.Unmarshal wants, so only "an object" or "invalid JSON" matter here.
  if (/^\s*\{/u.test(text)) {
    try {
      const v = JSON.parse(text) as unknown;
      return { ok: true, value: plainJson(v) };
    } catch (e) {
      return { ok: false, error: `invalid JSON: ${(e as Error).message}` };
    }
  }
  const { doc, lc, error } = parseFirst(text);
  const pos = positioner(lc);
  if (error) return { ok: false, error: error.message, ...(pos(error.offset) && { pos: pos(error.offset)! }) };
  if (!doc) return { ok: true, value: { t: 'null' } };
  try {
    return { ok: true, value: toJson(new Decoder(doc).value(doc.contents), pos) };
  } catch (e) {
    if (!(e instanceof GoYamlError)) throw e;
    return { ok: false, error: e.message, ...(pos(e.offset) && { pos: pos(e.offset)! }) };
  }
}

function plainJson(v: unknown): JsonValue {
  if (v === null) return { t: 'null' };
  if (typeof v === 'boolean') return { t: 'bool', v };
  if (typeof v === 'number') return { t: 'number', text: String(v) };
  if (typeof v === 'string') return { t: 'string', v };
  if (Array.isArray(v)) return { t: 'array', items: v.map(plainJson) };
  return {
    t: 'object',
    entries: Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => [k, plainJson(x)] as [string, JsonValue])
      .sort(([a], [b]) => byteOrder(a, b)),
  };
}

/**
 * go-yaml v2 `Unmarshal` into `[]string` (the authenticator's mapAccounts): every scalar keeps its text
 * as written (`012345678901` stays that, not a number); an entry that is not a scalar is skipped with
 * an error; an error the decoder cannot recover from keeps the entries decoded before it.
 */
export function yamlToStrings(text: string): { values: { v: string; pos?: InnerPosition }[]; errors: { message: string; pos?: InnerPosition }[] } {
  const { doc, lc, error } = parseFirst(text);
  const pos = positioner(lc);
  const errors: { message: string; pos?: InnerPosition }[] = [];
  const values: { v: string; pos?: InnerPosition }[] = [];
  const err = (message: string, off: number | undefined) => errors.push({ message, ...(pos(off) && { pos: pos(off)! }) });
  if (error) {
    err(error.message, error.offset);
    return { values, errors };
  }
  if (!doc) return { values, errors };
  const decoder = new Decoder(doc);
  let top: unknown = doc.contents;
  // An alias to no anchor fails go-yaml's parser, before anything is decoded.
  let dangling: Alias | undefined;
  visit(doc, { Alias: (_, a) => void (dangling ??= a.resolve(doc) ? undefined : a) });
  if (dangling) {
    err(`unknown anchor '${dangling.source}' referenced`, offsetOf(dangling));
    return { values, errors };
  }
  try {
    while (isAlias(top)) top = (top as Alias).resolve(doc);
    if (top === null || top === undefined || (isScalar(top) && decoder.scalar(top).k === 'nil')) return { values, errors };
    if (!isSeq(top)) {
      err(`cannot unmarshal ${isMap(top) ? '!!map' : '!!str'} into []string`, offsetOf(top));
      return { values, errors };
    }
    for (const item of top.items) {
      let n: unknown = item;
      const off = offsetOf(item);
      while (isAlias(n)) n = (n as Alias).resolve(doc);
      if (n !== null && n !== undefined && !isScalar(n)) {
        err(`cannot unmarshal ${isMap(n) ? '!!map' : '!!seq'} into string`, off);
        continue;
      }
      // A scalar into a string: nil gives "", anything else its text (d.scalar: out.SetString(n.value)).
      const g = decoder.scalar((n ?? null) as Scalar | null, off);
      const p = pos(off);
      values.push({ v: g.k === 'nil' ? '' : g.k === 'string' ? g.v : String((n as Scalar).value ?? ''), ...(p && { pos: p }) });
    }
  } catch (e) {
    if (!(e instanceof GoYamlError)) throw e;
    err(e.message, e.offset);
  }
  return { values, errors };
}

/* ---------- encoding/json field matching ---------- */

/**
 * encoding/json's case folding of a key (`appendFoldedName`: ASCII upper-cased, any other rune as
 * `unicode.ToUpper(unicode.ToLower(r))`, so the Kelvin sign folds to K, the long s to S and the dotted
 * capital I to I).
 */
export function foldKey(s: string): string {
  let out = '';
  for (const ch of s) {
    if (ch === '\u212a') out += 'K';
    else if (ch === '\u017f') out += 'S';
    else if (ch === '\u0130') out += 'I';
    else if (ch < '\u0080') out += ch.toUpperCase();
    else {
      const f = ch.toLowerCase().toUpperCase();
      out += [...f].length === 1 ? f : ch;
    }
  }
  return out;
}

/**
 * What go-yaml v2 makes of one scalar node of a manifest (kubectl reads manifests with
 * sigs.k8s.io/yaml): a plain `yes`, `on` or `1_000` is a boolean or a number there, though YAML 1.2
 * reads it as a string. Undefined when the node is not a scalar or cannot be resolved.
 */
export function goYamlScalarKind(node: unknown): 'string' | 'null' | 'bool' | 'number' | undefined {
  if (!isScalar(node)) return undefined;
  const n = node as Scalar;
  const tag = shortTag(n.tag);
  if (n.type !== Scalar.PLAIN && !tag) return 'string';
  try {
    const r = resolve(tag === '!' ? '!' : tag, String(n.source ?? n.value ?? ''), undefined);
    return r.tag === '!!null' ? 'null' : r.tag === '!!bool' ? 'bool' : r.tag === '!!int' || r.tag === '!!float' ? 'number' : 'string';
  } catch {
    return undefined;
  }
}
