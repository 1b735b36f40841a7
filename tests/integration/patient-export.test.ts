// The portability export (SPEC PT-9) over real HTTP: one ZIP with a FHIR R4 collection bundle that
// validates offline against HL7's R4 JSON Schema and structure definitions, whose references all
// resolve inside the bundle, with the expected codes, and whose DocumentReferences point at the
// archive's files with their true size and SHA-1. Who may export, and that every attempt is audited.
import type { Bundle, Condition, Consent, DocumentReference, Observation, Patient, Provenance, Resource, Specimen } from '@medplum/fhirtypes';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildUser, fastHasher } from '../fixtures/factories.ts';
import { fhirErrors } from '../fixtures/fhir.ts';
import { enrolPatient, fullRecord, pdfWith, sampleIdentity, storeFile, type StoredFile } from '../fixtures/patients.ts';
import { persona, type SignedIn, signInUser } from '../fixtures/personas.ts';
import { refusal } from '../fixtures/refusal.ts';
import { startTestServer, type TestServer } from '../fixtures/server.ts';
import { readZip } from '../fixtures/zip.ts';

let t: TestServer;
let enroller: SignedIn;
let patient: { id: string; nickname: string; pseudonymousId: string };
let report: StoredFile;
let consentForm: StoredFile;

function download(patientId: string, token?: string): Promise<Response> {
  return fetch(`${t.server.url}/api/patients/${patientId}/export`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
}

async function exportedBundle(token: string) {
  const response = await download(patient.id, token);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/zip');
  expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${patient.pseudonymousId}-fhir-export.zip"`);
  const entries = await readZip(Buffer.from(await response.arrayBuffer()));
  const bundle = JSON.parse(entries.get('bundle.json')!.toString('utf8')) as Bundle;
  return { entries, bundle };
}

const ofType = <T extends Resource>(bundle: Bundle, type: T['resourceType']): T[] => (bundle.entry ?? []).map((e) => e.resource!).filter((r): r is T => r.resourceType === type);

/** Every `reference` anywhere in the value. */
function references(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) references(item, found);
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === 'reference' && typeof item === 'string') found.push(item);
      else references(item, found);
    }
  }
  return found;
}

beforeAll(async () => {
  t = await startTestServer({ hasher: fastHasher });
  enroller = await persona(t, 'hp');
  patient = await enrolPatient(enroller);
  const detail = await enroller.api.patients.get({ patientId: patient.id });
  await enroller.api.patients.saveRecord({ patientId: patient.id, version: detail.recordVersion, record: fullRecord });
  await enroller.api.patients.withdrawConsents({ patientId: patient.id, kinds: ['registry'] });
  report = await storeFile(t.server, patient.id, enroller.user.id, { name: 'kidney ultrasound report.pdf', contentType: 'application/pdf', bytes: pdfWith('Renal ultrasound: small echogenic kidneys with corticomedullary cysts') });
  consentForm = await storeFile(t.server, patient.id, enroller.user.id, { name: '../../signed consent.pdf', contentType: 'application/pdf', bytes: pdfWith('Signed consent form'), purpose: 'consent_form' });
});

afterAll(async () => {
  await t.close();
});

