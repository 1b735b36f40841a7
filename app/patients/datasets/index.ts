// ERN-specific datasets (SPEC PT-5), defined as data: one JSON Schema per ERN that has a dataset.
// Adding an ERN's dataset means adding its schema here and regenerating the validators
// (`npm run datasets:validators`); no form or server code changes.
import ernEye from './schemas/ern-eye.json' with { type: 'json' };
import ithaca from './schemas/ithaca.json' with { type: 'json' };
import type { DatasetSchemaNode } from './schema.ts';

/** Each ERN's dataset schema, by ERN id (app/reference/erns.ts). */
export const datasetSchemas: Readonly<Record<string, DatasetSchemaNode>> = {
  ITHACA: ithaca as unknown as DatasetSchemaNode,
  'ERN-EYE': ernEye as unknown as DatasetSchemaNode,
};

/** The dataset schema of an ERN, if it defines one. */
export function datasetSchemaFor(ernId: string): DatasetSchemaNode | undefined {
  return Object.hasOwn(datasetSchemas, ernId) ? datasetSchemas[ernId] : undefined;
}

/** The name a generated validator is exported under: "ERN-EYE" → "ERN_EYE". */
export function validatorExportName(ernId: string): string {
  return ernId.replace(/[^A-Za-z0-9_]/g, '_');
}
