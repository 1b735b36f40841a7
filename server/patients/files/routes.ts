// The HTTP routes that carry files' bytes (tRPC carries the list and deletion): an upload streamed
// into the blob store, and one file read back for its preview. Each authenticates the bearer token,
// checks the permission and records its outcome in the audit log, as `permitted` does for procedures.
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../../app/access/actor.ts';
import { decide, type Permission, principalFor } from '../../../app/access/policy.ts';
import { DomainError, type ErrorCode, type ErrorDetails } from '../../../app/errors.ts';
import { fileContentParams, fileNameHeader, filePathParams, type FileProblem, uploadQuery } from '../../../app/patients/files.ts';
import { stackFrames } from '../../log.ts';
import type { Services } from '../../services.ts';
import { actorFields, AuditScope, httpStatusOf } from '../../trpc.ts';

/** What a file response may do in a browser that opens it directly: nothing but be shown. */
const fileResponsePolicy = "default-src 'none'; sandbox; frame-ancestors 'none'";

const messages: Partial<Record<ErrorCode, (details: ErrorDetails) => string>> = {
  not_signed_in: () => 'Sign in: send an access token as "Authorization: Bearer <token>".',
  not_found: () => 'Not found, or you do not have access to it.',
  forbidden: () => 'You do not have permission to do this.',
  invalid_input: () => 'The request cannot be read: check the file name header and the purpose.',
  file_too_large: (d) => `The file is larger than the limit of ${d.limitMb} MB.`,
  file_empty: () => 'The file is empty (0 bytes).',
  file_type_not_allowed: () => 'Only PDF documents and PNG, JPEG, WebP or GIF images can be added to a patient’s files.',
  file_type_mismatch: (d) => `The file’s name or declared type says ${d.claimed}, but its content is not.`,
  file_is_dicom: () => 'DICOM images are added through the imaging upload, which removes identifying data from them first.',
};

function sendProblem(reply: FastifyReply, code: ErrorCode | 'internal', details: ErrorDetails = {}): FastifyReply {
  const status = code === 'internal' ? 500 : httpStatusOf(code);
  if (status === 401) reply.header('WWW-Authenticate', 'Bearer realm="consilium"');
  const message = code === 'internal' ? 'Something went wrong on the server.' : (messages[code]?.(details) ?? `Refused: ${code}.`);
  const body: FileProblem = { error: code, message, ...(Object.keys(details).length > 0 ? { details } : {}) };
  return reply.code(status).type('application/json').send(body);
}

/** `Content-Disposition` naming the file safely: an ASCII fallback and the exact name in UTF-8 (RFC 6266). */
export function contentDisposition(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

function bearer(request: FastifyRequest): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
}

/** Thrown when the client went away in the middle of its upload: there is no one to answer. */
class Interrupted extends Error {}

/**
 * Authenticates the caller, checks `permission` (auditing a refusal), runs `task` and records its
 * outcome under `action`, with the record it names through the scope.
 */
async function recorded<T>(services: Services, request: FastifyRequest, permission: Permission, action: string, task: (actor: Actor, scope: AuditScope) => Promise<T>): Promise<T> {
  const token = bearer(request);
  if (!token) throw new DomainError('not_signed_in');
  const actor = await services.actors.load(await services.identity.authenticate(token));
  const who = actorFields(actor, permission);
  const decision = decide(actor, permission);
  if (!decision.allowed) {
    await services.audit.append({ ...who, action, outcome: 'denied', details: { permission, reason: decision.reason } });
    throw new DomainError(decision.reason);
  }
  const scope = new AuditScope();
  try {
    const result = await task(actor, scope);
    await services.audit.append({ ...who, action, recordType: scope.recordType, recordId: scope.recordId, outcome: 'success', details: scope.details });
    return result;
  } catch (error) {
    const code = error instanceof DomainError ? error.code : error instanceof Interrupted ? 'interrupted' : 'internal';
    await services.audit.append({ ...who, action, recordType: scope.recordType, recordId: scope.recordId, outcome: 'failure', details: { code } });
    throw error;
  }
}

