/**
 * The code systems and codes of the FHIR export: the international ones (LOINC answers from the
 * HL7 Genomics Reporting IG, HL7 terminology) and Consilium's own, named as URNs (they are local
 * to a Consilium installation: pseudonymous ids, consent kinds and forms, hospital codes).
 */
import type { Coding } from '@medplum/fhirtypes';
import type { acmgClasses, zygosities } from '../record.ts';
import type { ConsentKind } from '../schemas.ts';

export const codeSystems = {
  orpha: 'http://www.orpha.net',
  icd10: 'http://hl7.org/fhir/sid/icd-10-cm',
  hpo: 'http://purl.obolibrary.org/obo/hp.owl',
  loinc: 'http://loinc.org',
  hgvs: 'http://varnomen.hgvs.org',
  iso3166: 'urn:iso:std:iso:3166',
  observationCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
  consentScope: 'http://terminology.hl7.org/CodeSystem/consentscope',
  provenanceParticipantType: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type',
  v2IdentifierType: 'http://terminology.hl7.org/CodeSystem/v2-0203',
  v3ActReason: 'http://terminology.hl7.org/CodeSystem/v3-ActReason',
  v3ObservationValue: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue',
  pseudonymousId: 'urn:consilium:pseudonymous-id',
  consentKind: 'urn:consilium:consent-kind',
  consentForm: 'urn:consilium:consent-form',
  /** A hospital's code with its country, e.g. FRFR10. */
  hcpCode: 'urn:consilium:hcp',
  /** The hospital's own patient ids. */
  localId: (hcpCode: string, countryCode: string) => `urn:consilium:hcp:${countryCode}${hcpCode}:patient-id`,
} as const;

const loincCode = (code: string, display: string): Coding => ({ system: codeSystems.loinc, code, display });

export const loinc = {
  patientConsent: loincCode('59284-0', 'Patient Consent'),
  variantAssessment: loincCode('69548-6', 'Genetic variant assessment'),
  present: loincCode('LA9633-4', 'Present'),
  geneStudied: loincCode('48018-6', 'Gene studied [ID]'),
  dnaChange: loincCode('48004-6', 'DNA change (c.HGVS)'),
  allelicState: loincCode('53034-5', 'Allelic state'),
  clinicalSignificance: loincCode('53037-8', 'Genetic variation clinical significance [Imp]'),
} as const;

/** Allelic state answers (LOINC LL381-5); the others travel as text only. */
export const zygosityCodes: Readonly<Record<(typeof zygosities)[number], Coding | undefined>> = {
  heterozygous: loincCode('LA6706-1', 'Heterozygous'),
  homozygous: loincCode('LA6705-3', 'Homozygous'),
  hemizygous: loincCode('LA6707-9', 'Hemizygous'),
  compound_heterozygous: undefined,
  mosaic: undefined,
  unknown: undefined,
};

/** ACMG classes as LOINC answers (LL4034-6). */
export const classificationCodes: Readonly<Record<(typeof acmgClasses)[number], Coding & { display: string }>> = {
  pathogenic: { system: codeSystems.loinc, code: 'LA6668-3', display: 'Pathogenic' },
  likely_pathogenic: { system: codeSystems.loinc, code: 'LA26332-9', display: 'Likely pathogenic' },
  uncertain: { system: codeSystems.loinc, code: 'LA26333-7', display: 'Uncertain significance' },
  likely_benign: { system: codeSystems.loinc, code: 'LA26334-5', display: 'Likely benign' },
  benign: { system: codeSystems.loinc, code: 'LA6675-8', display: 'Benign' },
};

/** Care is treatment; education and registry export are secondary uses, FHIR's "research" scope. */
export const consentScope: Readonly<Record<ConsentKind, Coding>> = {
  care: { system: codeSystems.consentScope, code: 'treatment', display: 'Treatment' },
  education: { system: codeSystems.consentScope, code: 'research', display: 'Research' },
  registry: { system: codeSystems.consentScope, code: 'research', display: 'Research' },
};
