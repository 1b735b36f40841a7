// Writes the Part 10 framing: preamble, "DICM" and the file meta information (group 0002, explicit VR
// little endian), and joins byte arrays.

/** Consilium's Implementation Class UID (a 2.25 UUID-derived UID made once for this product). */
export const implementationClassUid = '2.25.146825762213290661308313486636830728776';
export const implementationVersionName = 'CONSILIUM_DEID_1';

export interface FileMeta {
  readonly sopClassUid: string;
  readonly sopInstanceUid: string;
  readonly transferSyntax: string;
}

function asciiBytes(text: string, pad: number): Uint8Array {
  const length = text.length + (text.length % 2);
  const bytes = new Uint8Array(length).fill(pad);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7e) throw new Error('file meta values are ASCII');
    bytes[i] = code;
  }
  return bytes;
}

function element(group: number, elementNumber: number, vr: string, value: Uint8Array): Uint8Array {
  const long = vr === 'OB';
  const out = new Uint8Array((long ? 12 : 8) + value.length);
  const view = new DataView(out.buffer);
  view.setUint16(0, group, true);
  view.setUint16(2, elementNumber, true);
  out[4] = vr.charCodeAt(0);
  out[5] = vr.charCodeAt(1);
  if (long) view.setUint32(8, value.length, true);
  else view.setUint16(6, value.length, true);
  out.set(value, long ? 12 : 8);
  return out;
}

/** Preamble, "DICM" and a complete, correct file meta group for the given instance. */
export function part10Header(meta: FileMeta): Uint8Array {
  const group = concatBytes([
    element(0x0002, 0x0001, 'OB', new Uint8Array([0, 1])),
    element(0x0002, 0x0002, 'UI', asciiBytes(meta.sopClassUid, 0)),
    element(0x0002, 0x0003, 'UI', asciiBytes(meta.sopInstanceUid, 0)),
    element(0x0002, 0x0010, 'UI', asciiBytes(meta.transferSyntax, 0)),
    element(0x0002, 0x0012, 'UI', asciiBytes(implementationClassUid, 0)),
    element(0x0002, 0x0013, 'SH', asciiBytes(implementationVersionName, 0x20)),
  ]);
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, group.length, true);
  const preamble = new Uint8Array(132);
  preamble.set([0x44, 0x49, 0x43, 0x4d], 128);
  return concatBytes([preamble, element(0x0002, 0x0000, 'UL', length), group]);
}

/** The arrays one after the other in a new array. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const part of parts) total += part.length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
