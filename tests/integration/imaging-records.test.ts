// Images in the patient record: a patient's studies listed for who may see the record, the images
// deleted with the patient (their blobs only when no file shares the bytes, and the other way round),
// kept through GDPR erasure without a trace of the identity, and every DICOMweb store, retrieval and
// refusal in the audit log with the actor and the clinician they act for.
import { afterEach, describe, expect, test } from 'vitest';
import { findResidue } from '../../app/imaging/deidentify/index.ts';
import { ctSeries, textOf } from '../fixtures/dicom.ts';
import { dicomWeb, stowResult } from '../fixtures/dicomweb.ts';
import { fastHasher } from '../fixtures/factories.ts';
import { deidentifiedFor, identifiedCopies } from '../fixtures/imaging.ts';
import { enrolPatient, pdfWith, sampleIdentity, storeFile } from '../fixtures/patients.ts';
import { persona, type SignedIn } from '../fixtures/personas.ts';
import { refusal } from '../fixtures/refusal.ts';
import { startTestServer, type TestServer } from '../fixtures/server.ts';

let t: TestServer | undefined;

afterEach(async () => {
  await t?.close();
  t = undefined;
});

type Patient = { id: string; nickname: string; pseudonymousId: string };

/** A server, a clinician (FR10) and a patient of theirs whose CT series (4 slices) they stored as the workstation does. */
async function patientWithImages() {
  t = await startTestServer({ hasher: fastHasher });
  const clinician = await persona(t, 'hp');
  const patient: Patient = await enrolPatient(clinician);
  const instances = await deidentifiedFor(patient, identifiedCopies(ctSeries, sampleIdentity));
  const stow = await dicomWeb(t.server.url, clinician.token).stow(instances);
  expect(stow.status).toBe(200);
  return { t, clinician, patient, instances, studyUid: textOf(instances[0]!, '0020000D') };
}

async function blobIdsOf(server: TestServer, patient: Patient): Promise<string[]> {
  const rows = await server.server.db.prisma.imagingInstance.findMany({ where: { patientId: patient.pseudonymousId }, select: { blobId: true }, orderBy: { instanceNumber: 'asc' } });
  return rows.map((row) => row.blobId);
}

describe("a patient's studies in the record", () => {
  test('listed with date, modalities, description and counts, and the study names its patient, for who may see the record only', async () => {
    const { t, clinician, patient, studyUid } = await patientWithImages();
    const studies = await clinician.api.imaging.patientStudies({ patientId: patient.id });
    expect(studies).toEqual([{ studyInstanceUid: studyUid, date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), description: expect.any(String), modalities: ['CT'], series: 1, instances: 4 }]);
    expect(await clinician.api.imaging.studyPatient({ studyInstanceUid: studyUid })).toEqual({ patientId: patient.id, nickname: patient.nickname });

    // A guest clinician of another hospital, not invited to the record: as if nothing existed.
    const outsider = await persona(t, 'guest');
    expect(await refusal(outsider.api.imaging.patientStudies({ patientId: patient.id }))).toBe('not_found');
    expect(await refusal(outsider.api.imaging.studyPatient({ studyInstanceUid: studyUid }))).toBe('not_found');
    expect(await refusal(clinician.api.imaging.studyPatient({ studyInstanceUid: '1.2.3.4' }))).toBe('not_found');
    expect(await refusal(clinician.api.imaging.studyPatient({ studyInstanceUid: 'not a uid' }))).toBe('invalid_input');

    const other = await enrolPatient(clinician);
    expect(await clinician.api.imaging.patientStudies({ patientId: other.id })).toEqual([]);
  });
});

