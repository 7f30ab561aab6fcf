/**
 * Reading Kubernetes audit logs (`audit.k8s.io/v1` `Event`) as a stream, in bounded memory:
 *   - JSON lines, one event per line, as the API server's log backend writes them;
 *   - the JSON that `aws logs filter-log-events` prints for an EKS cluster's `kube-apiserver-audit-*`
 *     streams: `{"events": [{"message": "<event JSON>", ...}, ...], ...}`, pretty-printed or not
 *     (also one such page per line, as `jq -c` writes them);
 * each optionally gzipped (recognised by its magic bytes, not by its name).
 *
 * Every event is handed to a callback as soon as it is read; nothing holds more than one element of
 * the log. A line that is not JSON, or JSON that is not an audit event, is an AuditLogError naming the
 * file and line: the caller reports it and reads nothing as if it were valid.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { printable } from '../text.js';

export class AuditLogError extends Error {
  override name = 'AuditLogError';
  constructor(
    readonly file: string,
    readonly line: number,
    readonly detail: string,
  ) {
    super(`${file}:${line}: ${detail}`);
  }
}

/** The fields of an audit event that usage reads (`k8s.io/apiserver/pkg/apis/audit/v1` `Event`). */
export interface AuditEvent {
  stage: string;
  stageTimestamp?: string;
  verb?: string;
  requestURI?: string;
  user?: { username?: string; groups?: string[]; extra?: Record<string, string[]> };
  impersonatedUser?: { username?: string; groups?: string[] } | null;
  objectRef?: { resource?: string; subresource?: string; namespace?: string; name?: string; apiGroup?: string } | null;
  responseStatus?: { code?: number } | null;
  annotations?: Record<string, string> | null;
}

/** The annotation the API server's authorization filter writes: `allow` or `forbid` (`decisionAllow`, `decisionForbid`). */
export const DECISION_ANNOTATION = 'authorization.k8s.io/decision';

/** RFC 3339, as the API server writes `stageTimestamp` (metav1.MicroTime): a date, a time, `Z` or an offset. */
const RFC3339 = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d{1,9})?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Called with each event read, its file and the line it starts on. */
export type OnEvent = (event: AuditEvent, file: string, line: number) => void;

/** At most this many characters in one event (a line, or one element of a CloudWatch page). */
const MAX_EVENT_CHARS = 16 * 1024 * 1024;

const GZIP_MAGIC = [0x1f, 0x8b];

async function isGzip(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
  } finally {
    await handle.close();
  }
}

