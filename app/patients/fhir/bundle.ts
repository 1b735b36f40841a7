/**
 * The patient's data as a FHIR R4 Bundle of type "collection" (SPEC PT-9, the portability right):
 * Patient, Organization (the HCP), Consent, Condition (ORPHA, ICD-10), Observation (HPO phenotype,
 * lab results, genetic findings), Specimen, DocumentReference (the files, and the record's text
 * sections, which travel beside bundle.json in the archive), and a Provenance naming who assembled it.
 * Pure: ids, time and the files' hashes come in; every reference points at an entry's fullUrl.
 */
import type {
  Bundle,
  BundleEntry,
  CodeableConcept,
  Condition,
  Consent,
  Device,
  DocumentReference,
  Extension,
  Observation,
  ObservationComponent,
  Organization,
  Patient,
  Provenance,
  Reference,
  Resource,
  Specimen,
} from '@medplum/fhirtypes';
import type { MedicalRecord } from '../record.ts';
import type { ConsentForm, ConsentKind, PatientIdentity, Sex } from '../schemas.ts';
import { codeSystems, consentScope, loinc, zygosityCodes, classificationCodes } from './codes.ts';

/** A file that travels in the archive beside bundle.json, described by a DocumentReference. */
export interface PortableDocument {
  /** The DocumentReference's id (the file's id for uploaded files). */
  readonly id: string;
  /** What it is: an uploaded document, a signed consent form, or a section of the medical record. */
  readonly kind: 'document' | 'consent_form' | 'summary' | 'history' | 'dataset';
  readonly title: string;
  /** Its path inside the archive, e.g. "files/<id>/report.pdf" (the DocumentReference has it percent-encoded). */
  readonly path: string;
  readonly contentType: string;
  readonly size: number;
  /** SHA-1 of the bytes in base64, as FHIR's Attachment.hash wants it. */
  readonly sha1Base64: string;
  /** ISO instant. */
  readonly createdAt: string;
}

/** Everything of one patient that the export carries, as the server loaded it. */
export interface PortablePatient {
  readonly id: string;
  readonly pseudonymousId: string;
  readonly nickname: string;
  readonly status: 'active' | 'anonymised';
  readonly sex: Sex;
  /** "YYYY-MM", or "YYYY" once anonymised. */
  readonly birthYearMonth: string;
  readonly birthArea: string;
  readonly residenceArea: string;
  /** The identifying data, or null (erased, or not for this exporter). */
  readonly identity: PatientIdentity | null;
  readonly hcp: { readonly id: string; readonly code: string; readonly name: string; readonly countryCode: string };
  readonly consents: ReadonlyArray<{ readonly id: string; readonly kind: ConsentKind; readonly form: ConsentForm; readonly givenAt: string; readonly withdrawnAt: string | null }>;
  readonly record: MedicalRecord;
  readonly documents: readonly PortableDocument[];
}

export interface BundleContext {
  readonly bundleId: string;
  /** ISO instant of the export. */
  readonly exportedAt: string;
  readonly software: { readonly name: string; readonly version: string };
  /** A new UUID, for resources that have no id of their own (observations, specimens...). */
  readonly newId: () => string;
}

const urn = (id: string) => `urn:uuid:${id}`;
/** A reference to an entry of the bundle, by its fullUrl; typed as whatever the element wants (FHIR checks the target, we build it). */
const ref = <T extends Resource = Resource>(id: string, display?: string): Reference<T> => (display ? { reference: urn(id), display } : { reference: urn(id) });
const text = (value: string): CodeableConcept => ({ text: value });
const monthOrEmpty = (month: string) => (month ? { effectiveDateTime: month } : {});

function patientResource(p: PortablePatient, organization: string): Patient {
  const id = p.identity;
  const extension: Extension[] = [];
  if (id) {
    extension.push({ url: 'http://hl7.org/fhir/StructureDefinition/patient-birthPlace', valueAddress: { text: id.placeOfBirth, country: p.birthArea } });
    extension.push({
      url: 'http://hl7.org/fhir/StructureDefinition/patient-nationality',
      extension: [{ url: 'code', valueCodeableConcept: { coding: [{ system: codeSystems.iso3166, code: id.nationality }] } }],
    });
  }
  return {
    resourceType: 'Patient',
    id: p.id,
    ...(p.status === 'anonymised' ? { meta: { security: [{ system: codeSystems.v3ObservationValue, code: 'ANONYED', display: 'anonymized' }] } } : {}),
    ...(extension.length > 0 ? { extension } : {}),
    identifier: [
      { use: 'secondary', system: codeSystems.pseudonymousId, value: p.pseudonymousId },
      ...(id?.localId
        ? [{ use: 'usual' as const, type: { coding: [{ system: codeSystems.v2IdentifierType, code: 'MR', display: 'Medical record number' }] }, system: codeSystems.localId(p.hcp.code, p.hcp.countryCode), value: id.localId, assigner: ref<Organization>(organization, p.hcp.name) }]
        : []),
    ],
    name: [...(id ? [{ use: 'official' as const, family: id.lastName, given: [id.firstName] }] : []), { use: 'anonymous', text: p.nickname }],
    gender: p.sex,
    birthDate: id?.dateOfBirth ?? p.birthYearMonth,
    address: [{ use: 'home', country: p.residenceArea }],
    managingOrganization: ref(organization, p.hcp.name),
  };
}

