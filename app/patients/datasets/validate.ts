// Validating a dataset with the generated standalone validators: no eval, so it runs in the
// renderer under its Content-Security-Policy (and anywhere else).
import * as generated from './generated/validators.ts';
import { validatorExportName } from './index.ts';
import { type DatasetIssues, datasetIssues, type RawValidationError } from './issues.ts';

type GeneratedValidator = ((data: unknown) => boolean) & { errors?: RawValidationError[] | null };

const validators = generated as unknown as Readonly<Record<string, GeneratedValidator | undefined>>;

export type DatasetValidation = { readonly valid: true } | { readonly valid: false; readonly issues: DatasetIssues };

/** Checks `data` against the ERN's dataset schema; throws if the ERN defines no dataset. */
export function validateDataset(ernId: string, data: unknown): DatasetValidation {
  const validate = validators[validatorExportName(ernId)];
  if (!validate) throw new Error(`No dataset is defined for ${ernId}`);
  return validate(data) ? { valid: true } : { valid: false, issues: datasetIssues(validate.errors) };
}
