// The one tRPC instance: the procedures features may build on, and the single place where domain
// errors become transport errors.
import { initTRPC, TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { z } from 'zod';
import type { Actor } from '../app/access/actor.ts';
import { decide, type Permission, principalFor } from '../app/access/policy.ts';
import { DomainError, type ErrorCode, type ErrorDetails } from '../app/errors.ts';
import type { AuditEntry } from './audit/log.ts';
import type { Context } from './context.ts';
import { JournalUnavailableError } from './db/durable/journal.ts';

const transportCodes: Record<ErrorCode, TRPC_ERROR_CODE_KEY> = {
  invalid_input: 'BAD_REQUEST',
  invalid_credentials: 'UNAUTHORIZED',
  wrong_code: 'UNAUTHORIZED',
  code_already_used: 'UNAUTHORIZED',
  account_locked: 'FORBIDDEN',
  account_deactivated: 'FORBIDDEN',
  too_many_attempts: 'TOO_MANY_REQUESTS',
  not_signed_in: 'UNAUTHORIZED',
  token_expired: 'UNAUTHORIZED',
  token_invalid: 'UNAUTHORIZED',
  session_expired: 'UNAUTHORIZED',
  session_revoked: 'UNAUTHORIZED',
  forbidden: 'FORBIDDEN',
  not_found: 'NOT_FOUND',
  conflict: 'CONFLICT',
  training_only: 'NOT_FOUND',
  storage_unavailable: 'SERVICE_UNAVAILABLE',
  consent_required: 'FORBIDDEN',
  guest_access_expired: 'FORBIDDEN',
  request_pending: 'CONFLICT',
  already_member: 'CONFLICT',
  affiliation_mismatch: 'BAD_REQUEST',
  not_same_hcp: 'BAD_REQUEST',
  own_request: 'FORBIDDEN',
  already_decided: 'CONFLICT',
  confirmation_mismatch: 'BAD_REQUEST',
  nickname_taken: 'CONFLICT',
  nickname_resembles_name: 'BAD_REQUEST',
  nickname_generation_exhausted: 'CONFLICT',
  sign_in_expired: 'UNAUTHORIZED',
  provider_failed: 'UNAUTHORIZED',
  email_not_verified: 'FORBIDDEN',
  email_in_use: 'CONFLICT',
  too_large: 'PAYLOAD_TOO_LARGE',
  file_too_large: 'PAYLOAD_TOO_LARGE',
  file_empty: 'BAD_REQUEST',
  file_type_not_allowed: 'UNSUPPORTED_MEDIA_TYPE',
  file_type_mismatch: 'UNSUPPORTED_MEDIA_TYPE',
  file_is_dicom: 'UNSUPPORTED_MEDIA_TYPE',
  review_not_due: 'CONFLICT',
};

/** What every error response carries in `data`, beside tRPC's own fields. */
export interface ErrorShapeData {
  appCode: ErrorCode | 'internal';
  details: ErrorDetails;
  /** For invalid input: each offending field with its messages. */
  fields: Record<string, string[]>;
}

function fieldErrors(error: z.ZodError): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.length > 0 ? issue.path.join('.') : '(input)';
    (fields[key] ??= []).push(issue.message);
  }
  return fields;
}

/**
 * What a procedure declares about who may call it: a permission from app/access/policy.ts, or that
 * it is public (sign-in, system information). A test walks the router and refuses any other.
 */
export interface ProcedureMeta {
  readonly permission?: Permission;
  readonly public?: true;
  /** Record successful calls of this query too (exports); mutations are always recorded. */
  readonly auditReads?: true;
}

const t = initTRPC.context<Context>().meta<ProcedureMeta>().create({
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    let data: ErrorShapeData = { appCode: 'internal', details: {}, fields: {} };
    if (cause instanceof DomainError) data = { appCode: cause.code, details: cause.details, fields: Object.fromEntries(Object.entries(cause.fields).map(([field, messages]) => [field, [...messages]])) };
    else if (cause instanceof z.ZodError) data = { appCode: 'invalid_input', details: {}, fields: fieldErrors(cause) };
    else if (error.code === 'BAD_REQUEST') data.appCode = 'invalid_input';
    else if (error.code === 'NOT_FOUND') data.appCode = 'not_found';
    const message = data.appCode === 'invalid_input' && Object.keys(data.fields).length > 0
      ? `Invalid input: ${Object.entries(data.fields).map(([field, messages]) => `${field} (${messages.join('; ')})`).join(', ')}`
      : data.appCode === 'internal' && error.code === 'INTERNAL_SERVER_ERROR' ? 'Internal server error' : shape.message;
    const { stack: _stack, ...rest } = shape.data;
    return { ...shape, message, data: { ...rest, ...data } };
  },
});

