// An uploaded file's first bytes, read off the stream to tell what the content is before any of it
// is stored; the rest is streamed on untouched.
import { fileTypeFromBuffer } from 'file-type';

/** Enough bytes for file-type to recognise every format it knows. */
export const sniffBytes = 4100;

export interface Peeked {
  /** The first `bytes` of the content (fewer if it is shorter; empty if it is empty). */
  readonly head: Buffer;
  /** The whole content again, head first. Iterate it once, or call `close`. */
  readonly content: AsyncIterable<Uint8Array>;
  /** Stops reading when the content will not be used (the source itself is left to its owner). */
  close(): Promise<void>;
}

/** Reads the first `bytes` of `source` without losing them. */
export async function peek(source: AsyncIterable<Uint8Array>, bytes = sniffBytes): Promise<Peeked> {
  const iterator = source[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let length = 0;
  let done = false;
  while (length < bytes) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    chunks.push(Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength));
    length += next.value.byteLength;
  }
  const head = Buffer.concat(chunks);
  const close = async () => {
    if (!done) await iterator.return?.();
    done = true;
  };
  async function* content(): AsyncGenerator<Uint8Array> {
    try {
      yield* chunks;
      while (!done) {
        const next = await iterator.next();
        if (next.done) done = true;
        else yield next.value;
      }
    } finally {
      await close();
    }
  }
  return { head: head.subarray(0, Math.min(head.length, bytes)), content: content(), close };
}

/** The media type the content's first bytes show, or undefined when unrecognised. */
export async function detectType(head: Uint8Array): Promise<string | undefined> {
  return (await fileTypeFromBuffer(head))?.mime;
}