function consentResource(p: PortablePatient, c: PortablePatient['consents'][number], organization: string, form: PortableDocument | undefined): Consent {
  return {
    resourceType: 'Consent',
    id: c.id,
    status: c.withdrawnAt ? 'inactive' : 'active',
    scope: { coding: [consentScope[c.kind]] },
    category: [{ coding: [loinc.patientConsent] }, { coding: [{ system: codeSystems.consentKind, code: c.kind, display: consentKindNames[c.kind] }] }],
    patient: ref(p.id),
    dateTime: c.givenAt,
    organization: [ref(organization, p.hcp.name)],
    policyRule: { coding: [{ system: codeSystems.consentForm, code: c.form, display: c.form === 'EU' ? 'ERN patient consent form (EU)' : 'ERN patient consent form (Ukraine)' }] },
    ...(form ? { sourceReference: ref(form.id, form.title) } : {}),
    provision: { type: 'permit', period: { start: c.givenAt, ...(c.withdrawnAt ? { end: c.withdrawnAt } : {}) } },
  };
}

const consentKindNames: Readonly<Record<ConsentKind, string>> = {
  care: 'Primary consent to care',
  education: 'Anonymised use for education',
  registry: 'Export of pseudonymised data to registries',
};

function condition(p: PortablePatient, system: string, code: string, term: string, id: string): Condition {
  return { resourceType: 'Condition', id, code: { coding: [{ system, code, display: term }], text: term }, subject: ref(p.id) };
}

function phenotype(p: PortablePatient, term: { code: string; term: string }, id: string): Observation {
  return {
    resourceType: 'Observation',
    id,
    status: 'final',
    category: [{ coding: [{ system: codeSystems.observationCategory, code: 'exam', display: 'Exam' }], text: 'Phenotype' }],
    code: { coding: [{ system: codeSystems.hpo, code: term.code, display: term.term }], text: term.term },
    subject: ref(p.id),
    valueBoolean: true,
  };
}

function labResult(p: PortablePatient, lab: MedicalRecord['labResults'][number], id: string): Observation {
  const numeric = /^-?\d+(\.\d+)?$/.test(lab.value);
  return {
    resourceType: 'Observation',
    id,
    status: 'final',
    category: [{ coding: [{ system: codeSystems.observationCategory, code: 'laboratory', display: 'Laboratory' }] }],
    code: text(lab.test),
    subject: ref(p.id),
    ...monthOrEmpty(lab.date),
    ...(numeric ? { valueQuantity: { value: Number(lab.value), ...(lab.unit ? { unit: lab.unit } : {}) } } : { valueString: lab.unit ? `${lab.value} ${lab.unit}` : lab.value }),
    ...(lab.referenceRange ? { referenceRange: [{ text: lab.referenceRange }] } : {}),
  };
}

/** A genetic finding as the Genomics Reporting IG's "Variant" observation (LOINC 69548-6, present). */
function geneticFinding(p: PortablePatient, finding: MedicalRecord['geneticFindings'][number], id: string): Observation {
  const component: ObservationComponent[] = [{ code: { coding: [loinc.geneStudied] }, valueCodeableConcept: text(finding.gene) }];
  if (finding.variant) component.push({ code: { coding: [loinc.dnaChange] }, valueCodeableConcept: { coding: [{ system: codeSystems.hgvs, code: finding.variant }], text: finding.variant } });
  const zygosity = zygosityCodes[finding.zygosity];
  if (finding.zygosity !== 'unknown') component.push({ code: { coding: [loinc.allelicState] }, valueCodeableConcept: { ...(zygosity ? { coding: [zygosity] } : {}), text: finding.zygosity.replace('_', ' ') } });
  component.push({ code: { coding: [loinc.clinicalSignificance] }, valueCodeableConcept: { coding: [classificationCodes[finding.classification]], text: classificationCodes[finding.classification].display } });
  return {
    resourceType: 'Observation',
    id,
    status: 'final',
    category: [{ coding: [{ system: codeSystems.observationCategory, code: 'laboratory', display: 'Laboratory' }] }],
    code: { coding: [loinc.variantAssessment] },
    subject: ref(p.id),
    valueCodeableConcept: { coding: [loinc.present] },
    ...(finding.method ? { method: text(finding.method) } : {}),
    component,
  };
}

