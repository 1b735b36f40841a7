// Reaching a hospital PACS from the workstation: in the desktop client through the main process
// (the IPC gate), in a browser with fetch (the PACS must allow the workstation's origin by CORS, and
// the server's CSP must list it: CONSILIUM_PACS_URLS). Never through the Consilium server.
import { type PacsInstance, type PacsSearch, type PacsStudy, instanceUrl, readInstances, readStudies, studyInstancesUrl, studySearchUrl, wadoAccept } from '../../../app/imaging/import/pacs.ts';
import { multipartParts } from '../../../app/imaging/multipart.ts';

/** A PACS that could not be reached or answered something unusable. */
export class PacsError extends Error {
  constructor(readonly code: 'unreachable' | 'refused' | 'unreadable' | 'too_large') {
    super(code);
  }
}

async function get(url: string, accept: string): Promise<{ contentType: string; body: Uint8Array }> {
  const bridge = window.consilium;
  if (bridge) {
    const outcome = await bridge.pacs.fetch({ url, accept });
    if (!outcome.ok) throw new PacsError(outcome.code === 'too_large' ? 'too_large' : 'unreachable');
    if (outcome.status >= 400) throw new PacsError('refused');
    return { contentType: outcome.contentType, body: outcome.body };
  }
  let response: Response;
  try {
    // No cookies or credentials of the workstation go to the PACS.
    response = await fetch(url, { headers: { Accept: accept }, credentials: 'omit', redirect: 'error', cache: 'no-store' });
  } catch {
    throw new PacsError('unreachable');
  }
  if (!response.ok) throw new PacsError('refused');
  return { contentType: response.headers.get('content-type') ?? '', body: new Uint8Array(await response.arrayBuffer()) };
}

async function getJson(url: string): Promise<unknown> {
  const { body } = await get(url, 'application/dicom+json');
  // QIDO-RS answers 204 or an empty body when nothing matches.
  if (body.length === 0) return [];
  try {
    return JSON.parse(new TextDecoder().decode(body));
  } catch {
    throw new PacsError('unreadable');
  }
}

/** QIDO-RS: the studies matching the terms. */
export async function searchStudies(base: string, search: PacsSearch): Promise<PacsStudy[]> {
  try {
    return readStudies(await getJson(studySearchUrl(base, search)));
  } catch (error) {
    throw error instanceof PacsError ? error : new PacsError('unreadable');
  }
}

/** QIDO-RS: every instance of a study. */
export async function studyInstances(base: string, studyUid: string): Promise<PacsInstance[]> {
  try {
    return readInstances(await getJson(studyInstancesUrl(base, studyUid)), studyUid);
  } catch (error) {
    throw error instanceof PacsError ? error : new PacsError('unreadable');
  }
}

/** WADO-RS: one instance as a Part 10 file. */
export async function retrieveInstance(base: string, instance: PacsInstance): Promise<ArrayBuffer> {
  const { contentType, body } = await get(instanceUrl(base, instance), wadoAccept);
  let parts: Uint8Array[];
  try {
    parts = multipartParts(contentType, body);
  } catch {
    throw new PacsError('unreadable');
  }
  const [part] = parts;
  if (parts.length !== 1 || !part) throw new PacsError('unreadable');
  return part.slice().buffer;
}