describe('the archive', () => {
  test('holds bundle.json, every file under files/ and the record\'s text sections, and the bundle is valid FHIR R4', async () => {
    const { entries, bundle } = await exportedBundle(enroller.token);
    expect([...entries.keys()].sort()).toEqual(
      ['bundle.json', `files/${consentForm.id}/_.._signed consent.pdf`, `files/${report.id}/kidney ultrasound report.pdf`, 'record/history.txt', 'record/summary.txt'].sort(),
    );
    expect(entries.get(`files/${report.id}/kidney ultrasound report.pdf`)).toEqual(report.bytes);
    expect(entries.get('record/summary.txt')!.toString('utf8')).toBe(fullRecord.summary);
    expect(fhirErrors(bundle)).toEqual([]);
  });

  test('the validators do find errors: a status outside its value set, a missing required element, an unknown one', async () => {
    const { bundle } = await exportedBundle(enroller.token);
    const broken = structuredClone(bundle);
    const observation = broken.entry!.find((e) => e.resource!.resourceType === 'Observation')!.resource as Observation & { colour?: string };
    observation.status = 'maybe' as Observation['status'];
    observation.colour = 'blue';
    delete (broken.entry!.find((e) => e.resource!.resourceType === 'Consent')!.resource as Partial<Consent>).scope;
    const errors = fhirErrors(broken);
    expect(errors.some((e) => e.startsWith('structure:') && e.includes('Observation.status'))).toBe(true);
    expect(errors.some((e) => e.startsWith('structure:') && e.includes('Consent.scope'))).toBe(true);
    expect(errors.some((e) => e.startsWith('schema:'))).toBe(true);
  });

  test('is a collection bundle of the expected resources, each with a unique fullUrl that every reference resolves to', async () => {
    const { bundle } = await exportedBundle(enroller.token);
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection' });
    expect(bundle.timestamp).toBe(t.clock.now().toISOString());
    const counts: Record<string, number> = {};
    for (const entry of bundle.entry ?? []) counts[entry.resource!.resourceType] = (counts[entry.resource!.resourceType] ?? 0) + 1;
    // 3 consents; ORPHA + ICD-10; HPO + 2 labs + 1 variant; 1 sample; 2 files + summary + history.
    expect(counts).toEqual({ Patient: 1, Organization: 1, Consent: 3, Condition: 2, Observation: 4, Specimen: 1, DocumentReference: 4, Device: 1, Provenance: 1 });
    const fullUrls = (bundle.entry ?? []).map((e) => e.fullUrl);
    expect(new Set(fullUrls).size).toBe(fullUrls.length);
    for (const entry of bundle.entry ?? []) expect(entry.fullUrl).toBe(`urn:uuid:${entry.resource!.id}`);
    const refs = references(bundle.entry);
    expect(refs.length).toBeGreaterThan(20);
    for (const reference of refs) expect(fullUrls, reference).toContain(reference);
    const [provenance] = ofType<Provenance>(bundle, 'Provenance');
    expect(provenance?.target).toHaveLength((bundle.entry?.length ?? 0) - 2);
  });

  test('the Patient carries the identity, the pseudonym and the hospital\'s id', async () => {
    const { bundle } = await exportedBundle(enroller.token);
    const [fhirPatient] = ofType<Patient>(bundle, 'Patient');
    expect(fhirPatient).toMatchObject({
      id: patient.id,
      gender: 'female',
      birthDate: sampleIdentity.dateOfBirth,
      name: [{ use: 'official', family: sampleIdentity.lastName, given: [sampleIdentity.firstName] }, { use: 'anonymous', text: patient.nickname }],
      address: [{ country: 'BE' }],
    });
    expect(fhirPatient?.identifier).toEqual(expect.arrayContaining([expect.objectContaining({ value: patient.pseudonymousId }), expect.objectContaining({ value: sampleIdentity.localId })]));
    expect(fhirPatient?.extension?.find((e) => e.url.endsWith('patient-birthPlace'))?.valueAddress?.text).toBe(sampleIdentity.placeOfBirth);
  });

  test('consents say active or inactive (withdrawn, with the end of the period), category, date and form', async () => {
    const { bundle } = await exportedBundle(enroller.token);
    const consents = ofType<Consent>(bundle, 'Consent');
    const byKind = new Map(consents.map((c) => [c.category?.[1]?.coding?.[0]?.code, c]));
    expect(byKind.get('care')).toMatchObject({ status: 'active', scope: { coding: [{ code: 'treatment' }] }, policyRule: { coding: [{ code: 'EU' }] }, sourceReference: { reference: `urn:uuid:${consentForm.id}` } });
    expect(byKind.get('registry')?.status).toBe('inactive');
    expect(byKind.get('registry')?.provision?.period?.end).toBeDefined();
    for (const consent of consents) expect(consent.category?.[0]?.coding?.[0]).toMatchObject({ system: 'http://loinc.org', code: '59284-0' });
  });

  test('diagnoses, phenotype, lab results, the genetic finding and the sample use the expected code systems', async () => {
    const { bundle } = await exportedBundle(enroller.token);
    const conditions = ofType<Condition>(bundle, 'Condition').map((c) => c.code?.coding?.[0]);
    expect(conditions).toEqual([
      { system: 'http://www.orpha.net', code: '655', display: 'Nephronophthisis' },
      { system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'Q61.5', display: 'Medullary cystic kidney' },
    ]);
    const observations = ofType<Observation>(bundle, 'Observation');
    expect(observations.find((o) => o.code?.coding?.[0]?.system === 'http://purl.obolibrary.org/obo/hp.owl')?.code?.coding?.[0]?.code).toBe('HP:0000112');
    expect(observations.find((o) => o.code?.text === 'Creatinine')).toMatchObject({ valueQuantity: { value: 1.8, unit: 'mg/dL' }, effectiveDateTime: '2024-03', referenceRange: [{ text: '0.5-1.0' }] });
    expect(observations.find((o) => o.code?.text === 'Urine dipstick protein')?.valueString).toBe('trace');
    const variant = observations.find((o) => o.code?.coding?.[0]?.code === '69548-6');
    const component = (loincCode: string) => variant?.component?.find((c) => c.code.coding?.[0]?.code === loincCode)?.valueCodeableConcept;
    expect(component('48018-6')?.text).toBe('NPHP1');
    expect(component('48004-6')?.coding?.[0]).toEqual({ system: 'http://varnomen.hgvs.org', code: 'NM_000272.5:c.1027G>A' });
    expect(component('53034-5')?.coding?.[0]?.code).toBe('LA6705-3');
    expect(component('53037-8')?.coding?.[0]?.code).toBe('LA26332-9');
    expect(ofType<Specimen>(bundle, 'Specimen')[0]).toMatchObject({ type: { text: 'EDTA blood' }, accessionIdentifier: { value: 'BB-2024-0173' }, collection: { collectedDateTime: '2024-02' } });
  });

  test('each DocumentReference points at its file in the archive, with its type, size and base64 SHA-1', async () => {
    const { entries, bundle } = await exportedBundle(enroller.token);
    const documents = ofType<DocumentReference>(bundle, 'DocumentReference');
    for (const document of documents) {
      const attachment = document.content[0]!.attachment;
      const bytes = entries.get(decodeURIComponent(attachment.url!));
      expect(bytes, attachment.url).toBeDefined();
      expect(attachment.size).toBe(bytes!.length);
      expect(attachment.hash).toBe(createHash('sha1').update(bytes!).digest('base64'));
    }
    expect(documents.find((d) => d.id === consentForm.id)).toMatchObject({ type: { coding: [{ code: '59284-0' }] }, content: [{ attachment: { contentType: 'application/pdf', hash: consentForm.sha1Base64, title: '../../signed consent.pdf' } }] });
  });

  test('an anonymised patient\'s export has no identity, the year of birth only, and is marked anonymised', async () => {
    const officer = await persona(t, 'gdprOfficer');
    const other = await enrolPatient(enroller, { identity: { ...sampleIdentity, lastName: 'Thorncastle' } });
    await officer.api.patients.erase({ patientId: other.id, confirm: other.nickname });
    const response = await download(other.id, enroller.token);
    const text = (await readZip(Buffer.from(await response.arrayBuffer()))).get('bundle.json')!.toString('utf8');
    for (const word of ['Thorncastle', sampleIdentity.firstName, sampleIdentity.localId, sampleIdentity.dateOfBirth]) expect(text).not.toContain(word);
    const bundle = JSON.parse(text) as Bundle;
    expect(ofType<Patient>(bundle, 'Patient')[0]).toMatchObject({ birthDate: '2011', name: [{ use: 'anonymous', text: other.nickname }], meta: { security: [{ code: 'ANONYED' }] } });
    expect(fhirErrors(bundle)).toEqual([]);
    expect((await enroller.api.patients.exportSummary({ patientId: other.id })).includesIdentity).toBe(false);
  });

  test('the summary says what the export will hold', async () => {
    expect(await enroller.api.patients.exportSummary({ patientId: patient.id })).toEqual({
      consents: 3, diagnoses: 2, phenotype: 1, labResults: 2, geneticFindings: 1, samples: 1, files: 2, fileBytes: report.bytes.length + consentForm.bytes.length, includesIdentity: true,
    });
  });
});

