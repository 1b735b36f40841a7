// The transfer syntaxes de-identification reads, and which of them hold compressed (encapsulated) pixels.

export const transferSyntaxes = {
  implicitLittle: '1.2.840.10008.1.2',
  explicitLittle: '1.2.840.10008.1.2.1',
  deflatedExplicitLittle: '1.2.840.10008.1.2.1.99',
  explicitBig: '1.2.840.10008.1.2.2',
  jpegBaseline: '1.2.840.10008.1.2.4.50',
  jpegExtended: '1.2.840.10008.1.2.4.51',
  jpegLossless: '1.2.840.10008.1.2.4.57',
  jpegLosslessSv1: '1.2.840.10008.1.2.4.70',
  jpegLsLossless: '1.2.840.10008.1.2.4.80',
  jpegLsNearLossless: '1.2.840.10008.1.2.4.81',
  jpeg2000Lossless: '1.2.840.10008.1.2.4.90',
  jpeg2000: '1.2.840.10008.1.2.4.91',
  htj2kLossless: '1.2.840.10008.1.2.4.201',
  htj2kLosslessRpcl: '1.2.840.10008.1.2.4.202',
  htj2k: '1.2.840.10008.1.2.4.203',
  rleLossless: '1.2.840.10008.1.2.5',
} as const;

/** Encapsulated syntaxes whose pixels are kept byte for byte but which this module cannot decode for redaction. */
const otherEncapsulated = new Set([
  '1.2.840.10008.1.2.4.92', // JPEG 2000 Part 2 multi-component lossless
  '1.2.840.10008.1.2.4.93', // JPEG 2000 Part 2 multi-component
  '1.2.840.10008.1.2.4.100', // MPEG2 Main Profile / Main Level
  '1.2.840.10008.1.2.4.101', // MPEG2 Main Profile / High Level
  '1.2.840.10008.1.2.4.102', // MPEG-4 AVC/H.264 High Profile / Level 4.1
  '1.2.840.10008.1.2.4.103', // MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1
  '1.2.840.10008.1.2.4.104', // MPEG-4 AVC/H.264 High Profile / Level 4.2 for 2D video
  '1.2.840.10008.1.2.4.105', // MPEG-4 AVC/H.264 High Profile / Level 4.2 for 3D video
  '1.2.840.10008.1.2.4.106', // MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2
  '1.2.840.10008.1.2.4.107', // HEVC/H.265 Main Profile / Level 5.1
  '1.2.840.10008.1.2.4.108', // HEVC/H.265 Main 10 Profile / Level 5.1
  '1.2.840.10008.1.2.4.110', // JPEG XL Lossless
  '1.2.840.10008.1.2.4.111', // JPEG XL JPEG Recompression
  '1.2.840.10008.1.2.4.112', // JPEG XL
]);

const uncompressed = new Set<string>([transferSyntaxes.implicitLittle, transferSyntaxes.explicitLittle, transferSyntaxes.deflatedExplicitLittle, transferSyntaxes.explicitBig]);
const known = new Set<string>([...Object.values(transferSyntaxes), ...otherEncapsulated]);

/** A transfer syntax whose dataset encoding this module reads (every other one is refused). */
export function isKnownTransferSyntax(uid: string): boolean {
  return known.has(uid);
}

/** Pixel data held as compressed fragments rather than native values. */
export function isEncapsulated(uid: string): boolean {
  return !uncompressed.has(uid);
}

/** The encoding dcmjs reads and writes a dataset of this syntax in (encapsulated ones use explicit VR little endian). */
export function datasetSyntax(uid: string): string {
  if (uid === transferSyntaxes.implicitLittle || uid === transferSyntaxes.explicitBig) return uid;
  return transferSyntaxes.explicitLittle;
}

/** Lossy encodings: pixels decoded from them keep Lossy Image Compression = 01. */
export const lossyTransferSyntaxes: ReadonlySet<string> = new Set([
  transferSyntaxes.jpegBaseline,
  transferSyntaxes.jpegExtended,
  transferSyntaxes.jpegLsNearLossless,
  transferSyntaxes.jpeg2000,
  transferSyntaxes.htj2k,
]);
