// The subset of JSON Schema (draft-07) that ERN datasets use, as types, and the rules ajv applies to
// them on the server and in the generated validators alike.

/** Choices: `oneOf` of `{ const, title }`, the standard way to give enum values a label. */
export interface DatasetChoice {
  readonly const: string;
  readonly title?: string;
}

/** A conditional: when `if` holds, `then` applies, otherwise `else` (required fields, or fields set to false: not applicable). */
export interface DatasetCondition {
  readonly if: { readonly properties: Readonly<Record<string, { readonly const: unknown }>>; readonly required?: readonly string[] };
  readonly then?: DatasetBranch;
  readonly else?: DatasetBranch;
}

export interface DatasetBranch {
  readonly required?: readonly string[];
  readonly properties?: Readonly<Record<string, false>>;
}

export interface DatasetSchemaNode {
  readonly $schema?: string;
  readonly $id?: string;
  readonly title?: string;
  readonly description?: string;
  readonly type?: 'object' | 'string' | 'number' | 'integer' | 'boolean' | 'array';
  /** Our one annotation keyword: the unit a number is in ("cm", "months", "logMAR"). */
  readonly unit?: string;
  readonly properties?: Readonly<Record<string, DatasetSchemaNode>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean;
  readonly allOf?: readonly DatasetCondition[];
  readonly oneOf?: readonly DatasetChoice[];
  readonly items?: DatasetSchemaNode;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minItems?: number;
  readonly uniqueItems?: boolean;
  readonly maxLength?: number;
  readonly pattern?: string;
}

/**
 * Ajv settings shared by the server's validators and the generated ones, so both give the same
 * answers: all errors (one message per field), strict schemas, `unit` as an annotation.
 */
export const datasetAjvOptions = {
  allErrors: true,
  strict: true,
  // Required fields listed in if/then branches are declared in the enclosing object's properties.
  strictRequired: false,
  strictTypes: false,
  keywords: [{ keyword: 'unit', schemaType: 'string' }],
} as const;
