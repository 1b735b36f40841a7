/**
 * Reading multipart/related answers (PS3.18 8.6.1.2), as WADO-RS sends bulk data and frames: the
 * parts' bytes, found by the boundary the Content-Type names.
 */

/** The boundary parameter of a multipart Content-Type, if any. */
export function boundaryOf(contentType: string): string | undefined {
  return /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType)?.slice(1).find((v) => v !== undefined);
}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  outer: for (let i = from; i <= haystack.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** The bodies of all parts, in order (headers dropped). Throws when the body is not multipart. */
export function multipartParts(contentType: string, body: Uint8Array): Uint8Array[] {
  const boundary = boundaryOf(contentType);
  if (!boundary) throw new Error('not a multipart answer');
  const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
  const delimiter = ascii(`--${boundary}`);
  const headerEnd = ascii('\r\n\r\n');
  const parts: Uint8Array[] = [];
  let at = indexOf(body, delimiter, 0);
  while (at >= 0) {
    const afterDelimiter = at + delimiter.length;
    // "--boundary--" closes the body.
    if (body[afterDelimiter] === 0x2d && body[afterDelimiter + 1] === 0x2d) break;
    const start = indexOf(body, headerEnd, afterDelimiter);
    if (start < 0) break;
    const next = indexOf(body, delimiter, start + 4);
    if (next < 0) throw new Error('multipart answer without its closing boundary');
    // The CRLF before the next delimiter belongs to the delimiter.
    parts.push(body.subarray(start + 4, next - 2));
    at = next;
  }
  return parts;
}