describe('deleting a patient', () => {
  test('deletes their images: index rows and blobs, except bytes a file of another patient shares', async () => {
    const { t, clinician, patient, instances, studyUid } = await patientWithImages();
    const blobs = t.server.blobs;
    const ids = await blobIdsOf(t, patient);
    expect(ids).toHaveLength(4);
    const document = await storeFile(t.server, patient.id, clinician.user.id, { name: 'letter.pdf', contentType: 'application/pdf', bytes: pdfWith('Referral letter') });
    // Another patient's file holds exactly the bytes of the first slice (content-addressed: one blob).
    const other = await enrolPatient(clinician);
    const shared = await storeFile(t.server, other.id, clinician.user.id, { name: 'slice.dcm', contentType: 'application/pdf', bytes: instances[0]! });
    expect(shared.blobId).toBe(ids[0]);

    await clinician.api.patients.delete({ patientId: patient.id });

    const prisma = t.server.db.prisma;
    expect(await prisma.imagingStudy.count({ where: { patientId: patient.pseudonymousId } })).toBe(0);
    expect(await prisma.imagingInstance.count()).toBe(0);
    expect(await prisma.imagingSeries.count()).toBe(0);
    expect(await Promise.all(ids.map((id) => blobs.has(id)))).toEqual([true, false, false, false]);
    expect(await blobs.has(document.blobId)).toBe(false);
    expect((await blobs.read(shared.blobId)).equals(instances[0]!)).toBe(true);
    const client = dicomWeb(t.server.url, clinician.token);
    expect((await client.json(`/studies?StudyInstanceUID=${studyUid}`)).body).toEqual([]);
    expect((await client.json(`/studies/${studyUid}/metadata`)).status).toBe(404);
  });

  test("deleting a file keeps an instance's bytes, and a refused upload keeps a file's", async () => {
    const { t, clinician, patient, instances } = await patientWithImages();
    const [first] = await blobIdsOf(t, patient);
    const other = await enrolPatient(clinician);
    const file = await storeFile(t.server, other.id, clinician.user.id, { name: 'slice.dcm', contentType: 'application/pdf', bytes: instances[1]! });
    await clinician.api.patients.files.delete({ patientId: other.id, fileId: file.id });
    const client = dicomWeb(t.server.url, clinician.token);
    const sop = textOf(instances[1]!, '00080018');
    const series = textOf(instances[1]!, '0020000E');
    const study = textOf(instances[1]!, '0020000D');
    const retrieved = await client.multipart(`/studies/${study}/series/${series}/instances/${sop}`, 'multipart/related; type="application/dicom"; transfer-syntax=*');
    expect(retrieved.parts[0]?.body.equals(instances[1]!)).toBe(true);

    // An outsider's upload of bytes equal to a file of theirs is refused; the file's blob stays.
    const outsider = await persona(t, 'guest');
    const theirs = await enrolPatient(outsider, { ernId: 'ERKNet' });
    const copy = (await deidentifiedFor(patient, identifiedCopies([ctSeries[0]!], sampleIdentity)))[0]!;
    const kept = await storeFile(t.server, theirs.id, outsider.user.id, { name: 'copy.dcm', contentType: 'application/pdf', bytes: copy });
    const refused = await dicomWeb(t.server.url, outsider.token).stow([copy]);
    expect(refused.status).toBe(409);
    expect((await t.server.blobs.read(kept.blobId)).equals(copy)).toBe(true);
    expect(await t.server.blobs.has(first!)).toBe(true);
  });
});

describe('GDPR erasure', () => {
  test('keeps the images, which carry the nickname and pseudonymous id and nothing of the identity', async () => {
    const { t, patient, studyUid } = await patientWithImages();
    const identifying = [sampleIdentity.firstName, sampleIdentity.lastName, sampleIdentity.localId, sampleIdentity.dateOfBirth.replaceAll('-', ''), sampleIdentity.placeOfBirth];
    // The images as the hospital sent them did carry the identity: the check below can fail.
    expect(findResidue(identifiedCopies([ctSeries[0]!], sampleIdentity)[0]!, identifying).length).toBeGreaterThan(0);

    const officer = await persona(t, 'gdprOfficer');
    await officer.api.patients.erase({ patientId: patient.id, confirm: patient.nickname });

    const ids = await blobIdsOf(t, patient);
    expect(ids).toHaveLength(4);
    for (const id of ids) {
      const bytes = await t.server.blobs.read(id);
      expect(findResidue(bytes, identifying)).toEqual([]);
      expect(textOf(bytes, '00100010')).toBe(patient.nickname);
      expect(textOf(bytes, '00100020')).toBe(patient.pseudonymousId);
    }
    expect((await officer.api.imaging.patientStudies({ patientId: patient.id })).map((s) => s.studyInstanceUid)).toEqual([studyUid]);
  });
});

