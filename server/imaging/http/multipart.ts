// multipart/related (RFC 2387) for DICOMweb: a reader that yields the parts of a request body one at a
// time as the bytes arrive (the whole body is never held), and a writer for responses.
import { randomBytes } from 'node:crypto';

/** One body part: its headers (lower-case names) and its bytes, or `tooLarge` (bytes dropped). */
export type Part = { readonly headers: ReadonlyMap<string, string> } & ({ readonly body: Buffer; readonly tooLarge?: undefined } | { readonly body?: undefined; readonly tooLarge: true });

/** Why a body could not be read as multipart. */
export class MultipartError extends Error {}

/** A media type with its parameters (names lower-case, values unquoted). */
export interface MediaType {
  readonly type: string;
  readonly params: ReadonlyMap<string, string>;
}

/** Parses `type/subtype; a=b; c="d"` (RFC 9110 media type). */
export function parseMediaType(value: string): MediaType {
  const params = new Map<string, string>();
  const [head = '', ...rest] = splitOutsideQuotes(value, ';');
  for (const param of rest) {
    const at = param.indexOf('=');
    if (at < 0) continue;
    const name = param.slice(0, at).trim().toLowerCase();
    let raw = param.slice(at + 1).trim();
    if (raw.startsWith('"') && raw.endsWith('"') && raw.length >= 2) raw = raw.slice(1, -1).replace(/\\(.)/g, '$1');
    if (name) params.set(name, raw);
  }
  return { type: head.trim().toLowerCase(), params };
}

/** Splits on `separator` except inside double quotes. */
export function splitOutsideQuotes(value: string, separator: string): string[] {
  const pieces: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '"' && value[i - 1] !== '\\') quoted = !quoted;
    if (c === separator && !quoted) {
      pieces.push(current);
      current = '';
    } else current += c;
  }
  pieces.push(current);
  return pieces;
}

const crlf = Buffer.from('\r\n');
const headerEnd = Buffer.from('\r\n\r\n');
const maxHeaderBytes = 16 * 1024;

/**
 * Reads the parts of a multipart body as it streams in. Each part is held whole (up to
 * `maxPartBytes`; a larger one is read through and yielded as `tooLarge`), never the body: a part is
 * yielded as soon as its closing delimiter arrives.
 */