function parsed<T>(result: { success: true; data: T } | { success: false }, code: ErrorCode): T {
  if (!result.success) throw new DomainError(code);
  return result.data;
}

/** The file's name from its header (percent-encoded UTF-8); empty when none was sent. */
function fileName(request: FastifyRequest): string {
  const raw = request.headers[fileNameHeader];
  if (raw === undefined) return '';
  try {
    return decodeURIComponent(Array.isArray(raw) ? raw.join(',') : raw);
  } catch {
    throw new DomainError('invalid_input', { field: 'name' });
  }
}

async function* nothing(): AsyncGenerator<Uint8Array> {}

/** The file routes; register after the server's security headers hook (plugins inherit hooks added before them). */
export function fileRoutes(services: Services): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    // Bodies are streamed by the handler into the blob store, never parsed or buffered whole, and
    // so never count against the server's JSON body limit; the file limit is enforced while streaming.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    app.setErrorHandler((error, request, reply) => {
      if (error instanceof Interrupted) {
        request.log.info({ files: 'upload interrupted by the client' }, 'upload interrupted');
        return reply.code(400).send();
      }
      if (error instanceof DomainError) return sendProblem(reply, error.code, error.details);
      const status = (error as { statusCode?: number }).statusCode;
      if (status === 415) return sendProblem(reply, 'file_type_not_allowed');
      if (status !== undefined && status >= 400 && status < 500) return sendProblem(reply, 'invalid_input');
      request.log.error({ stack: stackFrames(error) }, 'file request failed');
      return sendProblem(reply, 'internal');
    });

    app.post('/api/patients/:patientId/files', async (request, reply) => {
      const body = request.body as IncomingMessage | undefined;
      try {
        const view = await recorded(services, request, 'patients.write', 'patients.files.upload', async (actor, scope) => {
          const { patientId } = parsed(filePathParams.safeParse(request.params), 'not_found');
          const { purpose } = parsed(uploadQuery.safeParse(request.query), 'invalid_input');
          const length = Number(request.headers['content-length']);
          try {
            return await services.files.upload(actor, principalFor(actor, 'patients.write'), patientId, {
              name: fileName(request),
              declaredType: request.headers['content-type'],
              declaredBytes: Number.isFinite(length) ? length : undefined,
              purpose,
              // Stopping early (a refused file) must not destroy the request: the answer still has to go out.
              content: body ? body.iterator({ destroyOnReturn: false }) : nothing(),
            }, scope);
          } catch (error) {
            if (body && !body.complete && body.destroyed) throw new Interrupted();
            throw error;
          }
        });
        return reply.code(201).send(view);
      } finally {
        // A refused upload leaves the rest of the body unread: discard it, so the client reads the answer.
        if (body && !body.complete && !body.destroyed) body.resume();
      }
    });

    // No HEAD twin: it would read (and audit) the whole file to send nothing.
    app.get('/api/patients/:patientId/files/:fileId', { exposeHeadRoute: false }, async (request, reply) => {
      const file = await recorded(services, request, 'patients.read', 'patients.files.read', (actor, scope) => {
        const { patientId, fileId } = parsed(fileContentParams.safeParse(request.params), 'not_found');
        return services.files.read(principalFor(actor, 'patients.read'), patientId, fileId, scope);
      });
      return reply
        .header('Content-Type', file.contentType)
        .header('Content-Disposition', contentDisposition(file.name))
        .header('Content-Security-Policy', fileResponsePolicy)
        .header('X-Content-Type-Options', 'nosniff')
        .header('Cache-Control', 'no-store')
        .header('Cross-Origin-Resource-Policy', 'same-origin')
        .send(file.bytes);
    });
  };
}
