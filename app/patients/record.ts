/** The medical record of a patient (SPEC PT-5): what experts discuss, always pseudonymised. */
import { z } from 'zod';
import { idSchema } from '../access/schemas.ts';

const atMost = (max: number) => `At most ${max} characters`;
const text = (max: number) => z.string().max(max, atMost(max)).default('');
const line = (max: number) => z.string().trim().max(max, atMost(max)).default('');
// Aborts on empty, so an empty field says only "Required", not also that its format is wrong.
const required = (max: number) => z.string().trim().min(1, { message: 'Required', abort: true }).max(max, atMost(max));
/** Like every date participants see, to the month. */
const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'Year and month, YYYY-MM').or(z.literal('')).default('');

/** A coded term from one of the code lists (HPO, ORPHA, ICD-10), with the list's term for it. */
export const codedTerm = z.object({ code: required(40), term: required(500) });
export type CodedTerm = z.infer<typeof codedTerm>;

export const acmgClasses = ['pathogenic', 'likely_pathogenic', 'uncertain', 'likely_benign', 'benign'] as const;
export const zygosities = ['heterozygous', 'homozygous', 'hemizygous', 'compound_heterozygous', 'mosaic', 'unknown'] as const;

/**
 * HGVS notation: an optional reference sequence, then the coordinate type and the change, e.g.
 * NM_000089.4:c.3266G>A, c.2405_2406del, p.(Arg1089Gln), or NC_000007.14:g.117559590G>A.
 */
const hgvs = /^(?:[A-Za-z0-9_.()-]+:)?[cgmnopr]\.\S+$/;
/** A gene symbol as HGNC writes them: letters, digits, hyphens, and the odd dot or @. */
const geneSymbol = /^[A-Za-z0-9][A-Za-z0-9.@-]*$/;

export const geneticFinding = z.object({
  gene: required(40).regex(geneSymbol, 'A gene symbol, e.g. COL4A5'),
  variant: line(200).refine((value) => value === '' || hgvs.test(value), 'HGVS notation, e.g. NM_000089.4:c.3266G>A'),
  zygosity: z.enum(zygosities, 'Choose one of the options offered').default('unknown'),
  /** ACMG/AMP five-tier classification. */
  classification: z.enum(acmgClasses, 'Choose one of the options offered').default('uncertain'),
  /** How it was found: exome, genome, panel, Sanger, array. */
  method: line(200),
});
export type GeneticFinding = z.output<typeof geneticFinding>;

export const labResult = z.object({
  test: required(200),
  value: required(100),
  unit: line(40),
  referenceRange: line(100),
  date: month,
});
export type LabResult = z.output<typeof labResult>;

export const biologicalSample = z.object({
  /** What was sampled: DNA, blood, skin fibroblasts, tissue… */
  type: required(100),
  /** The biobank's reference for the sample (not the patient's). */
  reference: line(100),
  location: line(200),
  date: month,
});
export type BiologicalSample = z.output<typeof biologicalSample>;

export const recordLimits = { phenotype: 500, orphaDiagnoses: 50, icd10Diagnoses: 50, geneticFindings: 100, labResults: 500, samples: 100 } as const;
const list = <T extends z.ZodType>(item: T, max: number) => z.array(item).max(max, `At most ${max} entries`).default([]);

export const medicalRecord = z.object({
  summary: text(20_000),
  history: text(50_000),
  /** Phenotype as HPO terms. */
  phenotype: list(codedTerm, recordLimits.phenotype),
  /** Diagnoses as ORPHAcodes and ICD-10(-CM) codes. */
  orphaDiagnoses: list(codedTerm, recordLimits.orphaDiagnoses),
  icd10Diagnoses: list(codedTerm, recordLimits.icd10Diagnoses),
  geneticFindings: list(geneticFinding, recordLimits.geneticFindings),
  labResults: list(labResult, recordLimits.labResults),
  samples: list(biologicalSample, recordLimits.samples),
  /**
   * The ERN-specific dataset (app/patients/datasets), validated against its JSON Schema; empty when
   * not filled in yet (or when the ERN defines none).
   */
  dataset: z.record(z.string(), z.unknown()).default({}),
});
export type MedicalRecord = z.output<typeof medicalRecord>;
export type MedicalRecordInput = z.input<typeof medicalRecord>;

/** The record's coded lists and the code list each draws from (app/codes). */
export const codedLists = { phenotype: 'hpo', orphaDiagnoses: 'orphanet', icd10Diagnoses: 'icd10cm' } as const;
export type CodedList = keyof typeof codedLists;

export const emptyRecord: MedicalRecord = medicalRecord.parse({});

/** Saving the record: the version read, so a concurrent edit is refused (conflict) instead of lost. */
export const saveRecordInput = z.object({ patientId: idSchema, version: z.number().int().min(0), record: medicalRecord });

/** Where a record's fields are reported in an `invalid_input` error: "record.geneticFindings.0.gene". */
export const recordFieldPrefix = 'record';

/**
 * A record as it would be saved (trimmed, defaults applied), or what is wrong with it field by field,
 * keyed as the server reports it (dotted paths under `record.`, the same messages), so a form shows
 * the same errors before sending as after.
 */
export function parseRecord(input: unknown): { ok: true; record: MedicalRecord } | { ok: false; fields: Record<string, string[]> } {
  const parsed = medicalRecord.safeParse(input);
  if (parsed.success) return { ok: true, record: parsed.data };
  const fields: Record<string, string[]> = {};
  for (const issue of parsed.error.issues) (fields[[recordFieldPrefix, ...issue.path].join('.')] ??= []).push(issue.message);
  return { ok: false, fields };
}