function specimen(p: PortablePatient, sample: MedicalRecord['samples'][number], id: string): Specimen {
  return {
    resourceType: 'Specimen',
    id,
    type: text(sample.type),
    subject: ref(p.id),
    ...(sample.reference ? { accessionIdentifier: { value: sample.reference } } : {}),
    ...(sample.date ? { collection: { collectedDateTime: sample.date } } : {}),
    ...(sample.location ? { note: [{ text: `Stored at: ${sample.location}` }] } : {}),
  };
}

/** A path inside the archive as a relative URL: each segment percent-encoded (FHIR urls have no spaces). */
export function archiveUrl(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

const documentTypes: Readonly<Record<PortableDocument['kind'], CodeableConcept>> = {
  consent_form: { coding: [loinc.patientConsent], text: 'Signed consent form' },
  document: text('Document'),
  summary: text('Clinical summary'),
  history: text('Clinical history'),
  dataset: text('ERN dataset'),
};

function documentReference(p: PortablePatient, d: PortableDocument, organization: string): DocumentReference {
  return {
    resourceType: 'DocumentReference',
    id: d.id,
    status: 'current',
    type: documentTypes[d.kind],
    subject: ref(p.id),
    date: d.createdAt,
    custodian: ref(organization, p.hcp.name),
    description: d.title,
    content: [{ attachment: { contentType: d.contentType, url: archiveUrl(d.path), size: d.size, hash: d.sha1Base64, title: d.title, creation: d.createdAt } }],
  };
}

/** The FHIR R4 collection bundle of one patient's data. */
export function portabilityBundle(p: PortablePatient, context: BundleContext): Bundle {
  const { newId } = context;
  const organization: Organization = {
    resourceType: 'Organization',
    id: p.hcp.id,
    identifier: [{ system: codeSystems.hcpCode, value: `${p.hcp.countryCode}${p.hcp.code}` }],
    name: p.hcp.name,
    address: [{ country: p.hcp.countryCode }],
  };
  const device: Device = { resourceType: 'Device', id: newId(), deviceName: [{ name: context.software.name, type: 'user-friendly-name' }], version: [{ value: context.software.version }] };
  const consentForm = [...p.documents].reverse().find((d) => d.kind === 'consent_form');
  const record = p.record;
  const resources: Resource[] = [
    patientResource(p, organization.id!),
    organization,
    ...p.consents.map((c) => consentResource(p, c, organization.id!, consentForm)),
    ...record.orphaDiagnoses.map((d) => condition(p, codeSystems.orpha, d.code.replace(/^ORPHA:/i, ''), d.term, newId())),
    ...record.icd10Diagnoses.map((d) => condition(p, codeSystems.icd10, d.code, d.term, newId())),
    ...record.phenotype.map((term) => phenotype(p, term, newId())),
    ...record.labResults.map((lab) => labResult(p, lab, newId())),
    ...record.geneticFindings.map((finding) => geneticFinding(p, finding, newId())),
    ...record.samples.map((sample) => specimen(p, sample, newId())),
    ...p.documents.map((d) => documentReference(p, d, organization.id!)),
    device,
  ];
  const provenance: Provenance = {
    resourceType: 'Provenance',
    id: newId(),
    target: resources.filter((r) => r.resourceType !== 'Device').map((r) => ref(r.id!)),
    recorded: context.exportedAt,
    reason: [{ coding: [{ system: codeSystems.v3ActReason, code: 'PATRQT', display: 'patient requested' }] }],
    agent: [
      { type: { coding: [{ system: codeSystems.provenanceParticipantType, code: 'assembler', display: 'Assembler' }] }, who: ref(device.id!, context.software.name) },
      { type: { coding: [{ system: codeSystems.provenanceParticipantType, code: 'custodian', display: 'Custodian' }] }, who: ref(organization.id!, p.hcp.name) },
    ],
  };
  const entry: BundleEntry[] = [...resources, provenance].map((resource) => ({ fullUrl: urn(resource.id!), resource }));
  return {
    resourceType: 'Bundle',
    id: context.bundleId,
    meta: { lastUpdated: context.exportedAt },
    identifier: { system: 'urn:ietf:rfc:3986', value: urn(context.bundleId) },
    type: 'collection',
    timestamp: context.exportedAt,
    entry,
  };
}
