// Downloads a patient's portability export from the server's export route (bytes, not tRPC) with the
// session's token, and hands it to the browser as a file; the page keeps no copy of it.
import { sendWithSession } from '../../api/http.ts';

/** Fetches the export and saves it as `fileName`; resolves once the browser has the file. */
export async function downloadExport(patientId: string, fileName: string): Promise<void> {
  const xhr = await sendWithSession({ method: 'GET', path: `/api/patients/${encodeURIComponent(patientId)}/export`, responseType: 'arraybuffer' });
  const url = URL.createObjectURL(new Blob([xhr.response as ArrayBuffer], { type: 'application/zip' }));
  try {
    const link = document.createElement('a');
    link.href = url;
    link.download = fileName;
    link.click();
  } finally {
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}
