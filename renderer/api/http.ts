// Authenticated HTTP for the routes outside tRPC (files' bytes): XMLHttpRequest, because fetch
// reports no upload progress; the session's access token, renewed once when it has expired.
import { type ErrorCode, isErrorCode } from '../../app/errors.ts';
import { sessionEndingCodes, type UserFacingError } from './errors.ts';
import { httpSession } from './index.ts';

export interface HttpRequest {
  readonly method: 'GET' | 'POST';
  /** A path of the server, e.g. `/api/patients/<id>/files`. */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Blob;
  readonly responseType: 'json' | 'arraybuffer';
  /** Called as the body goes out: bytes sent so far, and in all. */
  readonly onUploadProgress?: (sent: number, total: number) => void;
  /** Error statuses whose answer the caller reads itself (e.g. STOW-RS 409: none stored, each one's reason). */
  readonly acceptStatuses?: readonly number[];
}

/** A refusal or failure, as the user is told about it. */
export class HttpError extends Error {
  constructor(readonly error: UserFacingError) {
    super(error.code);
  }
}

function failure(code: ErrorCode | 'network' | 'internal', details: UserFacingError['details'] = {}): HttpError {
  return new HttpError({ code, details, fields: {} });
}

/** The app error a refusal carries in its JSON body ({ error, details }), if it carries one. */
function refusalOf(xhr: XMLHttpRequest): HttpError {
  let body: unknown = xhr.response;
  if (xhr.responseType === 'arraybuffer' && body instanceof ArrayBuffer) {
    try {
      body = JSON.parse(new TextDecoder().decode(body));
    } catch {
      body = undefined;
    }
  }
  const { error, details } = (body ?? {}) as { error?: unknown; details?: UserFacingError['details'] };
  return isErrorCode(error) ? failure(error, details ?? {}) : failure('internal');
}

function sendOnce(request: HttpRequest, token: string | undefined): Promise<XMLHttpRequest> {
  const { serverUrl } = httpSession();
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(request.method, new URL(request.path, serverUrl).toString());
    xhr.responseType = request.responseType;
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    for (const [name, value] of Object.entries(request.headers ?? {})) xhr.setRequestHeader(name, value);
    const progress = request.onUploadProgress;
    if (progress) xhr.upload.addEventListener('progress', (event) => progress(event.loaded, event.lengthComputable ? event.total : (request.body?.size ?? 0)));
    xhr.addEventListener('load', () => resolve(xhr));
    xhr.addEventListener('error', () => reject(failure('network')));
    xhr.addEventListener('abort', () => reject(failure('network')));
    xhr.send(request.body ?? null);
  });
}

/**
 * Sends the request with the session's token; an expired token is renewed and the request sent
 * once more. Resolves with the successful response; rejects with an HttpError otherwise.
 */
export async function sendWithSession(request: HttpRequest): Promise<XMLHttpRequest> {
  const { hooks } = httpSession();
  const refused = (xhr: XMLHttpRequest) => (xhr.status >= 400 && !request.acceptStatuses?.includes(xhr.status) ? refusalOf(xhr) : undefined);
  let xhr = await sendOnce(request, hooks.accessToken());
  let refusal = refused(xhr);
  if (refusal?.error.code === 'token_expired' && (await hooks.refresh())) {
    xhr = await sendOnce(request, hooks.accessToken());
    refusal = refused(xhr);
  }
  if (!refusal) return xhr;
  if (sessionEndingCodes.has(refusal.error.code)) hooks.sessionEnded(refusal.error.code);
  throw refusal;
}
