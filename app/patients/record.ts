/** The medical record of a patient (SPEC PT-5): what experts discuss, always pseudonymised. */
import { z } from 'zod';
import { idSchema } from '../access/schemas.ts';

const text = (max: number) => z.string().max(max, `At most ${max} characters`).default('');

/** A coded term from one of the code lists (HPO, ORPHA, ICD-10), with the term as shown when chosen. */
export const codedTerm = z.object({ code: z.string().trim().min(1).max(40), term: z.string().trim().min(1).max(500) });
export type CodedTerm = z.infer<typeof codedTerm>;

export const acmgClasses = ['pathogenic', 'likely_pathogenic', 'uncertain', 'likely_benign', 'benign'] as const;
export const zygosities = ['heterozygous', 'homozygous', 'hemizygous', 'compound_heterozygous', 'mosaic', 'unknown'] as const;

export const geneticFinding = z.object({
  gene: z.string().trim().min(1, 'Required').max(40),
  /** HGVS notation, e.g. NM_000089.4:c.3266G>A */
  variant: z.string().trim().max(200).default(''),
  zygosity: z.enum(zygosities).default('unknown'),
  classification: z.enum(acmgClasses).default('uncertain'),
  method: z.string().trim().max(200).default(''),
});

export const labResult = z.object({
  test: z.string().trim().min(1, 'Required').max(200),
  value: z.string().trim().min(1, 'Required').max(100),
  unit: z.string().trim().max(40).default(''),
  referenceRange: z.string().trim().max(100).default(''),
  /** YYYY-MM: like every date participants see, to the month. */
  date: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'Year and month, YYYY-MM').or(z.literal('')).default(''),
});

export const biologicalSample = z.object({
  type: z.string().trim().min(1, 'Required').max(100),
  /** The biobank's reference for the sample (not the patient's). */
  reference: z.string().trim().max(100).default(''),
  location: z.string().trim().max(200).default(''),
  date: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'Year and month, YYYY-MM').or(z.literal('')).default(''),
});

export const medicalRecord = z.object({
  summary: text(20_000),
  history: text(50_000),
  /** Phenotype as HPO terms. */
  phenotype: z.array(codedTerm).max(500).default([]),
  /** Diagnoses as ORPHAcodes and ICD-10(-CM) codes. */
  orphaDiagnoses: z.array(codedTerm).max(50).default([]),
  icd10Diagnoses: z.array(codedTerm).max(50).default([]),
  geneticFindings: z.array(geneticFinding).max(100).default([]),
  labResults: z.array(labResult).max(500).default([]),
  samples: z.array(biologicalSample).max(100).default([]),
  /** The ERN-specific dataset (app/patients/datasets), validated against its JSON Schema. */
  dataset: z.record(z.string(), z.unknown()).default({}),
});
export type MedicalRecord = z.output<typeof medicalRecord>;
export type MedicalRecordInput = z.input<typeof medicalRecord>;

export const emptyRecord: MedicalRecord = medicalRecord.parse({});

/** Saving the record: the version read, so a concurrent edit is refused (conflict) instead of lost. */
export const saveRecordInput = z.object({ patientId: idSchema, version: z.number().int().min(0), record: medicalRecord });
