// Frames out of Part 10 files and into WADO-RS multipart answers, for the test harness where Orthanc
// 1.10 cannot answer a frame request itself (it does not know HTJ2K and fails on deflated files):
// the harness then retrieves the whole instance from Orthanc and cuts the frame out here.
import { inflateRawSync } from 'node:zlib';
import dicomParser from 'dicom-parser';

const deflated = '1.2.840.10008.1.2.1.99';
const native = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.2', deflated]);

/** Frame `frame` (1-based) of a Part 10 file, and the transfer syntax its bytes are in. */
export function extractFrame(part10: Uint8Array, frame: number): { bytes: Buffer; transferSyntax: string } {
  const dataSet = dicomParser.parseDicom(part10, {
    inflater: (array: Uint8Array, position: number) => Buffer.concat([Buffer.from(array.subarray(0, position)), inflateRawSync(array.subarray(position))]),
  } as dicomParser.ParseDicomOptions);
  const syntax = dataSet.string('x00020010') ?? '1.2.840.10008.1.2';
  const pixelData = dataSet.elements.x7fe00010;
  if (!pixelData) throw new Error('no pixel data');
  const frames = Number(dataSet.string('x00280008') ?? '1') || 1;
  if (frame < 1 || frame > frames) throw new Error(`no frame ${frame} of ${frames}`);
  const bytes = Buffer.from(dataSet.byteArray.buffer, dataSet.byteArray.byteOffset, dataSet.byteArray.byteLength);
  if (native.has(syntax)) {
    const rows = dataSet.uint16('x00280010') ?? 0;
    const columns = dataSet.uint16('x00280011') ?? 0;
    const samples = dataSet.uint16('x00280002') ?? 1;
    const bits = dataSet.uint16('x00280100') ?? 16;
    // YBR_FULL_422 keeps one Cb and one Cr per two pixels: two samples per pixel, not three.
    const perPixel = dataSet.string('x00280004') === 'YBR_FULL_422' ? 2 : samples;
    const size = bits === 1 ? Math.ceil((rows * columns * perPixel) / 8) : (rows * columns * perPixel * bits) / 8;
    const start = pixelData.dataOffset + (frame - 1) * size;
    // An inflated data set is explicit VR little endian.
    return { bytes: Buffer.from(bytes.subarray(start, start + size)), transferSyntax: syntax === deflated ? '1.2.840.10008.1.2.1' : syntax };
  }
  const fragments = pixelData.fragments ?? [];
  let encoded: Uint8Array;
  if (frames === 1) encoded = dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, pixelData, 0, fragments.length);
  else if ((pixelData.basicOffsetTable ?? []).length > 0) encoded = dicomParser.readEncapsulatedImageFrame(dataSet, pixelData, frame - 1);
  else if (fragments.length === frames) encoded = dicomParser.readEncapsulatedPixelDataFromFragments(dataSet, pixelData, frame - 1, 1);
  else encoded = dicomParser.readEncapsulatedImageFrame(dataSet, pixelData, frame - 1, dicomParser.createJPEGBasicOffsetTable(dataSet, pixelData));
  return { bytes: Buffer.from(encoded), transferSyntax: syntax };
}

/** A WADO-RS frames answer (multipart/related, one part) for one frame. */
export function multipartFrame(frame: { bytes: Buffer; transferSyntax: string }): { contentType: string; body: Buffer } {
  const boundary = `frame-${Math.random().toString(36).slice(2)}`;
  const type = `application/octet-stream; transfer-syntax=${frame.transferSyntax}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Type: ${type}\r\n\r\n`, 'latin1');
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1');
  return { contentType: `multipart/related; type="${type}"; boundary=${boundary}`, body: Buffer.concat([head, frame.bytes, tail]) };
}

/** The first part of a multipart/related body. */
export function firstPart(contentType: string, body: Buffer): Buffer {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!boundary) throw new Error(`not multipart: ${contentType}`);
  const start = body.indexOf('\r\n\r\n', body.indexOf(`--${boundary}`)) + 4;
  const end = body.indexOf(`\r\n--${boundary}`, start);
  return body.subarray(start, end);
}
