// Reads the application error code out of whatever a tRPC call threw.
import { TRPCClientError } from '@trpc/client';
import { type ErrorCode, type ErrorDetails, isErrorCode } from '../../app/errors.ts';

/** An error the user can be told about: a domain code, or what went wrong on the way. */
export interface UserFacingError {
  code: ErrorCode | 'network' | 'internal';
  details: ErrorDetails;
  fields: Record<string, string[]>;
}

interface ErrorData {
  appCode?: unknown;
  details?: ErrorDetails;
  fields?: Record<string, string[]>;
}

export function toUserFacingError(error: unknown): UserFacingError {
  if (error instanceof TRPCClientError) {
    const data = (error.data ?? {}) as ErrorData;
    if (isErrorCode(data.appCode)) return { code: data.appCode, details: data.details ?? {}, fields: data.fields ?? {} };
    // No response at all (server down, connection refused): tRPC wraps the fetch failure.
    if (!error.data && !error.shape) return { code: 'network', details: {}, fields: {} };
  }
  if (error instanceof TypeError) return { code: 'network', details: {}, fields: {} };
  return { code: 'internal', details: {}, fields: {} };
}

/** Codes that mean the session is over and the user must sign in again. */
export const sessionEndingCodes: ReadonlySet<string> = new Set<ErrorCode>([
  'session_expired',
  'session_revoked',
  'token_invalid',
  'account_deactivated',
]);

export function appCodeOf(error: unknown): string | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const code = (error.data as ErrorData | undefined)?.appCode;
  return typeof code === 'string' ? code : undefined;
}
