// Sends de-identified instances to the server's DICOMweb store (STOW-RS) with the session's token and
// upload progress; the answer says what became of each instance.
import { readStowAnswer, type StowResult, stowBody, stowBoundary, stowContentType } from '../../../app/imaging/import/stow.ts';
import { sendWithSession } from '../../api/http.ts';

/** The server's STOW-RS endpoint. */
export const stowPath = '/dicom-web/studies';

/**
 * Stores a batch of instances (by their new SOP Instance UIDs); resolves with each one's result.
 * Rejects with an HttpError when the request as a whole was refused (session, size, network).
 */
export async function storeInstances(instances: ReadonlyArray<{ readonly sopUid: string; readonly bytes: Uint8Array }>, onProgress: (sent: number, total: number) => void): Promise<Map<string, StowResult>> {
  const boundary = stowBoundary((count) => crypto.getRandomValues(new Uint8Array(count)));
  const body = new Blob(stowBody(instances.map((i) => i.bytes), boundary) as BlobPart[]);
  const xhr = await sendWithSession({
    method: 'POST',
    path: stowPath,
    headers: { 'Content-Type': stowContentType(boundary), Accept: 'application/dicom+json' },
    body,
    responseType: 'json',
    onUploadProgress: onProgress,
    // 409 (none stored) and 202 (some) carry the per-instance answer like 200.
    acceptStatuses: [409],
  });
  return readStowAnswer(xhr.response, instances.map((i) => i.sopUid));
}
