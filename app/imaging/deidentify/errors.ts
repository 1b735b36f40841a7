// The one error de-identification throws: a stable code per kind of bad file, never personal data.

/** Why a file cannot be de-identified. The renderer shows `en.deidentify.errors[code]`. */
export const deidentifyErrorCodes = [
  'not_dicom',
  'truncated',
  'malformed',
  'unsupported_transfer_syntax',
  'too_large',
  'invalid_options',
  'invalid_masks',
] as const;

export type DeidentifyErrorCode = (typeof deidentifyErrorCodes)[number];

/**
 * A file that cannot be de-identified, or options that cannot be applied. `detail` says which
 * check failed in words for developers and logs (tags, offsets, transfer syntaxes; never values).
 */
export class DeidentifyError extends Error {
  readonly code: DeidentifyErrorCode;
  readonly detail: string;

  constructor(code: DeidentifyErrorCode, detail: string) {
    super(`${code}: ${detail}`);
    this.name = 'DeidentifyError';
    this.code = code;
    this.detail = detail;
  }
}
