import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import formatsModule from 'ajv-formats';
import { isMap, isScalar } from 'yaml';
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import { locate, type LoadedDocument, type PathSegment } from '../load/load.js';
import { didYouMean, listOr, showValue } from '../text.js';

// ajv and ajv-formats are CommonJS modules with a `default` export.
const Ajv = AjvModule.default;
const addFormats = formatsModule.default;

const API_VERSION = 'eks-access/v1';
/** Schema messages shown for one document; the rest are counted. */
const MAX_MESSAGES_PER_DOCUMENT = 50;
const KINDS = ['Cluster', 'Profile', 'Employee', 'LintPolicy'] as const;
export type Kind = (typeof KINDS)[number];

const SCHEMA_FILES: Record<Kind | 'defs' | 'access', string> = {
  defs: 'defs.schema.json',
  Cluster: 'cluster.schema.json',
  Profile: 'profile.schema.json',
  Employee: 'employee.schema.json',
  LintPolicy: 'lint-policy.schema.json',
  access: 'access.schema.json',
};

/** The folder holding the JSON schemas, found from this module whether run from `src` or `dist/src`. */
export const SCHEMA_DIR = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../../../schemas/' : '../../schemas/', import.meta.url));

export interface Schemas {
  byKind: Record<Kind, ValidateFunction>;
  /** The dispatching schema editors use; code validates per kind for clearer messages. */
  any: ValidateFunction;
}

let compiled: Schemas | undefined;

/** Compiles the schemas in `schemas/` once per process. */
export function getSchemas(): Schemas {
  if (compiled) return compiled;
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictRequired: false, strictTypes: false });
  addFormats(ajv, ['date', 'email']);
  for (const file of Object.values(SCHEMA_FILES)) {
    ajv.addSchema(JSON.parse(readFileSync(SCHEMA_DIR + file, 'utf8')) as object, file);
  }
  const get = (file: string): ValidateFunction => {
    const v = ajv.getSchema(file);
    if (!v) throw new Error(`schema ${file} did not compile`);
    return v;
  };
  compiled = {
    byKind: {
      Cluster: get(SCHEMA_FILES.Cluster),
      Profile: get(SCHEMA_FILES.Profile),
      Employee: get(SCHEMA_FILES.Employee),
      LintPolicy: get(SCHEMA_FILES.LintPolicy),
    },
    any: get(SCHEMA_FILES.access),
  };
  return compiled;
}

/** Checks one document: a mapping, the right apiVersion, a known kind, then that kind's schema. */
export function validateDocument(d: LoadedDocument): { kind?: Kind; diagnostics: Diagnostic[] } {
  const out: Diagnostic[] = [];
  const add = (path: PathSegment[], message: string, key = false) => out.push(diagnostic(locate(d, path, key), message, 'schema'));
  // A document from the fast parser is a mapping with string keys; when it is valid there is nothing
  // to point at, and its syntax tree is never built.
  if (d.fast && isValidAsIs(d.data as Record<string, unknown>)) return { kind: (d.data as { kind: Kind }).kind, diagnostics: [] };
  const { doc } = d.syntax();
  if (!isMap(doc.contents) || d.data === null || typeof d.data !== 'object' || Array.isArray(d.data)) {
    add([], `document is not a mapping: expected fields such as apiVersion: ${API_VERSION} and kind`);
    return { diagnostics: out };
  }
  for (const pair of doc.contents.items) {
    if (!isScalar(pair.key) || typeof pair.key.value !== 'string') {
      const pos = locate(d, []);
      out.push(
        diagnostic(
          pair.key && typeof pair.key === 'object' && 'range' in pair.key && pair.key.range ? { ...pos, ...lineOf(d, pair.key.range[0]) } : pos,
          'field names must be plain strings',
          'schema',
        ),
      );
      return { diagnostics: out };
    }
  }
  const data = d.data as Record<string, unknown>;
  const apiVersion = data.apiVersion;
  if (apiVersion === undefined) add([], `missing required field "apiVersion" (set it to ${API_VERSION})`);
  else if (apiVersion !== API_VERSION) add(['apiVersion'], `unknown apiVersion ${showValue(apiVersion)}; expected "${API_VERSION}"`);
  const kind = data.kind;
  if (kind === undefined) {
    add([], `missing required field "kind" (one of ${listOr([...KINDS])})`);
    return { diagnostics: out };
  }
  if (typeof kind !== 'string' || !(KINDS as readonly string[]).includes(kind)) {
    add(['kind'], `unknown kind ${showValue(kind)}; expected ${listOr([...KINDS])}${typeof kind === 'string' ? didYouMean(kind, KINDS) : ''}`);
    return { diagnostics: out };
  }
  if (out.length > 0) return { kind: kind as Kind, diagnostics: out };
  const validate = getSchemas().byKind[kind as Kind];
  if (!validate(data)) {
    // Thousands of problems in one document (a pasted blob) would bury the first ones, and each costs
    // a suggestion and a position: the first are described, the rest counted.
    const errors = validate.errors ?? [];
    const described = describeErrors(errors.slice(0, 10 * MAX_MESSAGES_PER_DOCUMENT));
    for (const m of described.slice(0, MAX_MESSAGES_PER_DOCUMENT)) add(m.path, m.message, m.key);
    if (errors.length > 10 * MAX_MESSAGES_PER_DOCUMENT || described.length > MAX_MESSAGES_PER_DOCUMENT) {
      add([], `more than ${MAX_MESSAGES_PER_DOCUMENT} problems in this document; only the first ${MAX_MESSAGES_PER_DOCUMENT} are shown, fix them first`);
    }
  }
  return { kind: kind as Kind, diagnostics: out };
}

