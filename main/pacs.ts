// Fetches from a hospital PACS (DICOMweb GET) for the renderer: the desktop client's pages may reach
// only the Consilium server (CSP), and a PACS rarely allows other origins (CORS). http(s) only, no
// redirects to other schemes, the answer read up to a limit and handed back whole.
import { type PacsFetchOutcome, type PacsFetchRequest, pacsFetchMaxBytes } from '../app/desktop/bridge.ts';

/** The network call, replaceable in tests (Node's fetch by default). */
export type FetchLike = (url: string, init: { headers: Record<string, string>; redirect: 'follow' | 'error' }) => Promise<Response>;

/**
 * GETs `request.url` with its Accept header and returns the status, Content-Type and body; `network`
 * when the PACS cannot be reached, `too_large` past `maxBytes`. No cookies, no credentials.
 */
export async function fetchFromPacs(request: PacsFetchRequest, fetchImpl: FetchLike = fetch, maxBytes = pacsFetchMaxBytes): Promise<PacsFetchOutcome> {
  let response: Response;
  try {
    // Redirects are refused: a PACS's DICOMweb answers directly, and a redirect could lead anywhere.
    response = await fetchImpl(request.url, { headers: { Accept: request.accept }, redirect: 'error' });
  } catch {
    return { ok: false, code: 'network' };
  }
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body?.cancel();
    return { ok: false, code: 'too_large' };
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    if (response.body) {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        total += chunk.length;
        if (total > maxBytes) {
          await response.body.cancel().catch(() => undefined);
          return { ok: false, code: 'too_large' };
        }
        chunks.push(chunk);
      }
    }
  } catch {
    return { ok: false, code: 'network' };
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.length;
  }
  return { ok: true, status: response.status, contentType: response.headers.get('content-type') ?? '', body };
}
