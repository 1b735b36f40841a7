/**
 * Every error a user or client can meet, as one union of stable snake_case codes. The server maps
 * each to a transport code once (server/trpc.ts); the renderer turns each into a sentence (i18n).
 */
export const errorCodes = [
  'invalid_input',
  'invalid_credentials',
  'wrong_code',
  'code_already_used',
  'account_locked',
  'account_deactivated',
  'too_many_attempts',
  'not_signed_in',
  'token_expired',
  'token_invalid',
  'session_expired',
  'session_revoked',
  'forbidden',
  'not_found',
  'conflict',
  'training_only',
  'storage_unavailable',
  'consent_required',
  'guest_access_expired',
  'request_pending',
  'already_member',
  'affiliation_mismatch',
  'not_same_hcp',
  'own_request',
  'already_decided',
  'confirmation_mismatch',
  'nickname_taken',
  'nickname_resembles_name',
  'nickname_generation_exhausted',
  'sign_in_expired',
  'provider_failed',
  'email_not_verified',
  'email_in_use',
  'too_large',
  'file_too_large',
  'file_empty',
  'file_type_not_allowed',
  'file_type_mismatch',
  'file_is_dicom',
  'review_not_due',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

/** Extra facts an error carries for its message, e.g. when a lock ends. Never personal data. */
export type ErrorDetails = Readonly<Record<string, string | number>>;

/** For invalid input found after parsing: each offending field (dotted path, as zod's) with its messages. */
export type FieldErrors = Readonly<Record<string, readonly string[]>>;

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;
  readonly fields: FieldErrors;

  constructor(code: ErrorCode, details: ErrorDetails = {}, fields: FieldErrors = {}) {
    super(code);
    this.name = 'DomainError';
    this.code = code;
    this.details = details;
    this.fields = fields;
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (errorCodes as readonly string[]).includes(value);
}