export async function* readMultipart(body: AsyncIterable<Uint8Array>, boundary: string, maxPartBytes: number): AsyncGenerator<Part> {
  // RFC 2046 allows 70 characters; Orthanc's client sends 73, so some slack.
  if (!boundary || boundary.length > 200) throw new MultipartError('The multipart boundary is missing or longer than 200 characters.');
  // Every delimiter, the first included, is CRLF "--" boundary: a virtual CRLF starts the body.
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const keep = delimiter.length + 2;
  let window: Buffer = Buffer.from(crlf);
  let state: 'preamble' | 'after-delimiter' | 'headers' | 'body' | 'done' = 'preamble';
  let headers = new Map<string, string>();
  let collected: Buffer[] = [];
  let collectedBytes = 0;

  const take = (bytes: Buffer) => {
    if (bytes.length === 0) return;
    collectedBytes += bytes.length;
    if (collectedBytes > maxPartBytes) collected = [];
    else collected.push(bytes);
  };

  const iterator = body[Symbol.asyncIterator]();
  let ended = false;
  for (;;) {
    let progressed = true;
    while (progressed) {
      progressed = false;
      if (state === 'preamble' || state === 'body') {
        const at = window.indexOf(delimiter);
        if (at >= 0) {
          if (state === 'body') {
            take(window.subarray(0, at));
            if (collectedBytes > maxPartBytes) yield { headers, tooLarge: true };
            else yield { headers, body: collected.length === 1 ? (collected[0] as Buffer) : Buffer.concat(collected) };
            collected = [];
            collectedBytes = 0;
          }
          window = window.subarray(at + delimiter.length);
          state = 'after-delimiter';
          progressed = true;
        } else if (window.length > keep) {
          // Keep a tail that may hold the start of a delimiter split across chunks.
          if (state === 'body') take(window.subarray(0, window.length - keep));
          window = window.subarray(window.length - keep);
        }
      } else if (state === 'after-delimiter') {
        if (window.length < 2) break;
        if (window[0] === 0x2d && window[1] === 0x2d) {
          state = 'done';
          break;
        }
        const lineEnd = window.indexOf(crlf);
        if (lineEnd < 0) {
          if (window.length > 256) throw new MultipartError('Text after a multipart boundary is not a line break.');
          break;
        }
        // Transport padding (spaces, tabs) may follow a delimiter before its CRLF.
        if (!/^[ \t]*$/.test(window.subarray(0, lineEnd).toString('latin1'))) throw new MultipartError('Text after a multipart boundary is not a line break.');
        window = window.subarray(lineEnd);
        state = 'headers';
        progressed = true;
      } else if (state === 'headers') {
        // `window` starts with the CRLF that ended the delimiter line; headers end at CRLF CRLF.
        const end = window.indexOf(headerEnd);
        const emptyHeaders = window.length >= 4 && window.subarray(0, 4).equals(headerEnd);
        if (end < 0 && !emptyHeaders) {
          if (window.length > maxHeaderBytes) throw new MultipartError('The headers of a part are too long.');
          break;
        }
        headers = parseHeaders(window.subarray(2, end).toString('latin1'));
        window = window.subarray(end + headerEnd.length);
        state = 'body';
        progressed = true;
      }
    }
    if (state === 'done') break;
    if (ended) {
      throw new MultipartError(state === 'preamble' ? 'The body holds no multipart boundary: is the boundary parameter right?' : 'The body ended before the closing multipart boundary (truncated upload?).');
    }
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      continue;
    }
    const chunk = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
    window = window.length === 0 ? chunk : Buffer.concat([window, chunk]);
  }
  // Drain the epilogue so the connection can be reused; its bytes are ignored.
  if (!ended) {
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
    }
  }
}

function parseHeaders(text: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const at = line.indexOf(':');
    if (at <= 0) continue;
    headers.set(line.slice(0, at).trim().toLowerCase(), line.slice(at + 1).trim());
  }
  return headers;
}

/** One part of a response: its Content-Type, optional extra headers, and bytes. */
export interface OutPart {
  readonly contentType: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
}

/** A new random boundary. */
export function newBoundary(): string {
  return `consilium-${randomBytes(12).toString('hex')}`;
}

/** The Content-Type header of a multipart/related response whose root parts are `type`. */
export function multipartContentType(type: string, boundary: string): string {
  return `multipart/related; type="${type}"; boundary=${boundary}`;
}

/** A multipart/related body in one buffer, for parts already in memory (frames): one write, no stream. */
export function multipartBody(parts: readonly OutPart[], boundary: string): Buffer {
  const pieces: Buffer[] = [];
  for (const part of parts) {
    const extra = Object.entries(part.headers ?? {}).map(([name, value]) => `${name}: ${value}\r\n`).join('');
    pieces.push(Buffer.from(`--${boundary}\r\nContent-Type: ${part.contentType}\r\n${extra}\r\n`, 'latin1'), Buffer.from(part.body.buffer, part.body.byteOffset, part.body.byteLength), crlf);
  }
  pieces.push(Buffer.from(`--${boundary}--\r\n`, 'latin1'));
  return Buffer.concat(pieces);
}

/** A multipart/related body, produced part by part as `parts` yields them (nothing is held but one part). */
export async function* writeMultipart(parts: AsyncIterable<OutPart> | Iterable<OutPart>, boundary: string): AsyncGenerator<Buffer> {
  for await (const part of parts) {
    const extra = Object.entries(part.headers ?? {}).map(([name, value]) => `${name}: ${value}\r\n`).join('');
    // One chunk per part: a stream's per-chunk cost outweighs copying the part once.
    yield Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Type: ${part.contentType}\r\n${extra}\r\n`, 'latin1'), part.body, crlf]);
  }
  yield Buffer.from(`--${boundary}--\r\n`, 'latin1');
}
