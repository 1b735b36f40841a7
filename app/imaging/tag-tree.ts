/**
 * The tag browser's rows: every attribute of an instance's DICOM JSON, sequences nested as items,
 * named from the data dictionary, filtered by a search that matches tag, name, keyword or value
 * (ancestors of a match stay visible so it keeps its context).
 */
import { type DicomJsonAttribute, type DicomJsonDataset, personName } from './dicom-json.ts';
import { lookupAttribute } from './dictionary/index.ts';

/** One line of the browser: an attribute, or an item of a sequence. */
export interface TagRow {
  /** Unique path, e.g. "00081140/0/00081150". */
  readonly path: string;
  readonly depth: number;
  readonly kind: 'attribute' | 'item';
  /** "(0010,0010)"; for items, empty. */
  readonly tag: string;
  readonly name: string;
  readonly keyword: string;
  readonly vr: string;
  readonly value: string;
  /** Sequences and items: whether they have rows under them. */
  readonly expandable: boolean;
}

const maxValueLength = 256;

/** An attribute's value as one line of text (bulk data and binary summarised, long text cut). */
export function valueText(attribute: DicomJsonAttribute): string {
  if (attribute.BulkDataURI !== undefined) return '(bulk data)';
  if (attribute.InlineBinary !== undefined) return `(binary, ${Math.floor((attribute.InlineBinary.length * 3) / 4)} bytes)`;
  const values = attribute.Value ?? [];
  if (attribute.vr === 'SQ') return values.length === 1 ? '1 item' : `${values.length} items`;
  const text = values
    .map((value) => (value !== null && typeof value === 'object' ? personName(value as { Alphabetic?: string }) : String(value ?? '')))
    .join('\\');
  return text.length > maxValueLength ? `${text.slice(0, maxValueLength)}…` : text;
}

const formatTag = (tag: string) => `(${tag.slice(0, 4)},${tag.slice(4)})`;

function walk(dataset: DicomJsonDataset, depth: number, prefix: string, rows: TagRow[]): void {
  for (const tag of Object.keys(dataset).sort()) {
    const attribute = dataset[tag];
    if (!attribute) continue;
    const info = lookupAttribute(tag);
    const vr = attribute.vr && attribute.vr !== 'UN' ? attribute.vr : (info?.vr ?? attribute.vr ?? '');
    const path = prefix ? `${prefix}/${tag}` : tag;
    const items = vr === 'SQ' ? (attribute.Value ?? []) : [];
    rows.push({
      path,
      depth,
      kind: 'attribute',
      tag: formatTag(tag),
      name: info ? `${info.name}${info.retired ? ' (retired)' : ''}` : 'Unknown attribute',
      keyword: info?.keyword ?? '',
      vr,
      value: valueText({ ...attribute, vr }),
      expandable: items.length > 0,
    });
    items.forEach((item, index) => {
      const itemPath = `${path}/${index}`;
      const child = (item ?? {}) as DicomJsonDataset;
      rows.push({ path: itemPath, depth: depth + 1, kind: 'item', tag: '', name: `Item ${index + 1}`, keyword: '', vr: '', value: '', expandable: Object.keys(child).length > 0 });
      walk(child, depth + 2, itemPath, rows);
    });
  }
}

/** All rows of a dataset, depth-first in tag order. */
export function tagRows(dataset: DicomJsonDataset): TagRow[] {
  const rows: TagRow[] = [];
  walk(dataset, 0, '', rows);
  return rows;
}

/**
 * The rows to show: those matching `query` (case-insensitive, in tag with or without punctuation,
 * name, keyword or value) plus their ancestors; rows under a collapsed path are hidden unless the
 * search is what brings them up.
 */
export function visibleRows(rows: readonly TagRow[], query: string, collapsed: ReadonlySet<string>): TagRow[] {
  const needle = query.trim().toLowerCase();
  const matches = (row: TagRow) =>
    [row.tag, row.tag.replace(/[(),]/g, ''), row.name, row.keyword, row.value].some((field) => field.toLowerCase().includes(needle));
  const underCollapsed = (row: TagRow) => [...collapsed].some((path) => row.path.startsWith(`${path}/`));
  if (!needle) return rows.filter((row) => !underCollapsed(row));
  const keep = new Set<string>();
  for (const row of rows) {
    if (!matches(row)) continue;
    const parts = row.path.split('/');
    for (let i = 1; i <= parts.length; i++) keep.add(parts.slice(0, i).join('/'));
  }
  return rows.filter((row) => keep.has(row.path));
}
