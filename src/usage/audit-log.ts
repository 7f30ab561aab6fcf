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

/** Called with each event read, its file and the line it starts on. */
export type OnEvent = (event: AuditEvent, file: string, line: number) => void;

/** At most this many characters in one event (a line, or one element of a CloudWatch page). */
export const MAX_EVENT_CHARS = 16 * 1024 * 1024;

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
  let carry = '';
  let line = 0;
  const take = (text: string) => {
    line++;
    if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.length === 0) return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      if (text.trim() === '') return;
      throw new AuditLogError(file, line, `not JSON: ${errorText(e)}`);
    }
    if (isPage(value)) for (const element of value.events) onEvent(fromPageElement(element, file, line), file, line);
    else onEvent(asEvent(value, file, line), file, line);
  };
  for await (const chunk of chunks) {
    let text = carry.length > 0 ? carry + chunk : chunk;
    let from = 0;
    for (let nl = text.indexOf('\n', from); nl !== -1; nl = text.indexOf('\n', from)) {
      take(text.charCodeAt(nl - 1) === 13 ? text.slice(from, nl - 1) : text.slice(from, nl));
      from = nl + 1;
    }
    carry = from === 0 ? text : text.slice(from);
    if (carry.length > MAX_EVENT_CHARS) throw new AuditLogError(file, line + 1, `a line longer than ${MAX_EVENT_CHARS} characters: not an audit log`);
    text = '';
  }
  if (carry.length > 0) take(carry.endsWith('\r') ? carry.slice(0, -1) : carry);
}

function isPage(value: unknown): value is { events: unknown[] } {
  return typeof value === 'object' && value !== null && !('kind' in value) && !('stage' in value) && Array.isArray((value as { events?: unknown }).events);
}

/**
 * CloudWatch pages: a streaming scan that keeps track of strings and nesting, and hands on each
 * element of an `events` array of a top-level object (or each element of a top-level array), so a
 * file of any size is read one element at a time. Several pages may follow each other.
 */
async function readPages(chunks: AsyncIterable<string>, file: string, onEvent: OnEvent): Promise<void> {
  let depth = 0;
  let inString = false;
  let escaped = false;
  let line = 1;
  /** Depth at which elements of interest start, when inside such an array. */
  let elementDepth = -1;
  /** The text of the element being read (from its `{`), and the line it starts on. */
  let element: string[] | undefined;
  let elementLine = 0;
  let elementChars = 0;
  /** The last key read at depth 1 of a top-level object, to find `events`. */
  let keyStart = -1;
  let keyText = '';
  let lastKey = '';
  let topIsArray = false;
  for await (const chunk of chunks) {
    let segmentStart = element ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c === 10) line++;
      if (inString) {
        if (escaped) {
          escaped = false;
          continue;
        }
        // Jump to the closing quote, over escapes (a JSON string holds no line break): the
        // `message` of a CloudWatch event is a whole audit event, escaped.
        let j = i;
        for (;;) {
          const quote = chunk.indexOf('"', j);
          const backslash = chunk.indexOf('\\', j);
          if (backslash !== -1 && (quote === -1 || backslash < quote)) {
            if (backslash + 1 < chunk.length) {
              j = backslash + 2;
              continue;
            }
            escaped = true;
            i = chunk.length;
            break;
          }
          if (quote === -1) {
            i = chunk.length;
            break;
          }
          inString = false;
          if (keyStart !== -1) {
            keyText += chunk.slice(keyStart, quote);
            keyStart = -1;
          }
          i = quote;
          break;
        }
        continue;
      }
      if (c === 34) {
        inString = true;
        // A string at depth 1 of the top-level object that is not inside an element: maybe a key.
        if (depth === 1 && !topIsArray && elementDepth === -1) {
          keyStart = i + 1;
          keyText = '';
        }
        continue;
      }
      if (c === 58 && depth === 1 && !topIsArray) {
        lastKey = keyText;
        continue;
      }
      if (c === 123 || c === 91) {
        // { or [
        if (depth === 0) {
          topIsArray = c === 91;
          if (topIsArray) elementDepth = 1;
        } else if (depth === 1 && c === 91 && !topIsArray && lastKey === 'events' && elementDepth === -1) {
          elementDepth = 2;
        } else if (depth === elementDepth && !element) {
          element = [];
          segmentStart = i;
          elementLine = line;
          elementChars = 0;
        }
        depth++;
        continue;
      }
      if (c === 125 || c === 93) {
        // } or ]
        depth--;
        if (depth < 0) throw new AuditLogError(file, line, `unexpected "${String.fromCharCode(c)}": not JSON`);
        if (element && depth === elementDepth) {
          element.push(chunk.slice(segmentStart, i + 1));
          const text = element.join('');
          element = undefined;
          segmentStart = -1;
          let value: unknown;
          try {
            value = JSON.parse(text);
          } catch (e) {
            throw new AuditLogError(file, elementLine, `not JSON: ${errorText(e)}`);
          }
          onEvent(fromPageElement(value, file, elementLine), file, elementLine);
        } else if (depth === elementDepth - 1 && c === 93) {
          elementDepth = -1;
        }
        if (depth === 0) {
          lastKey = '';
          topIsArray = false;
          elementDepth = -1;
        }
        continue;
      }
      if (depth === 0 && c !== 32 && c !== 10 && c !== 13 && c !== 9 && c !== 0xfeff) {
        throw new AuditLogError(file, line, `unexpected ${JSON.stringify(String.fromCharCode(c))} between CloudWatch pages: not JSON`);
      }
    }
    if (keyStart !== -1) {
      keyText += chunk.slice(keyStart);
      keyStart = 0;
    }
    if (element) {
      const part = chunk.slice(segmentStart === -1 ? 0 : segmentStart);
      element.push(part);
      elementChars += part.length;
      if (elementChars > MAX_EVENT_CHARS) throw new AuditLogError(file, elementLine, `an event longer than ${MAX_EVENT_CHARS} characters: not an audit log`);
    }
  }
  if (inString || depth !== 0) throw new AuditLogError(file, line, 'the file ends inside a JSON value: truncated');
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
export function asEvent(value: unknown, file: string, line: number): AuditEvent {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new AuditLogError(file, line, 'not an audit event: expected a JSON object');
  const e = value as AuditEvent & { kind?: unknown; apiVersion?: unknown };
  if (typeof e.stage !== 'string') {
    const kind = typeof e.kind === 'string' ? ` (kind ${printable(e.kind)})` : '';
    throw new AuditLogError(file, line, `not an audit.k8s.io/v1 Event${kind}: it has no "stage"`);
  }
  if (e.kind !== undefined && e.kind !== 'Event') throw new AuditLogError(file, line, `not an audit.k8s.io/v1 Event: kind ${printable(String(e.kind))}`);
  if (e.stage !== 'ResponseComplete') return e;
  if (typeof e.stageTimestamp !== 'string') throw new AuditLogError(file, line, 'a ResponseComplete event without a "stageTimestamp"');
  if (typeof e.verb !== 'string') throw new AuditLogError(file, line, 'a ResponseComplete event without a "verb"');
  if (typeof e.user !== 'object' || e.user === null || typeof e.user.username !== 'string') throw new AuditLogError(file, line, 'a ResponseComplete event without "user.username"');
  if (e.objectRef !== undefined && e.objectRef !== null && typeof e.objectRef !== 'object') throw new AuditLogError(file, line, '"objectRef" is not an object');
  return e;
}
