// The viewer's DICOMweb client (PS3.18): QIDO-RS for a study's series, WADO-RS for their metadata,
// and the image ids cornerstone's `wadors:` loader fetches frames with. Every request carries the
// user's bearer token; an expired token is renewed once and the request retried.
import type { DicomJsonAttribute, DicomJsonDataset } from '../../app/imaging/dicom-json.ts';
import { multipartParts } from '../../app/imaging/multipart.ts';
import type { ImageRef } from '../../app/imaging/series.ts';

/** Why the study cannot be shown, in words the page turns into a sentence (i18n `imaging.errors`). */
export type DicomWebFailure = 'not_found' | 'not_signed_in' | 'network' | 'server';

export class DicomWebError extends Error {
  constructor(readonly failure: DicomWebFailure, readonly status?: number) {
    super(`DICOMweb request failed: ${failure}${status ? ` (HTTP ${status})` : ''}`);
    this.name = 'DicomWebError';
  }
}

export interface DicomWebClient {
  /** The study's series (QIDO-RS), in no particular order. */
  listSeries(studyUid: string): Promise<DicomJsonDataset[]>;
  /** All instances' metadata of a series (WADO-RS), bulk data by reference. */
  seriesMetadata(studyUid: string, seriesUid: string): Promise<DicomJsonDataset[]>;
  /** The cornerstone image id of one frame. */
  imageId(studyUid: string, seriesUid: string, image: ImageRef): string;
}

export interface DicomWebOptions {
  /** e.g. `https://consilium.example/dicom-web` (no trailing slash). */
  readonly baseUrl: string;
  /** The Authorization header of the current session. */
  readonly authorization: () => Promise<Record<string, string>>;
  /** Renews the access token after a 401; resolves false when the session is over. */
  readonly renew: () => Promise<boolean>;
}

const json = 'application/dicom+json';

/**
 * Bulk data the image loader needs in the metadata itself: the palette colour lookup tables.
 * (Pixel data comes frame by frame; other bulk data is not needed to display an image.)
 */
const inlinedBulkData = ['00281201', '00281202', '00281203'];

export function dicomWebClient(options: DicomWebOptions): DicomWebClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  const path = (...parts: string[]) => parts.map(encodeURIComponent).join('/');

  /** A GET with the session's token; an expired token is renewed once and the request repeated. */
  async function get(url: string, accept: string, renewed = false): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(url, { headers: { Accept: accept, ...(await options.authorization()) }, cache: 'no-store', credentials: 'omit' });
    } catch {
      throw new DicomWebError('network');
    }
    if (response.status === 401 && !renewed && (await options.renew().catch(() => false))) return get(url, accept, true);
    if (response.status === 401) throw new DicomWebError('not_signed_in', 401);
    // 204: a query that matched nothing; 404 also stands for "not yours" (the server does not say which).
    if (response.status === 404 || response.status === 204) throw new DicomWebError('not_found', response.status);
    if (!response.ok) throw new DicomWebError('server', response.status);
    return response;
  }

  async function getJson(url: string): Promise<DicomJsonDataset[]> {
    const body: unknown = await (await get(url, json)).json().catch(() => undefined);
    if (!Array.isArray(body)) throw new DicomWebError('server');
    return body as DicomJsonDataset[];
  }

  async function getBytes(url: string): Promise<Uint8Array> {
    const response = await get(url, 'multipart/related; type="application/octet-stream"');
    const body = new Uint8Array(await response.arrayBuffer());
    const contentType = response.headers.get('content-type') ?? '';
    return contentType.startsWith('multipart/') ? (multipartParts(contentType, body)[0] ?? new Uint8Array()) : body;
  }

  /**
   * Replaces the bulk data the loader cannot read (by reference, or inline in base64 as some servers
   * send short values, Consilium's included) with the values (16-bit words, little endian). Only references to this DICOMweb service are followed: the token goes nowhere else.
   */
  async function inlineBulkData(instances: DicomJsonDataset[], metadataUrl: string): Promise<DicomJsonDataset[]> {
    const origin = new URL(base).origin;
    return Promise.all(
      instances.map(async (instance) => {
        const resolved: Record<string, DicomJsonAttribute | undefined> = { ...instance };
        for (const tag of inlinedBulkData) {
          const inline = instance[tag]?.InlineBinary;
          const uri = instance[tag]?.BulkDataURI;
          if (!uri && inline === undefined) continue;
          let bytes: Uint8Array;
          if (inline !== undefined) bytes = Uint8Array.from(atob(inline), (char) => char.charCodeAt(0));
          else {
            const url = new URL(uri!, metadataUrl);
            if (url.origin !== origin || !url.href.startsWith(`${base}/`)) throw new DicomWebError('server');
            bytes = await getBytes(url.href);
          }
          const words = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
          const values = Array.from({ length: Math.floor(bytes.byteLength / 2) }, (_, i) => words.getUint16(i * 2, true));
          resolved[tag] = { vr: instance[tag]!.vr, Value: values };
        }
        return resolved;
      }),
    );
  }

  return {
    listSeries: (studyUid) => getJson(`${base}/studies/${path(studyUid)}/series`),
    seriesMetadata: async (studyUid, seriesUid) => {
      const url = `${base}/studies/${path(studyUid)}/series/${path(seriesUid)}/metadata`;
      return inlineBulkData(await getJson(url), url);
    },
    imageId: (studyUid, seriesUid, image) =>
      `wadors:${base}/studies/${path(studyUid)}/series/${path(seriesUid)}/instances/${path(image.sopInstanceUid)}/frames/${image.frame}`,
  };
}
