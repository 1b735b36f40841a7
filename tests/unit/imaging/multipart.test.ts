// The multipart reader gets the same parts however the bytes are cut into chunks, and says when a
// body is damaged; the writer's output reads back.
import { describe, expect, test } from 'vitest';
import { MultipartError, multipartBody, type Part, readMultipart, writeMultipart } from '../../../server/imaging/http/multipart.ts';

async function* chunks(body: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < body.length; i += size) yield body.subarray(i, i + size);
}

async function read(body: Buffer, boundary: string, size = body.length, max = 1 << 20): Promise<Part[]> {
  const parts: Part[] = [];
  for await (const part of readMultipart(chunks(body, size), boundary, max)) parts.push(part);
  return parts;
}

const body = Buffer.concat([
  Buffer.from('preamble to ignore\r\n--b0undary\r\nContent-Type: application/dicom\r\n\r\n'),
  Buffer.from('first\r\n--b0undar not the end'),
  Buffer.from('\r\n--b0undary  \r\nContent-Type: text/plain\r\n\r\nsecond'),
  Buffer.from('\r\n--b0undary--\r\nepilogue'),
]);

describe('reading', () => {
  test.each([1, 2, 7, 13, 64, body.length])('the same parts whatever the chunk size (%i bytes)', async (size) => {
    const parts = await read(body, 'b0undary', size);
    expect(parts.map((p) => [p.headers.get('content-type'), p.body?.toString()])).toEqual([
      ['application/dicom', 'first\r\n--b0undar not the end'],
      ['text/plain', 'second'],
    ]);
  });

  test('a part over the limit is read through and flagged, the next one is still read', async () => {
    const parts = await read(body, 'b0undary', 5, 10);
    expect(parts.map((p) => (p.tooLarge ? 'too large' : p.body?.toString()))).toEqual(['too large', 'second']);
  });

  test('a body cut before its closing boundary, or without the boundary, is malformed', async () => {
    await expect(read(body.subarray(0, body.length - 25), 'b0undary', 9)).rejects.toThrow(MultipartError);
    await expect(read(body, 'other', 9)).rejects.toThrow(/no multipart boundary/);
  });
});

test('what the writers produce reads back', async () => {
  const parts = [{ contentType: 'application/octet-stream', body: Buffer.from([0, 1, 2, 13, 10, 45, 45]) }, { contentType: 'image/jls', body: Buffer.alloc(3000, 7) }];
  const streamed: Buffer[] = [];
  for await (const piece of writeMultipart(parts, 'xyz')) streamed.push(piece);
  for (const written of [Buffer.concat(streamed), multipartBody(parts, 'xyz')]) {
    const back = await read(written, 'xyz', 100);
    expect(back.map((p) => [p.headers.get('content-type'), p.body])).toEqual(parts.map((p) => [p.contentType, p.body]));
  }
});
