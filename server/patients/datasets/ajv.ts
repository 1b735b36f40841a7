// The ajv instance for ERN datasets: the same options for the server's validators and for the
// standalone code generated for the renderer (app/patients/datasets/generated/validators.ts).
import { Ajv, type Options } from 'ajv';
import { datasetSchemas } from '../../../app/patients/datasets/index.ts';
import { datasetAjvOptions } from '../../../app/patients/datasets/schema.ts';

/** An ajv holding every dataset schema under its ERN id; `extra` adds options (code generation). */
export function createDatasetAjv(extra: Options = {}): Ajv {
  const ajv = new Ajv({ ...datasetAjvOptions, keywords: [...datasetAjvOptions.keywords], ...extra });
  for (const [ernId, schema] of Object.entries(datasetSchemas)) ajv.addSchema(schema as object, ernId);
  return ajv;
}
