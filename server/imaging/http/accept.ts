// Content negotiation for DICOMweb (PS3.18 8.7): which representation of a resource the client's
// Accept header allows, given what the server can produce without transcoding.
import { type MediaType, parseMediaType, splitOutsideQuotes } from './multipart.ts';

/** The Accept header's media ranges, best first (q=0 ranges dropped). */
export function acceptedRanges(header: string | undefined): MediaType[] {
  if (!header || header.trim() === '') return [parseMediaType('*/*')];
  return splitOutsideQuotes(header, ',')
    .map((range, order) => ({ media: parseMediaType(range), order }))
    .map(({ media, order }) => ({ media, order, q: Number(media.params.get('q') ?? '1') }))
    .filter(({ media, q }) => media.type !== '' && Number.isFinite(q) && q > 0)
    .sort((a, b) => b.q - a.q || a.order - b.order)
    .map(({ media }) => media);
}

/** Whether some range accepts a JSON answer (QIDO results, metadata, STOW responses). */
export function acceptsDicomJson(header: string | undefined): boolean {
  return acceptedRanges(header).some((range) => ['application/dicom+json', 'application/json', 'application/*', '*/*'].includes(range.type));
}

/** The media type of the encapsulated (compressed) transfer syntaxes (PS3.18 Table 8.7.3-2), for frames. */
const compressedMediaTypes: Record<string, string> = {
  '1.2.840.10008.1.2.4.50': 'image/jpeg',
  '1.2.840.10008.1.2.4.51': 'image/jpeg',
  '1.2.840.10008.1.2.4.57': 'image/jpeg',
  '1.2.840.10008.1.2.4.70': 'image/jpeg',
  '1.2.840.10008.1.2.4.80': 'image/jls',
  '1.2.840.10008.1.2.4.81': 'image/jls',
  '1.2.840.10008.1.2.4.90': 'image/jp2',
  '1.2.840.10008.1.2.4.91': 'image/jp2',
  '1.2.840.10008.1.2.4.92': 'image/jpx',
  '1.2.840.10008.1.2.4.93': 'image/jpx',
  '1.2.840.10008.1.2.4.201': 'image/jphc',
  '1.2.840.10008.1.2.4.202': 'image/jphc',
  '1.2.840.10008.1.2.4.203': 'image/jphc',
  '1.2.840.10008.1.2.5': 'image/dicom-rle',
  '1.2.840.10008.1.2.4.100': 'video/mpeg',
  '1.2.840.10008.1.2.4.101': 'video/mpeg',
  '1.2.840.10008.1.2.4.102': 'video/mp4',
  '1.2.840.10008.1.2.4.103': 'video/mp4',
  '1.2.840.10008.1.2.4.104': 'video/mp4',
  '1.2.840.10008.1.2.4.105': 'video/mp4',
  '1.2.840.10008.1.2.4.106': 'video/mp4',
  '1.2.840.10008.1.2.4.107': 'video/H265',
  '1.2.840.10008.1.2.4.108': 'video/H265',
};

/** Explicit VR Little Endian: the transfer syntax of native frames and the default of application/dicom. */
export const explicitVrLittleEndian = '1.2.840.10008.1.2.1';
/** Transfer syntaxes whose frames are native (uncompressed) pixels once the dataset is read. */
const nativeTransferSyntaxes = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.2', '1.2.840.10008.1.2.1.99']);

/** How frames of an instance are sent: the part's media type and transfer syntax. */
export interface FrameRepresentation {
  readonly mediaType: string;
  readonly transferSyntaxUid: string;
}

/** What the stored encoding of an instance's frames is, as a DICOMweb media type. */
export function storedFrameRepresentation(transferSyntaxUid: string): FrameRepresentation {
  if (nativeTransferSyntaxes.has(transferSyntaxUid)) return { mediaType: 'application/octet-stream', transferSyntaxUid: explicitVrLittleEndian };
  return { mediaType: compressedMediaTypes[transferSyntaxUid] ?? 'application/octet-stream', transferSyntaxUid };
}

/** Whether `range` (a multipart/related range's `type`, or a single-part range) names `wanted`. */
function typeMatches(rangeType: string, wanted: string): boolean {
  if (rangeType === '*/*' || rangeType === wanted) return true;
  return rangeType.endsWith('/*') && wanted.startsWith(rangeType.slice(0, -1));
}

/**
 * Frames (and pixel bulk data) are sent as stored, never transcoded: the answer is that
 * representation if some Accept range allows it, else undefined (406). A range's transfer-syntax
 * must be the stored one or `*`; without one, the standard's default for the media type applies
 * (Explicit VR Little Endian for octet-stream; any syntax of the type for compressed types).
 */
export function negotiateFrames(header: string | undefined, stored: FrameRepresentation): FrameRepresentation | undefined {
  for (const range of acceptedRanges(header)) {
    const isMultipart = range.type === 'multipart/related';
    if (!isMultipart && range.type !== '*/*') continue;
    const type = isMultipart ? (range.params.get('type') ?? '*/*').toLowerCase() : '*/*';
    const syntax = range.params.get('transfer-syntax');
    // "octet-stream, any transfer syntax" is how viewers (cornerstone's wadors loader) ask for frames as stored.
    if (syntax === '*' && type === 'application/octet-stream') return stored;
    if (!typeMatches(type, stored.mediaType)) continue;
    if (syntax === undefined || syntax === '*' || syntax === stored.transferSyntaxUid) return stored;
  }
  return undefined;
}

/**
 * Instances are sent as stored (application/dicom): allowed when some range accepts
 * multipart/related with type application/dicom and the stored transfer syntax, `*`, or none given.
 */
export function acceptsStoredInstances(header: string | undefined, storedTransferSyntaxes: ReadonlySet<string>): boolean {
  return acceptedRanges(header).some((range) => {
    if (range.type === '*/*') return true;
    if (range.type !== 'multipart/related') return false;
    if (!typeMatches((range.params.get('type') ?? 'application/dicom').toLowerCase(), 'application/dicom')) return false;
    const syntax = range.params.get('transfer-syntax');
    return syntax === undefined || syntax === '*' || [...storedTransferSyntaxes].every((stored) => stored === syntax);
  });
}
