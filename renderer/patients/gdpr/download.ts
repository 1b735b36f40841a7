// Downloads a patient's portability export from the server's export route (bytes, not tRPC) with the
// session's access token, renewed once if it has expired, and hands it to the browser as a file.
import { type ErrorCode, isErrorCode } from '../../../app/errors.ts';
import { serverUrl } from '../../api/index.ts';
import { useSessionStore } from '../../identity/useSessionStore.ts';

/** Why a download failed, as an error code the i18n `errors` section words. */
export class DownloadError extends Error {
  constructor(readonly code: ErrorCode | 'network' | 'internal') {
    super(code);
  }
}

async function fetchExport(patientId: string, token: string | undefined): Promise<Response> {
  try {
    return await fetch(`${serverUrl()}/api/patients/${encodeURIComponent(patientId)}/export`, { headers: token ? { authorization: `Bearer ${token}` } : {}, cache: 'no-store' });
  } catch {
    throw new DownloadError('network');
  }
}

/** Fetches the export and saves it as `fileName`; resolves once the browser has the file. */
export async function downloadExport(patientId: string, fileName: string): Promise<void> {
  const session = useSessionStore();
  let response = await fetchExport(patientId, session.accessToken);
  if (response.status === 401 && (await session.refresh())) response = await fetchExport(patientId, session.accessToken);
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { error?: unknown };
    throw new DownloadError(isErrorCode(body.error) ? body.error : 'internal');
  }
  const blob = await response.blob().catch(() => {
    throw new DownloadError('network');
  });
  const url = URL.createObjectURL(blob);
  try {
    const link = document.createElement('a');
    link.href = url;
    link.download = fileName;
    link.click();
  } finally {
    // The click has started the download; the page keeps no copy of the patient's data.
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}
