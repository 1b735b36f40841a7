// Moving a patient's files' bytes: upload with progress, and reading one file into memory for its
// preview (never to disk: no-store answers, an ArrayBuffer in the page).
import { type FilePurpose, fileNameHeader, filePaths, type PatientFileView } from '../../../app/patients/files.ts';
import { sendWithSession } from '../../api/http.ts';

export interface UploadOptions {
  readonly purpose?: FilePurpose;
  /** Bytes sent so far, and in all. */
  readonly onProgress?: (sent: number, total: number) => void;
}

/**
 * Uploads one file to the patient's "Files"; resolves with the file as listed, rejects with an
 * HttpError whose `error.code` says why (too large, wrong type, …).
 */
export async function uploadFile(patientId: string, file: File, options: UploadOptions = {}): Promise<PatientFileView> {
  const query = options.purpose ? `?purpose=${encodeURIComponent(options.purpose)}` : '';
  const xhr = await sendWithSession({
    method: 'POST',
    path: `${filePaths.files(patientId)}${query}`,
    headers: { 'Content-Type': file.type || 'application/octet-stream', [fileNameHeader]: encodeURIComponent(file.name) },
    body: file,
    responseType: 'json',
    ...(options.onProgress ? { onUploadProgress: options.onProgress } : {}),
  });
  return xhr.response as PatientFileView;
}

/**
 * Attaches the signed consent form (SPEC PT-2) to a patient just enrolled: for "Add new patient",
 * after `patients.enrol` succeeded. It is listed in "Files", marked as the consent form.
 */
export function uploadConsentForm(patientId: string, file: File, onProgress?: (sent: number, total: number) => void): Promise<PatientFileView> {
  return uploadFile(patientId, file, { purpose: 'consent_form', ...(onProgress ? { onProgress } : {}) });
}

/** One file's bytes, in memory. */
export async function readFileBytes(patientId: string, fileId: string): Promise<ArrayBuffer> {
  const xhr = await sendWithSession({ method: 'GET', path: filePaths.file(patientId, fileId), responseType: 'arraybuffer' });
  return xhr.response as ArrayBuffer;
}
