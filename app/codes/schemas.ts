/** Clinical code lists: the inputs of `codes.*`, validated at the server's boundary, and what they return. */
import { z } from 'zod';

/** The code lists: Orphanet (rare diseases), HPO (phenotypes), ICD-10-CM (diagnoses). */
export const codeSystems = ['orphanet', 'hpo', 'icd10cm'] as const;
export type CodeSystem = (typeof codeSystems)[number];

export const codeSearchMaxLimit = 100;

export const codeSearchInput = z.object({
  /** A code ("ORPHA:558", "558", "HP:0001250", "Q87.4") or words, each matched as a word's beginning. */
  query: z.string().trim().min(1, 'Required').max(100, 'At most 100 characters'),
  /** Lists to search; all by default. */
  systems: z.array(z.enum(codeSystems)).min(1, 'Choose at least one list').max(codeSystems.length).optional(),
  limit: z.number().int().min(1).max(codeSearchMaxLimit, `At most ${codeSearchMaxLimit}`).default(20),
  /** Obsolete, deprecated and other inactive codes are left out unless asked for. */
  includeInactive: z.boolean().default(false),
});
export type CodeSearchInput = z.input<typeof codeSearchInput>;
/** A search as the server runs it: defaults applied. */
export type CodeSearchOptions = z.output<typeof codeSearchInput>;

export const codeGetInput = z.object({
  system: z.enum(codeSystems),
  code: z.string().trim().min(1, 'Required').max(32, 'At most 32 characters'),
});
export type CodeGetInput = z.infer<typeof codeGetInput>;

/** A reference to a code as records store it. */
export const codeRef = z.object({ system: z.enum(codeSystems), code: z.string().min(1).max(32), term: z.string().max(500) });
export type CodeRef = z.infer<typeof codeRef>;

/** One search result. `synonym` is the synonym that matched when the preferred term did not. */
export interface CodeHit {
  readonly system: CodeSystem;
  readonly code: string;
  readonly term: string;
  readonly active: boolean;
  readonly match: 'code' | 'term' | 'synonym';
  readonly synonym?: string;
}

/** One code in full. */
export interface CodeEntryView {
  readonly system: CodeSystem;
  readonly code: string;
  readonly term: string;
  readonly synonyms: readonly string[];
  readonly active: boolean;
  /** The list's own status words, e.g. "Active", "Inactive: Obsolete", "obsolete", "billable". */
  readonly status: string;
  /** For an inactive code, the code to use instead, where the list names one. */
  readonly replacedBy?: string;
}

/** A code list's identity and the credit its licence requires, to show wherever its terms appear. */
export interface CodeListAbout {
  readonly system: CodeSystem;
  readonly name: string;
  readonly release: string;
  readonly licence: string;
  readonly licenceUrl: string;
  readonly attribution: string;
  readonly codes: number;
}
