// Validating a dataset on the server, with ajv compiling the schemas at run time (the server has no
// eval restriction); the same options as the generated validators, and the same issue mapping.
import { datasetSchemaFor } from '../../../app/patients/datasets/index.ts';
import { datasetIssues } from '../../../app/patients/datasets/issues.ts';
import type { DatasetValidation } from '../../../app/patients/datasets/validate.ts';
import { DomainError } from '../../../app/errors.ts';
import { createDatasetAjv } from './ajv.ts';

let ajv: ReturnType<typeof createDatasetAjv> | undefined;

/** Checks `data` against the ERN's dataset; `not_found` when the ERN defines none. */
export function checkDataset(ernId: string, data: unknown): DatasetValidation {
  if (!datasetSchemaFor(ernId)) throw new DomainError('not_found');
  ajv ??= createDatasetAjv();
  const validate = ajv.getSchema(ernId)!;
  return validate(data) ? { valid: true } : { valid: false, issues: datasetIssues(validate.errors) };
}