function isValidAsIs(data: Record<string, unknown>): boolean {
  const kind = data.kind;
  if (data.apiVersion !== API_VERSION || typeof kind !== 'string' || !(KINDS as readonly string[]).includes(kind)) return false;
  return getSchemas().byKind[kind as Kind](data) as boolean;
}

function lineOf(d: LoadedDocument, offset: number): { line: number; column: number } {
  const pos = d.syntax().lineCounter.linePos(offset);
  return { line: pos.line, column: pos.col };
}

interface Described {
  path: PathSegment[];
  message: string;
  /** Point at the key rather than the value. */
  key: boolean;
}

function toPath(instancePath: string): PathSegment[] {
  if (instancePath === '') return [];
  return instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** `access[0].namespaces[1]`: the field as a person would name it. */
function fieldName(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out === '' ? seg : `.${seg}`;
  return out || 'document';
}

function requiredNames(branches: unknown): string[] | undefined {
  if (!Array.isArray(branches)) return undefined;
  const names: string[] = [];
  for (const b of branches) {
    const req = (b as { required?: unknown }).required;
    if (!Array.isArray(req) || req.length !== 1 || typeof req[0] !== 'string' || Object.keys(b as object).length !== 1) return undefined;
    names.push(req[0]);
  }
  return names;
}

/** Turns ajv's errors into messages a person understands, each pointing at a YAML node. */
function describeErrors(errors: readonly ErrorObject[]): Described[] {
  // Errors inside a failed oneOf/anyOf branch are noise once the oneOf itself is explained,
  // and an `if` error only says "then failed"; remember what each `then` was conditional on.
  const combinators = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
  const conditions = new Map<string, string>();
  for (const e of errors) {
    if (e.keyword !== 'if') continue;
    const trigger = (e.parentSchema as { if?: { required?: string[] } } | undefined)?.if?.required?.[0];
    if (trigger) conditions.set(`${e.instancePath}|${e.schemaPath.replace(/\/if$/, '/then')}`, trigger);
  }
  const conditionOf = (e: ErrorObject): string | undefined => {
    for (const [k, trigger] of conditions) {
      const [inst, prefix] = k.split('|') as [string, string];
      if (e.instancePath.startsWith(inst) && e.schemaPath.startsWith(prefix + '/')) return trigger;
    }
    return undefined;
  };
  const out: Described[] = [];
  const seen = new Set<string>();
  const isObject = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
  for (const e of errors) {
    if (e.keyword === 'if') continue;
    // "needs one of these fields" says nothing about a value that is not a mapping; its type error does.
    if ((e.keyword === 'oneOf' || e.keyword === 'anyOf') && requiredNames(e.schema) && !isObject(e.data)) continue;
    // A bad key is explained by the error of the key's own schema (which carries `propertyName`).
    if (e.keyword === 'propertyNames' && errors.some((x) => x.propertyName !== undefined && x.instancePath === e.instancePath)) continue;
    if (combinators.some((c) => c !== e && e.schemaPath.startsWith(c.schemaPath + '/') && e.instancePath.startsWith(c.instancePath))) continue;
    const d = describe(e, conditionOf(e));
    const k = `${fieldName(d.path)}|${d.message}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(d);
  }
  return out;
}

/** Index of the last string of `list` equal to an earlier one, in one pass; undefined when none is. */
export function lastRepeat(list: readonly unknown[]): number | undefined {
  const seen = new Set<string>();
  let last: number | undefined;
  list.forEach((item, index) => {
    if (typeof item !== 'string') return;
    if (seen.has(item)) last = index;
    else seen.add(item);
  });
  return last;
}

function describe(e: ErrorObject, because: string | undefined): Described {
  if (e.propertyName !== undefined) {
    // An error about a key (from propertyNames): point at that key.
    const d = describe({ ...e, propertyName: undefined } as ErrorObject, because);
    return { ...d, path: [...d.path, e.propertyName], key: true };
  }
  const path = toPath(e.instancePath);
  const name = fieldName(path);
  const last = path[path.length - 1];
  const parent = e.parentSchema as { title?: string; description?: string; properties?: Record<string, unknown>; enum?: unknown[] } | undefined;
  const explain = parent?.description ? `: ${parent.description}` : '';
  const what = parent?.title ?? (typeof last === 'string' ? `"${last}"` : 'value');
  switch (e.keyword) {
    case 'additionalProperties': {
      const field = String((e.params as { additionalProperty: string }).additionalProperty);
      const known = Object.keys(parent?.properties ?? {});
      const where = path.length > 0 ? ` in ${name}` : '';
      const allowed = known.length > 0 && known.length <= 12 ? `; allowed fields: ${known.join(', ')}` : '';
      const hint = didYouMean(field, known);
      return { path: [...path, field], key: true, message: `unknown field "${field}"${where}${hint || allowed}` };
    }
    case 'required': {
      const field = String((e.params as { missingProperty: string }).missingProperty);
      const message = because ? `"${because}" needs "${field}"` : `missing required field "${field}"${path.length > 0 ? ` in ${name}` : ''}`;
      return { path, key: false, message };
    }
    case 'false schema':
      return { path, key: true, message: because ? `"${String(last)}" cannot be used together with "${because}"` : `field "${name}" is not allowed here` };
    case 'oneOf':
    case 'anyOf': {
      const names = requiredNames(e.schema);
      const passing = (e.params as { passingSchemas?: number[] | null }).passingSchemas;
      const subject = because ? `"${because}"` : path.length > 0 ? name : 'this document';
      if (names && Array.isArray(passing) && passing.length > 1) {
        return { path, key: false, message: `${subject} has ${listOr(passing.map((i) => names[i]!)).replace(' or ', ' and ')}; keep exactly one` };
      }
      if (names) {
        const needs = e.keyword === 'oneOf' ? 'exactly one of' : 'at least one of';
        return { path, key: false, message: `${subject} needs ${needs} ${listOr(names)}` };
      }
      return { path, key: false, message: `${name} does not match any allowed form${explain}` };
    }
    case 'type': {
      const expected = String((e.params as { type: string }).type);
      const got =
        e.data === null
          ? 'nothing (null)'
          : e.data instanceof Uint8Array
            ? 'binary data (!!binary)'
            : Array.isArray(e.data)
              ? 'a list'
              : typeof e.data === 'object'
                ? 'a mapping'
                : `${typeof e.data} ${showValue(e.data)}`;
      const article = expected === 'array' ? 'a list' : expected === 'object' ? 'a mapping' : `a ${expected}`;
      const quote = expected === 'string' && (typeof e.data === 'number' || typeof e.data === 'boolean') ? ' (put quotes around it)' : '';
      return { path, key: false, message: `${name} must be ${article}, got ${got}${quote}` };
    }
    case 'const':
      return { path, key: false, message: `${name} must be ${showValue((e.params as { allowedValue: unknown }).allowedValue)}, got ${showValue(e.data)}` };
    case 'enum': {
      const allowed = ((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map(String);
      const hint = typeof e.data === 'string' ? didYouMean(e.data, allowed) : '';
      return { path, key: false, message: `invalid ${name} ${showValue(e.data)}: expected ${listOr(allowed)}${hint}` };
    }
    case 'pattern':
    case 'format':
      return { path, key: false, message: `invalid ${what} ${showValue(e.data)} in ${name}${explain}` };
    case 'minLength':
      return { path, key: false, message: `${name} must not be empty` };
    case 'maxLength':
      return { path, key: false, message: `${name} is too long: at most ${(e.params as { limit: number }).limit} characters${explain}` };
    case 'minItems':
      return { path, key: false, message: `${name} must list at least ${(e.params as { limit: number }).limit} item(s)` };
    case 'uniqueItems': {
      // ajv's params name the pair it met first, in an order that depends on how it checked (a hash
      // for lists of strings, pairs otherwise): the message points at the last item that repeats an
      // earlier one, whichever way it was found.
      const { i, j } = e.params as { i: number; j: number };
      const at = (Array.isArray(e.data) ? lastRepeat(e.data) : undefined) ?? Math.max(i, j);
      const value = Array.isArray(e.data) ? e.data[at] : undefined;
      return { path: [...path, at], key: false, message: `${name} lists ${showValue(value)} more than once` };
    }
    case 'propertyNames': {
      const key = String((e.params as { propertyName: string }).propertyName);
      return { path: [...path, key], key: true, message: `invalid key ${showValue(key)} in ${name}` };
    }
    default:
      return { path, key: false, message: `${name}: ${e.message ?? 'invalid'}` };
  }
}
