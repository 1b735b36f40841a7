// The one tRPC instance: the procedures features may build on, and the single place where domain
// errors become transport errors.
import { initTRPC, TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { z } from 'zod';
import { DomainError, type ErrorCode, type ErrorDetails } from '../app/errors.ts';
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
  too_large: 'PAYLOAD_TOO_LARGE',
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

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    let data: ErrorShapeData = { appCode: 'internal', details: {}, fields: {} };
    if (cause instanceof DomainError) data = { appCode: cause.code, details: cause.details, fields: {} };
    else if (cause instanceof z.ZodError) data = { appCode: 'invalid_input', details: {}, fields: fieldErrors(cause) };
    else if (error.code === 'BAD_REQUEST') data.appCode = 'invalid_input';
    else if (error.code === 'NOT_FOUND') data.appCode = 'not_found';
    const message = data.appCode === 'invalid_input' && cause instanceof z.ZodError
      ? `Invalid input: ${Object.entries(data.fields).map(([field, messages]) => `${field} (${messages.join('; ')})`).join(', ')}`
      : data.appCode === 'internal' && error.code === 'INTERNAL_SERVER_ERROR' ? 'Internal server error' : shape.message;
    const { stack: _stack, ...rest } = shape.data;
    return { ...shape, message, data: { ...rest, ...data } };
  },
});

function transportError(cause: DomainError): TRPCError {
  return new TRPCError({ code: transportCodes[cause.code], message: cause.code, cause });
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
export const publicProcedure = t.procedure.use(domainErrors);

/** A procedure for signed-in users: resolves the bearer token to `ctx.caller`. */
export const authedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  if (!ctx.accessToken) throw new DomainError('not_signed_in');
  const caller = await ctx.services.identity.authenticate(ctx.accessToken);
  return next({ ctx: { caller } });
});
