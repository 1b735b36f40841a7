// What every DICOMweb route shares: the bearer token resolved to a caller, errors as HTTP statuses
// with a JSON reason, and the URLs that answers point to.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type ErrorCode, type ErrorDetails } from '../../../app/errors.ts';
import type { Caller, IdentityService } from '../../identity/service.ts';

/** The code of an HTTP error: a domain error code, or a protocol error only a client's developer meets. */
export type ProblemCode = ErrorCode | 'not_acceptable' | 'unsupported_media_type' | 'internal';

/** An HTTP error a DICOMweb client gets: status, stable code, and a sentence saying why. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: ProblemCode,
    message: string,
    /** Facts for the client's message (as DomainError details), e.g. a limit. */
    readonly details: ErrorDetails = {},
  ) {
    super(message);
  }
}

/** "Not found" and "not allowed" look the same, so an answer never tells that something exists. */
export const notFound = () => new HttpProblem(404, 'not_found', 'Not found, or you do not have access to it.');

export const notAcceptable = (what: string) => new HttpProblem(406, 'not_acceptable', `None of the media types in Accept can be served: ${what}.`);

const callers = new WeakMap<FastifyRequest, Caller>();

/** The caller resolved by `authenticate` for this request. */
export function callerOf(request: FastifyRequest): Caller {
  const caller = callers.get(request);
  if (!caller) throw new HttpProblem(401, 'not_signed_in', 'Sign in: send an access token as "Authorization: Bearer <token>".');
  return caller;
}

/** A preHandler: resolves `Authorization: Bearer` with the identity service, or answers 401. */
export function authenticate(identity: IdentityService) {
  return async (request: FastifyRequest): Promise<void> => {
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    if (!match?.[1]) throw new HttpProblem(401, 'not_signed_in', 'Sign in: send an access token as "Authorization: Bearer <token>".');
    try {
      callers.set(request, await identity.authenticate(match[1]));
    } catch (error) {
      if (error instanceof DomainError) throw new HttpProblem(401, error.code, 'The access token is not valid (expired, revoked or malformed): sign in again.');
      throw error;
    }
  };
}

/** Sends an HttpProblem as JSON; 401 also says how to authenticate. */
export function sendProblem(reply: FastifyReply, problem: HttpProblem): FastifyReply {
  if (problem.status === 401) reply.header('WWW-Authenticate', `Bearer realm="consilium", error="invalid_token"`);
  return reply.code(problem.status).type('application/json').send({ error: problem.code, message: problem.message, details: problem.details });
}

/** The base of the DICOMweb URLs as the client reached them, e.g. http://127.0.0.1:4500/dicom-web. */
export function baseUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.headers.host ?? 'localhost'}/dicom-web`;
}

/** The URLs of a study, series and instance under `base`. */
export const urls = {
  study: (base: string, study: string) => `${base}/studies/${study}`,
  series: (base: string, study: string, series: string) => `${base}/studies/${study}/series/${series}`,
  instance: (base: string, study: string, series: string, sop: string) => `${base}/studies/${study}/series/${series}/instances/${sop}`,
};

/** A UID from a path segment, or 404 (a malformed UID names nothing). */
export function pathUid(value: string | undefined): string {
  if (!value || value.length > 64 || !/^\d+(\.\d+)*$/.test(value)) throw notFound();
  return value;
}
