// Content negotiation: frames and instances go as stored, never transcoded; what Accept allows decides.
import { expect, test } from 'vitest';
import { acceptsDicomJson, acceptsStoredInstances, negotiateFrames, storedFrameRepresentation } from '../../../server/imaging/http/accept.ts';

const native = storedFrameRepresentation('1.2.840.10008.1.2');
const jpegLs = storedFrameRepresentation('1.2.840.10008.1.2.4.80');

test('native frames are octet-stream in Explicit VR Little Endian; compressed ones keep their codec', () => {
  expect(native).toEqual({ mediaType: 'application/octet-stream', transferSyntaxUid: '1.2.840.10008.1.2.1' });
  expect(jpegLs).toEqual({ mediaType: 'image/jls', transferSyntaxUid: '1.2.840.10008.1.2.4.80' });
});

test.each([
  ['multipart/related; type="application/octet-stream"', 'native', true],
  ['multipart/related; type="application/octet-stream"', 'jls', false],
  ['multipart/related; type="application/octet-stream"; transfer-syntax=*', 'jls', true],
  ['multipart/related; type="image/jls"', 'jls', true],
  ['multipart/related; type="image/jls"; transfer-syntax=1.2.840.10008.1.2.4.81', 'jls', false],
  ['multipart/related; type="image/jp2", multipart/related; type="image/*"; q=0.5', 'jls', true],
  ['multipart/related; type="image/jls"; q=0', 'jls', false],
  ['*/*', 'jls', true],
  [undefined, 'native', true],
  ['application/json', 'native', false],
] as const)('frames with Accept %s for %s: %s', (accept, kind, allowed) => {
  expect(negotiateFrames(accept, kind === 'native' ? native : jpegLs) !== undefined).toBe(allowed);
});

test('instances: application/dicom with the stored transfer syntax, *, or none named', () => {
  const stored = new Set(['1.2.840.10008.1.2.4.80']);
  expect(acceptsStoredInstances('multipart/related; type="application/dicom"', stored)).toBe(true);
  expect(acceptsStoredInstances('multipart/related; type="application/dicom"; transfer-syntax=*', stored)).toBe(true);
  expect(acceptsStoredInstances('multipart/related; type="application/dicom"; transfer-syntax=1.2.840.10008.1.2.1', stored)).toBe(false);
  expect(acceptsStoredInstances('application/dicom+json', stored)).toBe(false);
});

test('JSON answers: dicom+json, json or anything', () => {
  expect(acceptsDicomJson('application/dicom+json')).toBe(true);
  expect(acceptsDicomJson('application/json, text/plain')).toBe(true);
  expect(acceptsDicomJson(undefined)).toBe(true);
  expect(acceptsDicomJson('application/dicom+xml')).toBe(false);
});