/** The file's text, chunk by chunk, gunzipped when it is gzip. */
async function* textChunks(path: string, file: string): AsyncGenerator<string> {
  let gzip: boolean;
  try {
    gzip = await isGzip(path);
  } catch (e) {
    throw new AuditLogError(file, 1, `cannot read the audit log: ${errorText(e)}`);
  }
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  const stream = gzip ? raw.pipe(createGunzip()) : raw;
  if (gzip) raw.on('error', (e) => stream.destroy(e));
  stream.setEncoding('utf8');
  try {
    for await (const chunk of stream) yield chunk as string;
  } catch (e) {
    throw new AuditLogError(file, 1, gzip ? `cannot decompress the gzip audit log: ${errorText(e)}` : `cannot read the audit log: ${errorText(e)}`);
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? ((e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : e.message) : String(e);
}

/** A CloudWatch page starts with one of the keys `filter-log-events` prints, or is an array of its elements. */
const CLOUDWATCH_START = /^\s*(?:\{\s*"(?:events|searchedLogStreams|nextToken)"|\[)/;

/** Reads one audit log file, calling `onEvent` for every event in it. */
export async function readAuditLog(path: string, file: string, onEvent: OnEvent): Promise<void> {
  await readAuditText(textChunks(path, file), file, onEvent);
}

/** Reads an audit log's text, however it is cut into chunks: JSON lines, or CloudWatch pages. */
export async function readAuditText(source: AsyncIterable<string>, file: string, onEvent: OnEvent): Promise<void> {
  const chunks = source[Symbol.asyncIterator]();
  // Enough of the start to tell the shape: past leading white space, and a key.
  let start = '';
  for (;;) {
    const next = await chunks.next();
    if (next.done) break;
    start += next.value;
    if (start.length > 1 << 20 || start.trimStart().length >= 32) break;
  }
  if (start.length === 0) return;
  async function* all(): AsyncGenerator<string> {
    yield start;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
  }
  if (CLOUDWATCH_START.test(start.replace(/^\ufeff/, ''))) await readPages(all(), file, onEvent);
  else await readLines(all(), file, onEvent);
}

/** JSON lines: one event (or one compact CloudWatch page) per line; blank lines are skipped. */
async function readLines(chunks: AsyncIterable<string>, file: string, onEvent: OnEvent): Promise<void> {
  // The unfinished last line, in parts: only each new chunk is searched for a line break, so a long
  // line arriving in many small chunks (gunzip) costs its length once, not its length squared.
  let parts: string[] = [];
  let partsLength = 0;
  let line = 0;
  const take = (text: string) => {
    line++;
    if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.length > 0 && text.charCodeAt(text.length - 1) === 13) text = text.slice(0, -1);
    if (text.length === 0) return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      if (text.trim() === '') return;
      throw new AuditLogError(file, line, `not JSON: ${errorText(e)}`);
    }
    emitElement(value, file, line, onEvent, true);
  };
  for await (const chunk of chunks) {
    let from = 0;
    for (let nl = chunk.indexOf('\n'); nl !== -1; nl = chunk.indexOf('\n', from)) {
      if (parts.length > 0) {
        parts.push(chunk.slice(0, nl));
        take(parts.join(''));
        parts = [];
        partsLength = 0;
      } else take(chunk.slice(from, nl));
      from = nl + 1;
    }
    if (from < chunk.length) {
      parts.push(from === 0 ? chunk : chunk.slice(from));
      partsLength += chunk.length - from;
      if (partsLength > MAX_EVENT_CHARS) throw new AuditLogError(file, line + 1, `a line longer than ${MAX_EVENT_CHARS} characters: not an audit log`);
    }
  }
  if (parts.length > 0) take(parts.join(''));
}

/** An audit event, a CloudWatch log event (its `message` the audit event), or a whole page of them. */
function emitElement(value: unknown, file: string, line: number, onEvent: OnEvent, pagesToo: boolean): void {
  if (pagesToo && isPage(value)) {
    for (const element of value.events) emitElement(element, file, line, onEvent, false);
    return;
  }
  onEvent(fromPageElement(value, file, line), file, line);
}

function isPage(value: unknown): value is { events: unknown[] } {
  return typeof value === 'object' && value !== null && !('kind' in value) && !('stage' in value) && Array.isArray((value as { events?: unknown }).events);
}

type Frame =
  /** Between pages. */
  | 'top'
  /** In a page object: after `{`, after a `,`, after a key, before a value, after a value. */
  | 'key-or-end'
  | 'key'
  | 'colon'
  | 'value'
  | 'comma-or-end'
  /** In the `events` array of a page (or a top-level array): after `[`, after a `,`, after an element. */
  | 'element-or-end'
  | 'element'
  | 'element-comma-or-end';

const isSpace = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;

/**
 * CloudWatch pages, `{"events": [{...}, ...], "searchedLogStreams": [...], ...}`, pretty-printed or
 * not, several in a row, or a top-level array of pages or events. A streaming parser for the frame
 * (the page object and its `events` array, checked token by token), and each value inside it cut out
 * whole and given to JSON.parse: an element of `events` is handed on, anything else only checked.
 * So a file of any size is read one element at a time, and invalid JSON anywhere is an error.
 */
async function readPages(chunks: AsyncIterable<string>, file: string, onEvent: OnEvent): Promise<void> {
  let frame = 'top' as Frame;
  /** Inside a top-level array rather than a page's `events`. */
  let topArray = false;
  let line = 1;
  // The value being cut out: its parts so far, where it started, its nesting, and whether it is one of the events.
  let capture: string[] | undefined;
  let captureLine = 0;
  let captureLength = 0;
  let captureDepth = 0;
  let captureKind = 'container' as 'container' | 'string' | 'scalar';
  let captureIsElement = false;
  let captureIsKey = false;
  let inString = false;
  let escaped = false;
  let key = '';
  const fail = (message: string): never => {
    throw new AuditLogError(file, line, message);
  };
  const unexpected = (c: number, wanted: string): never =>
    fail(`unexpected ${JSON.stringify(String.fromCharCode(c))} where ${wanted} belongs: not CloudWatch JSON`);
  const finish = (text: string) => {
    capture = undefined;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new AuditLogError(file, captureLine, `not JSON: ${errorText(e)}`);
    }
    if (captureIsKey) {
      key = value as string;
      frame = 'colon';
    } else if (captureIsElement) {
      emitElement(value, file, captureLine, onEvent, topArray);
      frame = 'element-comma-or-end';
    } else frame = 'comma-or-end';
  };
  const begin = (chunk: string, i: number, asElement: boolean, asKey: boolean) => {
    const c = chunk.charCodeAt(i);
    capture = [];
    captureLine = line;
    captureLength = 0;
    captureIsElement = asElement;
    captureIsKey = asKey;
    captureKind = c === 123 || c === 91 ? 'container' : c === 34 ? 'string' : 'scalar';
    captureDepth = 0;
    inString = false;
    escaped = false;
  };
  for await (const chunk of chunks) {
    let from = capture ? 0 : -1;
    let i = 0;
    while (i < chunk.length) {
      if (capture) {
        // Cutting out a value: strings are jumped over (they hold no line break), brackets counted.
        if (inString || captureKind === 'string') {
          if (!inString) {
            inString = true;
            i++;
            continue;
          }
          if (escaped) {
            escaped = false;
            i++;
            continue;
          }
          const quote = chunk.indexOf('"', i);
          const backslash = chunk.indexOf('\\', i);
          if (backslash !== -1 && (quote === -1 || backslash < quote)) {
            if (backslash + 1 < chunk.length) i = backslash + 2;
            else {
              escaped = true;
              i = chunk.length;
            }
            continue;
          }
          if (quote === -1) {
            i = chunk.length;
            continue;
          }
          inString = false;
          i = quote + 1;
          if (captureKind === 'string') {
            capture.push(chunk.slice(from, i));
            finish(capture.join(''));
            from = -1;
          }
          continue;
        }
        const c = chunk.charCodeAt(i);
        if (captureKind === 'scalar') {
          if (isSpace(c) || c === 44 || c === 125 || c === 93) {
            capture.push(chunk.slice(from, i));
            finish(capture.join(''));
            from = -1;
            continue; // the delimiter belongs to the frame
          }
          i++;
          continue;
        }
        if (c === 10) line++;
        else if (c === 34) inString = true;
        else if (c === 123 || c === 91) captureDepth++;
        else if (c === 125 || c === 93) {
          captureDepth--;
          if (captureDepth === 0) {
            capture.push(chunk.slice(from, i + 1));
            finish(capture.join(''));
            from = -1;
          }
        }
        i++;
        continue;
      }
      const c = chunk.charCodeAt(i);
      if (c === 10) line++;
      if (isSpace(c) || (c === 0xfeff && frame === 'top')) {
        i++;
        continue;
      }
      switch (frame) {
        case 'top':
          if (c === 123) frame = 'key-or-end';
          else if (c === 91) {
            topArray = true;
            frame = 'element-or-end';
          } else unexpected(c, 'a CloudWatch page (an object)');
          i++;
          continue;
        case 'key-or-end':
        case 'key':
          if (c === 125 && frame === 'key-or-end') {
            frame = 'top';
            i++;
            continue;
          }
          if (c !== 34) unexpected(c, 'a key');
          begin(chunk, i, false, true);
          from = i;
          continue;
        case 'colon':
          if (c !== 58) unexpected(c, 'a ":"');
          frame = 'value';
          i++;
          continue;
        case 'value':
          if (key === 'events') {
            if (c !== 91) fail('"events" is not a list: not CloudWatch JSON');
            frame = 'element-or-end';
            i++;
            continue;
          }
          begin(chunk, i, false, false);
          from = i;
          continue;
        case 'comma-or-end':
          if (c === 44) frame = 'key';
          else if (c === 125) frame = 'top';
          else unexpected(c, 'a "," or "}"');
          i++;
          continue;
        case 'element-or-end':
        case 'element':
          if (c === 93 && frame === 'element-or-end') {
            frame = topArray ? 'top' : 'comma-or-end';
            topArray = false;
            i++;
            continue;
          }
          if (c !== 123) unexpected(c, 'a log event (an object)');
          begin(chunk, i, true, false);
          from = i;
          continue;
        case 'element-comma-or-end':
          if (c === 44) frame = 'element';
          else if (c === 93) {
            frame = topArray ? 'top' : 'comma-or-end';
            topArray = false;
          } else unexpected(c, 'a "," or "]"');
          i++;
          continue;
      }
    }
    if (capture) {
      const part = chunk.slice(from === -1 ? 0 : from);
      (capture as string[]).push(part);
      captureLength += part.length;
      if (captureLength > MAX_EVENT_CHARS) throw new AuditLogError(file, captureLine, `a value longer than ${MAX_EVENT_CHARS} characters: not an audit log`);
    }
  }
  if (capture && captureKind === 'scalar') finish((capture as string[]).join(''));
  if (capture || frame !== 'top') fail('the file ends inside a JSON value: truncated');
}

function isPageElement(value: unknown): value is { message: unknown } {
  return typeof value === 'object' && value !== null && 'message' in value && !('stage' in value);
}

/** A CloudWatch log event, whose `message` is the audit event's JSON (or an audit event itself, as `jq` may leave it). */
function fromPageElement(value: unknown, file: string, line: number): AuditEvent {
  if (!isPageElement(value)) return asEvent(value, file, line);
  if (typeof value.message !== 'string') throw new AuditLogError(file, line, 'a CloudWatch log event whose "message" is not a string');
  let event: unknown;
  try {
    event = JSON.parse(value.message);
  } catch (e) {
    throw new AuditLogError(file, line, `the "message" of a CloudWatch log event is not JSON: ${errorText(e)}`);
  }
  return asEvent(event, file, line);
}

/**
 * The value as an audit event, or an AuditLogError. Only what usage reads is checked, so that a
 * well-formed event costs no more than its parse: an object with a string `stage`, and for events
 * that count (`ResponseComplete`) a timestamp, a verb and a username.
 */
function asEvent(value: unknown, file: string, line: number): AuditEvent {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new AuditLogError(file, line, 'not an audit event: expected a JSON object');
  const e = value as AuditEvent & { kind?: unknown; apiVersion?: unknown };
  if (typeof e.stage !== 'string') {
    const kind = typeof e.kind === 'string' ? ` (kind ${printable(e.kind)})` : '';
    throw new AuditLogError(file, line, `not an audit.k8s.io/v1 Event${kind}: it has no "stage"`);
  }
  if (e.kind !== undefined && e.kind !== 'Event') throw new AuditLogError(file, line, `not an audit.k8s.io/v1 Event: kind ${printable(String(e.kind))}`);
  if (e.stage !== 'ResponseComplete') return e;
  const bad = (what: string): never => {
    throw new AuditLogError(file, line, `a ResponseComplete event ${what}`);
  };
  if (typeof e.stageTimestamp !== 'string') bad('without a "stageTimestamp"');
  if (!RFC3339.test(e.stageTimestamp!) || Number.isNaN(Date.parse(e.stageTimestamp!)))
    bad(`whose "stageTimestamp" is not an RFC 3339 time: ${JSON.stringify(printable(e.stageTimestamp!.slice(0, 40)))}`);
  if (typeof e.verb !== 'string' || e.verb === '') bad('without a "verb"');
  // `username` is left out when empty (Go's omitempty); `user` itself is always there.
  if (!isObject(e.user)) bad('without "user"');
  if (e.user!.username !== undefined && typeof e.user!.username !== 'string') bad('whose "user.username" is not a string');
  if (e.user!.extra !== undefined && e.user!.extra !== null && !isObject(e.user!.extra)) bad('whose "user.extra" is not an object');
  if (e.impersonatedUser !== undefined && e.impersonatedUser !== null && !isObject(e.impersonatedUser)) bad('whose "impersonatedUser" is not an object');
  if (e.requestURI !== undefined && typeof e.requestURI !== 'string') bad('whose "requestURI" is not a string');
  const ref = e.objectRef;
  if (ref !== undefined && ref !== null) {
    if (!isObject(ref)) bad('whose "objectRef" is not an object');
    for (const k of ['resource', 'subresource', 'namespace', 'name', 'apiGroup'] as const)
      if (ref[k] !== undefined && typeof ref[k] !== 'string') bad(`whose "objectRef.${k}" is not a string`);
  }
  if (
    e.responseStatus !== undefined &&
    e.responseStatus !== null &&
    (!isObject(e.responseStatus) || (e.responseStatus.code !== undefined && typeof e.responseStatus.code !== 'number'))
  )
    bad('whose "responseStatus.code" is not a number');
  if (e.annotations !== undefined && e.annotations !== null && !isObject(e.annotations)) bad('whose "annotations" is not an object');
  const decision = e.annotations?.[DECISION_ANNOTATION];
  if (decision !== undefined && decision !== 'allow' && decision !== 'forbid')
    bad(`whose "${DECISION_ANNOTATION}" is neither allow nor forbid: ${JSON.stringify(printable(String(decision).slice(0, 40)))}`);
  return e;
}
