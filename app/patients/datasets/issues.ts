// Turning validation errors (ajv's shape, from either validator) into one issue per form field.

/** The part of an ajv error we read. */
export interface RawValidationError {
  readonly instancePath: string;
  readonly keyword: string;
  readonly params: Readonly<Record<string, unknown>>;
}

/** What is wrong with one field, for the form to say in words (renderer i18n `datasets.errors`). */
export interface FieldIssue {
  readonly keyword: 'required' | 'type' | 'choice' | 'minimum' | 'maximum' | 'pattern' | 'maxLength' | 'minItems' | 'uniqueItems' | 'not_applicable' | 'unknown_field' | 'invalid';
  /** The bound for minimum/maximum/maxLength/minItems. */
  readonly limit?: number;
}

/** Field path → its issue. Paths are JSON pointers to the field: "/growth/heightCm". */
export type DatasetIssues = Readonly<Record<string, FieldIssue>>;

/** When a field has several errors, the one to tell the user first. */
const priority: readonly FieldIssue['keyword'][] = [
  'required', 'not_applicable', 'unknown_field', 'type', 'choice', 'minimum', 'maximum', 'pattern', 'maxLength', 'minItems', 'uniqueItems', 'invalid',
];

function issueOf(error: RawValidationError): { path: string; issue: FieldIssue } | undefined {
  // An item of a list is reported on the list field.
  const path = error.instancePath.replace(/(\/\d+)+$/, '');
  const limit = typeof error.params.limit === 'number' ? error.params.limit : undefined;
  switch (error.keyword) {
    case 'required':
      return { path: `${path}/${String(error.params.missingProperty)}`, issue: { keyword: 'required' } };
    case 'additionalProperties':
      return { path: `${path}/${String(error.params.additionalProperty)}`, issue: { keyword: 'unknown_field' } };
    case 'false schema':
      return { path, issue: { keyword: 'not_applicable' } };
    case 'const':
    case 'enum':
    case 'oneOf':
      return { path, issue: { keyword: 'choice' } };
    case 'type':
    case 'pattern':
    case 'uniqueItems':
      return { path, issue: { keyword: error.keyword } };
    case 'minimum':
    case 'maximum':
    case 'maxLength':
    case 'minItems':
      return { path, issue: limit === undefined ? { keyword: error.keyword } : { keyword: error.keyword, limit } };
    // "must match then/else": the branch's own errors say what is wrong.
    case 'if':
    case 'allOf':
      return undefined;
    default:
      return { path, issue: { keyword: 'invalid' } };
  }
}

/** One issue per field, the most useful first (see `priority`). */
export function datasetIssues(errors: readonly RawValidationError[] | null | undefined): DatasetIssues {
  const issues: Record<string, FieldIssue> = {};
  for (const error of errors ?? []) {
    const found = issueOf(error);
    if (!found) continue;
    const current = issues[found.path];
    if (!current || priority.indexOf(found.issue.keyword) < priority.indexOf(current.keyword)) issues[found.path] = found.issue;
  }
  return issues;
}

/**
 * An issue as a message of an `invalid_input` error's field: its keyword, with its bound after a
 * colon ("maximum:250"), so a client words it in its own language (renderer i18n `datasets.errors`).
 */
export function issueMessage(issue: FieldIssue): string {
  return issue.limit === undefined ? issue.keyword : `${issue.keyword}:${issue.limit}`;
}

/** The field key of a dataset issue in an error: "/growth/heightCm" under "record.dataset" → "record.dataset.growth.heightCm". */
export function issueField(prefix: string, path: string): string {
  return `${prefix}${path.replaceAll('/', '.')}`;
}

/** Dataset issues as an error's field messages, keyed under `prefix`. */
export function issueFields(prefix: string, issues: DatasetIssues): Record<string, string[]> {
  return Object.fromEntries(Object.entries(issues).map(([path, issue]) => [issueField(prefix, path), [issueMessage(issue)]]));
}

/** Reads dataset issues back from an error's fields (those under `prefix` whose message is an issue). */
export function issuesFromFields(prefix: string, fields: Readonly<Record<string, readonly string[]>>): DatasetIssues {
  const issues: Record<string, FieldIssue> = {};
  for (const [field, messages] of Object.entries(fields)) {
    if (!field.startsWith(`${prefix}.`)) continue;
    const [keyword = '', limit] = (messages[0] ?? '').split(':');
    if (!(priority as readonly string[]).includes(keyword)) continue;
    const path = field.slice(prefix.length).replaceAll('.', '/');
    issues[path] = limit !== undefined && Number.isFinite(Number(limit)) ? { keyword: keyword as FieldIssue['keyword'], limit: Number(limit) } : { keyword: keyword as FieldIssue['keyword'] };
  }
  return issues;
}