describe('who may export', () => {
  test('anonymous callers get 401, and nothing', async () => {
    const response = await download(patient.id);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'not_signed_in' });
  });

  test('the GDPR officer of the HCP may; one of another HCP is told "not found"; a researcher is refused the permission', async () => {
    const officer = await persona(t, 'gdprOfficer');
    expect((await exportedBundle(officer.token)).bundle.type).toBe('collection');
    const elsewhere = await signInUser(t, await buildUser(t.server.db, { hasher: fastHasher, createdAt: t.clock.now(), memberships: [], globalRoles: [{ role: 'GDPROfficer', hcp: { code: 'IT03', countryCode: 'IT' } }] }));
    expect((await download(patient.id, elsewhere.token)).status).toBe(404);
    const researcher = await persona(t, 'researcher');
    expect((await download(patient.id, researcher.token)).status).toBe(403);
    expect(await refusal(researcher.api.patients.exportSummary({ patientId: patient.id }))).toBe('forbidden');
  });

  test('a colleague of the treating team sees the record but may not export it; a participant neither', async () => {
    const colleague = await persona(t, 'hp');
    expect((await colleague.api.patients.get({ patientId: patient.id })).id).toBe(patient.id);
    expect((await download(patient.id, colleague.token)).status).toBe(403);
    const participant = await signInUser(t, await buildUser(t.server.db, { hasher: fastHasher, createdAt: t.clock.now(), hcp: { code: 'IT03', countryCode: 'IT' } }));
    await enroller.api.patients.addParticipant({ patientId: patient.id, userId: participant.user.id });
    expect((await download(patient.id, participant.token)).status).toBe(403);
    const stranger = await signInUser(t, await buildUser(t.server.db, { hasher: fastHasher, createdAt: t.clock.now(), hcp: { code: 'IT03', countryCode: 'IT' } }));
    expect((await download(patient.id, stranger.token)).status).toBe(404);
    expect((await download('not-an-id', enroller.token)).status).toBe(400);
  });

  test('every attempt is audited: success on behalf of the enroller for their assistant, refusals with their reason', async () => {
    const assistant = await persona(t, 'assistantActing');
    const own = await enrolPatient(assistant.principal!, { identity: { ...sampleIdentity, lastName: 'Ravensworth' } });
    const response = await download(own.id, assistant.token);
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    const researcher = await persona(t, 'researcher');
    await download(own.id, researcher.token);
    await expect.poll(async () => t.server.db.prisma.auditRecord.findMany({ where: { action: 'patients.export', OR: [{ recordId: own.id }, { actorId: researcher.user.id }] }, select: { actorId: true, onBehalfOfId: true, outcome: true, recordId: true, details: true }, orderBy: { seq: 'asc' } })).toEqual([
      { actorId: assistant.user.id, onBehalfOfId: assistant.principal!.user.id, outcome: 'success', recordId: own.id, details: '{}' },
      { actorId: researcher.user.id, onBehalfOfId: null, outcome: 'denied', recordId: null, details: JSON.stringify({ permission: 'patients.export', reason: 'forbidden' }) },
    ]);
    const history = await assistant.api.patients.history({ patientId: own.id });
    expect(history.find((e) => e.kind === 'exported')).toMatchObject({ details: { files: 0, identity: true } });
  });
});
