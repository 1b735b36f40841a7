// What a dataset form shows, derived from the schema and the answers so far: which fields, of which
// kind, required or not, and which conditional fields apply. Pure, so the renderer only draws it.
import type { DatasetBranch, DatasetSchemaNode } from './schema.ts';

interface FieldBase {
  /** JSON pointer of the value, as validation issues name it: "/growth/heightCm". */
  readonly path: string;
  readonly title: string;
  readonly description?: string;
  readonly required: boolean;
}

export interface ChoiceOption {
  readonly value: string;
  readonly label: string;
}

export type DatasetField =
  | (FieldBase & { readonly kind: 'group'; readonly fields: readonly DatasetField[] })
  | (FieldBase & { readonly kind: 'number'; readonly integer: boolean; readonly unit?: string; readonly minimum?: number; readonly maximum?: number })
  | (FieldBase & { readonly kind: 'choice'; readonly options: readonly ChoiceOption[] })
  | (FieldBase & { readonly kind: 'choices'; readonly options: readonly ChoiceOption[] })
  | (FieldBase & { readonly kind: 'boolean' })
  | (FieldBase & { readonly kind: 'text'; readonly multiline: boolean; readonly maxLength?: number });

type Answers = Readonly<Record<string, unknown>>;

function asAnswers(value: unknown): Answers {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Answers) : {};
}

/** The branches of an object's conditionals that apply to its current answers. */
function applicableBranches(node: DatasetSchemaNode, answers: Answers): DatasetBranch[] {
  const branches: DatasetBranch[] = [];
  for (const condition of node.allOf ?? []) {
    const holds =
      (condition.if.required ?? []).every((key) => answers[key] !== undefined) &&
      Object.entries(condition.if.properties).every(([key, rule]) => answers[key] === undefined || answers[key] === rule.const);
    const branch = holds ? condition.then : condition.else;
    if (branch) branches.push(branch);
  }
  return branches;
}

/** Fields the current answers make not applicable (a branch sets them to `false`). */
function hiddenKeys(branches: readonly DatasetBranch[]): Set<string> {
  return new Set(branches.flatMap((branch) => Object.entries(branch.properties ?? {}).filter(([, rule]) => rule === false).map(([key]) => key)));
}

function options(node: DatasetSchemaNode): ChoiceOption[] {
  return (node.oneOf ?? []).map((choice) => ({ value: choice.const, label: choice.title ?? choice.const }));
}

function field(node: DatasetSchemaNode, path: string, key: string, required: boolean, value: unknown): DatasetField {
  const base = {
    path,
    title: node.title ?? key,
    required,
    ...(node.description ? { description: node.description } : {}),
  };
  if (node.type === 'object') return { ...base, kind: 'group', fields: fieldsOf(node, path, value) };
  if (node.type === 'array') return { ...base, kind: 'choices', options: node.items ? options(node.items) : [] };
  if (node.oneOf) return { ...base, kind: 'choice', options: options(node) };
  if (node.type === 'number' || node.type === 'integer') {
    return {
      ...base,
      kind: 'number',
      integer: node.type === 'integer',
      ...(node.unit ? { unit: node.unit } : {}),
      ...(node.minimum !== undefined ? { minimum: node.minimum } : {}),
      ...(node.maximum !== undefined ? { maximum: node.maximum } : {}),
    };
  }
  if (node.type === 'boolean') return { ...base, kind: 'boolean' };
  return { ...base, kind: 'text', multiline: (node.maxLength ?? 0) > 300, ...(node.maxLength !== undefined ? { maxLength: node.maxLength } : {}) };
}

function fieldsOf(node: DatasetSchemaNode, path: string, value: unknown): DatasetField[] {
  const answers = asAnswers(value);
  const branches = applicableBranches(node, answers);
  const hidden = hiddenKeys(branches);
  const required = new Set([...(node.required ?? []), ...branches.flatMap((branch) => branch.required ?? [])]);
  return Object.entries(node.properties ?? {})
    .filter(([key]) => !hidden.has(key))
    .map(([key, child]) => field(child, `${path}/${key}`, key, required.has(key), answers[key]));
}

/** The fields to show for `data`, in schema order; conditional fields only where they apply. */
export function datasetFields(schema: DatasetSchemaNode, data: unknown): DatasetField[] {
  return fieldsOf(schema, '', data);
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

function pruneObject(node: DatasetSchemaNode, value: unknown): Record<string, unknown> {
  const answers = asAnswers(value);
  const hidden = hiddenKeys(applicableBranches(node, answers));
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    if (hidden.has(key)) continue;
    if (child.type === 'object') {
      const inner = pruneObject(child, answers[key]);
      if (Object.keys(inner).length > 0 || node.required?.includes(key)) out[key] = inner;
    } else if (!isEmpty(answers[key])) out[key] = answers[key];
  }
  return out;
}

/** Whether no answer at all is given (groups may exist, empty): a dataset not filled in yet. */
export function isUnanswered(data: unknown): boolean {
  if (typeof data === 'object' && data !== null && !Array.isArray(data)) return Object.values(data).every(isUnanswered);
  return isEmpty(data);
}

/**
 * The answers to save: values of fields that no longer apply and empty values dropped (a form keeps
 * them while the user changes their mind); required groups kept, so validation names their fields.
 */
export function pruneDataset(schema: DatasetSchemaNode, data: unknown): Record<string, unknown> {
  return pruneObject(schema, data);
}

/** The answer at a field's path, for a form bound to nested data. */
export function valueAt(data: unknown, path: string): unknown {
  return path.split('/').slice(1).reduce<unknown>((value, key) => asAnswers(value)[key], data);
}

/** `data` with the answer at `path` replaced (groups created on the way); `data` itself is unchanged. */
export function withValueAt(data: unknown, path: string, value: unknown): Record<string, unknown> {
  const [key, ...rest] = path.split('/').slice(1);
  const answers = { ...asAnswers(data) };
  if (key === undefined) return answers;
  answers[key] = rest.length === 0 ? value : withValueAt(answers[key], `/${rest.join('/')}`, value);
  return answers;
}