describe('the audit log', () => {
  async function imagingRecords(server: TestServer) {
    const rows = await server.server.db.prisma.auditRecord.findMany({ where: { action: { startsWith: 'imaging.' } }, orderBy: { seq: 'asc' } });
    return rows.map((r) => ({ actorId: r.actorId, onBehalfOfId: r.onBehalfOfId, action: r.action, recordType: r.recordType, recordId: r.recordId, outcome: r.outcome, details: JSON.parse(r.details) as unknown }));
  }

  test('records each STOW-RS request and each retrieval of instances or metadata, not each frame, and refusals', async () => {
    const { t, clinician, instances, studyUid } = await patientWithImages();
    const me = { actorId: clinician.user.id, onBehalfOfId: null, recordType: 'study', recordId: studyUid };
    const client = dicomWeb(t.server.url, clinician.token);
    const series = textOf(instances[0]!, '0020000E');
    const sop = textOf(instances[0]!, '00080018');
    expect((await client.json(`/studies/${studyUid}/series/${series}/metadata`)).status).toBe(200);
    expect((await client.multipart(`/studies/${studyUid}`, 'multipart/related; type="application/dicom"; transfer-syntax=*')).parts).toHaveLength(4);
    for (const frame of [1, 1, 1]) expect((await client.get(`/studies/${studyUid}/series/${series}/instances/${sop}/frames/${frame}`, 'multipart/related; type="application/octet-stream"; transfer-syntax=*')).status).toBe(200);
    expect((await client.json(`/studies?PatientID=x`)).status).toBe(200);

    const outsider = await persona(t, 'guest');
    const theirs = dicomWeb(t.server.url, outsider.token);
    expect((await theirs.json(`/studies/${studyUid}/metadata`)).status).toBe(404);
    expect((await theirs.json('/studies/1.2.3.4/metadata')).status).toBe(404);
    const refused = await theirs.stow(instances);
    expect(stowResult(refused.body).failed).toHaveLength(4);
    // No permission to read patients at all (Support): denied, saying which permission.
    const support = await persona(t, 'support');
    expect((await dicomWeb(t.server.url, support.token).json(`/studies/${studyUid}/metadata`)).status).toBe(404);

    expect(await imagingRecords(t)).toEqual([
      { ...me, action: 'imaging.store', outcome: 'success', details: { stored: 4, failed: 0 } },
      { ...me, action: 'imaging.metadata', outcome: 'success', details: { series, instances: 4 } },
      { ...me, action: 'imaging.retrieve', outcome: 'success', details: { instances: 4 } },
      { ...me, actorId: outsider.user.id, action: 'imaging.metadata', outcome: 'denied', details: { code: 'need_to_know' } },
      { ...me, actorId: outsider.user.id, recordId: '1.2.3.4', action: 'imaging.metadata', outcome: 'failure', details: { code: 'not_found' } },
      { ...me, actorId: outsider.user.id, action: 'imaging.store', outcome: 'denied', details: { stored: 0, failed: 4 } },
      { ...me, actorId: support.user.id, action: 'imaging.metadata', outcome: 'denied', details: { code: 'need_to_know', permission: 'patients.read', reason: 'forbidden' } },
    ]);
  });

  test("an assistant's uploads and retrievals name the clinician they act for", async () => {
    t = await startTestServer({ hasher: fastHasher });
    const assistant = await persona(t, 'assistantActing');
    const clinician = assistant.principal as SignedIn;
    const patient = await enrolPatient(clinician);
    const instances = await deidentifiedFor(patient, identifiedCopies(ctSeries.slice(0, 2), sampleIdentity));
    const client = dicomWeb(t.server.url, assistant.token);
    expect((await client.stow(instances)).status).toBe(200);
    const studyUid = textOf(instances[0]!, '0020000D');
    expect((await client.json(`/studies/${studyUid}/metadata`)).status).toBe(200);
    const rows = await imagingRecords(t);
    expect(rows.map((r) => [r.action, r.outcome, r.actorId, r.onBehalfOfId, r.recordId])).toEqual([
      ['imaging.store', 'success', assistant.user.id, clinician.user.id, studyUid],
      ['imaging.metadata', 'success', assistant.user.id, clinician.user.id, studyUid],
    ]);
  });
});
