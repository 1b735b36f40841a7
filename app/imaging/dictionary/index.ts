/**
 * The DICOM data dictionary (PS3.6): attribute name, keyword and VR by tag, from the generated
 * compact table in data.ts, with the repeating-group wildcards (e.g. 60xx,3000) and private tags.
 */
import { dictionaryData } from './data.ts';
import { keywordFromName } from './generate.ts';

/** What the dictionary says about one tag. */
export interface AttributeInfo {
  readonly name: string;
  readonly keyword: string;
  /** As the standard gives it, e.g. "US", or "US or SS" where it depends on the data. */
  readonly vr: string;
  readonly retired: boolean;
}

interface Table {
  readonly exact: Map<string, AttributeInfo>;
  readonly patterns: { readonly pattern: RegExp; readonly info: AttributeInfo }[];
}

let table: Table | undefined;

function load(): Table {
  if (table) return table;
  const exact = new Map<string, AttributeInfo>();
  const patterns: Table['patterns'] = [];
  for (const line of dictionaryData.split('\n')) {
    const [tag = '', vr = '', retired = '', name = '', keyword = ''] = line.split('|');
    const info: AttributeInfo = { name, keyword: keyword || keywordFromName(name), vr: vr.replace(/\//g, ' or '), retired: retired === 'r' };
    if (tag.includes('x')) patterns.push({ pattern: new RegExp(`^${tag.toUpperCase().replace(/X/g, '[0-9A-F]')}$`), info });
    else exact.set(tag.toUpperCase(), info);
  }
  table = { exact, patterns };
  return table;
}

/**
 * Looks a tag up (8 hex digits, any case). Private attributes (odd groups) and group lengths,
 * which the dictionary does not list, get generic names.
 */
export function lookupAttribute(tag: string): AttributeInfo | undefined {
  const key = tag.toUpperCase();
  if (!/^[0-9A-F]{8}$/.test(key)) return undefined;
  const { exact, patterns } = load();
  const known = exact.get(key) ?? patterns.find((p) => p.pattern.test(key))?.info;
  if (known) return known;
  const group = Number.parseInt(key.slice(0, 4), 16);
  const element = Number.parseInt(key.slice(4), 16);
  if (element === 0) return { name: 'Group Length', keyword: 'GroupLength', vr: 'UL', retired: false };
  if (group % 2 === 1) {
    if (element >= 0x10 && element <= 0xff) return { name: 'Private Creator', keyword: 'PrivateCreator', vr: 'LO', retired: false };
    return { name: 'Private Attribute', keyword: '', vr: 'UN', retired: false };
  }
  return undefined;
}