function transportError(cause: DomainError): TRPCError {
  return new TRPCError({ code: transportCodes[cause.code], message: cause.code, cause });
}

/** The HTTP status of a domain error, the same for HTTP routes outside tRPC (files) as for procedures. */
export function httpStatusOf(code: ErrorCode): number {
  return getHTTPStatusCodeFromError(transportError(new DomainError(code)));
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/** A subscription's stream, with domain errors raised while it runs turned into tRPC errors too. */
async function* translatingDomainErrors(stream: AsyncIterable<unknown>): AsyncGenerator<unknown, unknown> {
  try {
    return yield* stream;
  } catch (error) {
    throw error instanceof DomainError ? transportError(error) : error;
  }
}

/** Whether the journal refused a write (disk full, I/O error): nothing of it was saved; the user may retry. */
function isStorageUnavailable(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof JournalUnavailableError) return true;
  }
  return false;
}

/**
 * Turns domain errors thrown below into typed tRPC errors: those of the procedure call, and those a
 * subscription raises later, while its stream runs (after this middleware has returned).
 */
const domainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof DomainError) throw transportError(result.error.cause);
  if (!result.ok && isStorageUnavailable(result.error.cause)) throw transportError(new DomainError('storage_unavailable'));
  if (result.ok && isAsyncIterable(result.data)) return { ...result, data: translatingDomainErrors(result.data) };
  return result;
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
/** For the few procedures anyone may call (sign-in, system information). */
export const publicProcedure = t.procedure.meta({ public: true }).use(domainErrors);

/**
 * What a procedure tells the audit log about the record it acted on; the permission middleware
 * writes the entry when the call ends, with its outcome.
 */
export class AuditScope {
  recordType: string | null = null;
  recordId: string | null = null;
  details: NonNullable<AuditEntry['details']> = {};

  about(recordType: string, recordId: string, details: NonNullable<AuditEntry['details']> = {}): void {
    this.recordType = recordType;
    this.recordId = recordId;
    this.details = details;
  }
}

/** Who an audit entry names: the actor, and the clinician they act for when the permission is delegated. */
export function actorFields(actor: Actor, permission: Permission): Pick<AuditEntry, 'actorId' | 'onBehalfOfId'> {
  const principal = principalFor(actor, permission);
  return { actorId: actor.userId, onBehalfOfId: principal.userId === actor.userId ? null : principal.userId };
}

/**
 * A procedure that needs `permission`: resolves the bearer token to `ctx.caller` and `ctx.actor`,
 * refuses (and audits) anyone the policy does not grant it, and audits every mutation's outcome.
 * Declared before `.input()`, so the check runs before the input is even parsed.
 */
export function permitted(permission: Permission, meta: Omit<ProcedureMeta, 'permission' | 'public'> = {}) {
  return t.procedure
    .meta({ ...meta, permission })
    .use(domainErrors)
    .use(async ({ ctx, next, path, type }) => {
      if (!ctx.accessToken) throw new DomainError('not_signed_in');
      const caller = await ctx.services.identity.authenticate(ctx.accessToken);
      const actor = await ctx.services.actors.load(caller);
      const audit = ctx.services.audit;
      const decision = decide(actor, permission);
      if (!decision.allowed) {
        await audit.append({ ...actorFields(actor, permission), action: path, outcome: 'denied', details: { permission, reason: decision.reason } });
        throw new DomainError(decision.reason);
      }
      const scope = new AuditScope();
      const result = await next({ ctx: { caller, actor, audit: scope } });
      const who = actorFields(actor, permission);
      // Everything an assistant does in a clinician's name is recorded, reads included.
      if (type === 'mutation' || (meta.auditReads && result.ok) || who.onBehalfOfId) {
        const cause = result.ok ? undefined : result.error.cause;
        const code = cause instanceof DomainError ? cause.code : isStorageUnavailable(cause) ? 'storage_unavailable' : 'internal';
        const entry: AuditEntry = {
          ...who,
          action: path,
          recordType: scope.recordType,
          recordId: scope.recordId,
          outcome: result.ok ? 'success' : 'failure',
          details: result.ok ? scope.details : { code },
        };
        // The business write has happened; a failing audit write must not turn it into an error.
        await audit.append(entry).catch((error: unknown) => ctx.services.log.error({ action: path, error: (error as Error).name }, 'audit record not written'));
      }
      return result;
    });
}
