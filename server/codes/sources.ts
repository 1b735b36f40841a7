// Reading the shipped code lists (data/README.md) into one entry shape, with each list's release
// and the credit its licence requires.
import type { CodeListAbout, CodeSystem } from '../../app/codes/schemas.ts';

/** One code as read from its list. */
export interface SourceEntry {
  readonly code: string;
  readonly term: string;
  readonly synonyms: readonly string[];
  readonly active: boolean;
  readonly status: string;
  readonly replacedBy?: string;
  /** Other codes that mean this entry (HPO alt_id). */
  readonly altCodes?: readonly string[];
}

export interface CodeList {
  readonly about: Omit<CodeListAbout, 'codes'>;
  readonly entries: readonly SourceEntry[];
}

/** The shipped files, by list. */
export const sourceFiles: Readonly<Record<CodeSystem, string>> = {
  orphanet: 'orphanet-nomenclature-en-2023.tsv',
  hpo: 'hp-2015-01-27.obo',
  icd10cm: 'icd10cm-2022.tsv',
};

const ccBy = { licence: 'CC BY 4.0', licenceUrl: 'https://creativecommons.org/licenses/by/4.0/' };

function tsvRows(text: string): { column(name: string): number; rows: string[][] } {
  const [head = '', ...lines] = text.split('\n').filter((line) => line !== '');
  const header = head.split('\t');
  return {
    column(name) {
      const at = header.indexOf(name);
      if (at < 0) throw new Error(`Code list has no column ${name}`);
      return at;
    },
    rows: lines.map((line) => line.split('\t')),
  };
}

/** Orphanet nomenclature: ORPHA:<number>, active when its status is "Active". */
export function parseOrphanet(text: string): CodeList {
  const { column, rows } = tsvRows(text);
  const [code, term, status, synonyms, successor] = ['orpha_code', 'preferred_term', 'status', 'synonyms', 'successor'].map(column) as [number, number, number, number, number];
  return {
    about: {
      system: 'orphanet',
      name: 'Orphanet nomenclature of rare diseases (ORPHAcodes)',
      release: '2023 (en)',
      ...ccBy,
      attribution: 'Orphanet nomenclature pack 2023 (en), Orphanet/INSERM, www.orphadata.com, CC BY 4.0; adapted (codes, terms, synonyms and status only).',
    },
    entries: rows.map((row) => ({
      code: `ORPHA:${row[code]}`,
      term: row[term] ?? '',
      synonyms: (row[synonyms] ?? '').split(' | ').filter((s) => s !== ''),
      active: row[status] === 'Active',
      status: row[status] ?? '',
      ...(row[successor] ? { replacedBy: `ORPHA:${row[successor]}` } : {}),
    })),
  };
}

/** ICD-10-CM: every code is current in its fiscal year; category headers are not billable. */
export function parseIcd10cm(text: string): CodeList {
  const { column, rows } = tsvRows(text);
  const [code, billable, title] = [column('code'), column('billable'), column('title')];
  return {
    about: {
      system: 'icd10cm',
      name: 'ICD-10-CM (International Classification of Diseases, 10th revision, Clinical Modification)',
      release: 'FY2022',
      licence: 'Public domain (US government work); compiled in icd10us, CC BY 4.0',
      licenceUrl: 'https://github.com/vcastro/icd10us',
      attribution: 'ICD-10-CM FY2022 (CDC/NCHS, CMS; public domain), from the icd10us R package by Victor Castro (CC BY 4.0).',
    },
    entries: rows.map((row) => ({
      code: row[code] ?? '',
      term: row[title] ?? '',
      synonyms: [],
      active: true,
      status: row[billable] === '1' ? 'Billable code' : 'Category (not billable)',
    })),
  };
}

/** Undoes OBO's string escapes (\" \\ \n \t). */
function unescapeObo(value: string): string {
  return value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
}

/**
 * The Human Phenotype Ontology's OBO file, read as it is (its licence forbids altering it): each
 * [Term] stanza's id, name, synonyms (all scopes), alt_ids, obsolescence and replacement.
 */
export function parseHpo(text: string): CodeList {
  const release = /^data-version: (.+)$/m.exec(text)?.[1]?.trim();
  if (!release) throw new Error('The HPO file names no data-version');
  const entries: SourceEntry[] = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    if (!stanza.startsWith('[Term]')) continue;
    let id = '';
    let name = '';
    let obsolete = false;
    let replacedBy: string | undefined;
    const synonyms: string[] = [];
    const altCodes: string[] = [];
    for (const line of stanza.split('\n')) {
      const colon = line.indexOf(': ');
      if (colon < 0) continue;
      const tag = line.slice(0, colon);
      const value = line.slice(colon + 2);
      if (tag === 'id') id = value.trim();
      else if (tag === 'name') name = unescapeObo(value.trim());
      else if (tag === 'synonym') {
        const quoted = /^"((?:[^"\\]|\\.)*)"/.exec(value);
        if (quoted?.[1]) synonyms.push(unescapeObo(quoted[1]).trim());
      } else if (tag === 'alt_id') altCodes.push(value.trim());
      else if (tag === 'is_obsolete') obsolete = value.trim() === 'true';
      else if (tag === 'replaced_by') replacedBy = value.trim();
    }
    if (!id || !name) continue;
    entries.push({
      code: id,
      term: name,
      synonyms: [...new Set(synonyms)].filter((s) => s !== name),
      active: !obsolete,
      status: obsolete ? 'Obsolete' : 'Current',
      ...(replacedBy ? { replacedBy } : {}),
      ...(altCodes.length > 0 ? { altCodes } : {}),
    });
  }
  return {
    about: {
      system: 'hpo',
      name: 'Human Phenotype Ontology (HPO)',
      release,
      licence: 'HPO licence (free use and redistribution with acknowledgement, release shown, content unaltered)',
      licenceUrl: 'https://hpo.jax.org/app/license',
      attribution: `This service is using the Human Phenotype Ontology (${release}). Find out more at http://www.human-phenotype-ontology.org`,
    },
    entries,
  };
}
