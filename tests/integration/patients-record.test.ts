// The medical record (SPEC PT-5): saved and read back as stored, codes checked against their lists
// and stored as the lists write them, the ERN's dataset checked, concurrent saves refused instead of
// lost, bad input named field by field with nothing saved; who may read, who may save, and an
// assistant saving for the enrolling clinician recorded on their behalf.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { MedicalRecordInput } from '../../app/patients/record.ts';
import { addParticipantAs, enrolAs, enrolment } from '../fixtures/enrol.ts';
import { buildUser, fastHasher } from '../fixtures/factories.ts';
import { persona, signInUser, type SignedIn } from '../fixtures/personas.ts';
import { refusal } from '../fixtures/refusal.ts';
import { failure, startTestServer, type TestServer } from '../fixtures/server.ts';

let t: TestServer;

beforeEach(async () => {
  t = await startTestServer({ hasher: fastHasher });
});

afterEach(async () => {
  await t.close();
});

const fr10 = { code: 'FR10', countryCode: 'FR' };

/** A clinician of FR10 in ERKNet and ITHACA (ITHACA defines a dataset, ERKNet none). */
async function clinician(hcp = fr10): Promise<SignedIn> {
  return signInUser(t, await buildUser(t.server.db, { hcp, memberships: [{ ernId: 'ERKNet', role: 'HP' }, { ernId: 'ITHACA', role: 'HP' }], hasher: fastHasher }));
}

async function patientOf(enroller: SignedIn, ernId = 'ITHACA'): Promise<string> {
  return (await enrolAs(t.server, enroller.user.id, enrolment(ernId))).id;
}

const ithacaDataset = {
  growth: { ageMonths: 30, heightCm: 84.5, headCircumferenceCm: 44 },
  development: { intellectualDisability: 'moderate', walkedMonths: 26 },
  geneticTesting: { status: 'done', methods: ['exome'], result: 'diagnostic', gene: 'KMT2D' },
};

const fullRecord: MedicalRecordInput = {
  summary: 'Girl of 2 years with seizures and developmental delay.',
  history: 'First seizure at 9 months.',
  // Terms as a client might send them: an HPO alternative id, an Orphanet number without prefix.
  phenotype: [{ code: 'HP:0001275', term: 'whatever the client says' }, { code: 'HP:0001263', term: 'Global developmental delay' }],
  orphaDiagnoses: [{ code: '2322', term: 'Kabuki' }],
  icd10Diagnoses: [{ code: 'Q89.8', term: 'Other specified congenital malformations' }],
  geneticFindings: [{ gene: 'KMT2D', variant: 'NM_003482.4:c.5645C>G', zygosity: 'heterozygous', classification: 'pathogenic', method: 'Trio exome' }],
  labResults: [{ test: 'Creatinine', value: '31', unit: 'µmol/L', referenceRange: '15-37', date: '2021-04' }],
  samples: [{ type: 'DNA', reference: 'BB-2021-0042', location: 'Biobank Lyon', date: '2021-03' }],
  dataset: ithacaDataset,
};

describe('patients.record and patients.saveRecord', () => {
  test('refuse anonymous callers', async () => {
    const anonymous = t.client();
    const patientId = '00000000-0000-4000-8000-000000000000';
    expect((await failure(anonymous.api.patients.record.query({ patientId }))).data?.appCode).toBe('not_signed_in');
    expect((await failure(anonymous.api.patients.saveRecord.mutate({ patientId, version: 0, record: {} }))).data?.appCode).toBe('not_signed_in');
  });

  test('a saved record reads back as stored: codes as their lists write them with the lists\' terms, who saved it and when', async () => {
    const enroller = await clinician();
    const patientId = await patientOf(enroller);
    const before = await enroller.api.patients.record({ patientId });
    expect(before).toMatchObject({ version: 0, savedAt: null, savedBy: null, editable: true, ernId: 'ITHACA' });
    expect(before.record.phenotype).toEqual([]);

    const saved = await enroller.api.patients.saveRecord({ patientId, version: 0, record: fullRecord });
    expect(saved.version).toBe(1);
    const read = await enroller.api.patients.record({ patientId });
    expect(read.version).toBe(1);
    expect(read.savedBy).toBe(`${enroller.user.firstName} ${enroller.user.lastName}`);
    expect(read.savedAt).toBe(t.clock.now().toISOString());
    expect(read.record).toEqual(saved.record);
    expect(read.record.phenotype).toEqual([{ code: 'HP:0001250', term: 'Seizures' }, { code: 'HP:0001263', term: 'Global developmental delay' }]);
    expect(read.record.orphaDiagnoses).toEqual([{ code: 'ORPHA:2322', term: 'Kabuki syndrome' }]);
    expect(read.record.icd10Diagnoses).toEqual([{ code: 'Q89.8', term: 'Other specified congenital malformations' }]);
    expect(read.record).toMatchObject({ summary: fullRecord.summary, history: fullRecord.history, geneticFindings: fullRecord.geneticFindings, labResults: fullRecord.labResults, samples: fullRecord.samples, dataset: ithacaDataset });
    // The patient as the record page loads it carries the same record and version.
    expect(await enroller.api.patients.get({ patientId })).toMatchObject({ record: read.record, recordVersion: 1 });
    // Wherever the terms are shown, the lists' credits can be: the HPO's names its release.
    expect(read.credits.find((c) => c.system === 'hpo')?.attribution).toMatch(/^This service is using the Human Phenotype Ontology \(.+\)\. Find out more at http:\/\/www\.human-phenotype-ontology\.org$/);
    expect(read.credits.map((c) => c.system).sort()).toEqual(['hpo', 'icd10cm', 'orphanet']);
    const history = await enroller.api.patients.history({ patientId });
    expect(history[0]).toMatchObject({ kind: 'record_updated', details: { version: 1 } });
  });

  test('a save over a newer save is refused as a conflict and changes nothing; saved again on the newer version, it goes through', async () => {
    const enroller = await clinician();
    const colleague = await clinician();
    const patientId = await patientOf(enroller);
    await enroller.api.patients.saveRecord({ patientId, version: 0, record: { summary: 'First version.' } });

    // Both opened version 1; the colleague saves first.
    await colleague.api.patients.saveRecord({ patientId, version: 1, record: { summary: 'The colleague’s version.' } });
    expect(await refusal(enroller.api.patients.saveRecord({ patientId, version: 1, record: { summary: 'The enroller’s version.' } }))).toBe('conflict');
    const read = await enroller.api.patients.record({ patientId });
    expect(read).toMatchObject({ version: 2, savedBy: `${colleague.user.firstName} ${colleague.user.lastName}` });
    expect(read.record.summary).toBe('The colleague’s version.');
    const audit = await t.server.db.prisma.auditRecord.findFirstOrThrow({ where: { actorId: enroller.user.id, action: 'patients.saveRecord', outcome: 'failure' } });
    expect(JSON.parse(audit.details)).toEqual({ code: 'conflict' });

    // Having seen the newer version, the enroller saves theirs over it, knowingly.
    expect((await enroller.api.patients.saveRecord({ patientId, version: 2, record: { summary: 'The enroller’s version.' } })).version).toBe(3);
    expect((await colleague.api.patients.record({ patientId })).record.summary).toBe('The enroller’s version.');
  });

  test('bad input is named field by field over the wire (zod and code lists and dataset alike), and nothing is saved', async () => {
    const enroller = await clinician();
    const patientId = await patientOf(enroller);
    const client = t.client(enroller.token);

    const badFields = await failure(client.api.patients.saveRecord.mutate({
      patientId,
      version: 0,
      record: {
        summary: 'x'.repeat(20_001),
        geneticFindings: [{ gene: '', variant: 'c3266G>A' }],
        labResults: [{ test: 'Creatinine', value: '31', date: '2021-13' }],
      },
    }));
    expect(badFields.data?.appCode).toBe('invalid_input');
    expect(badFields.data?.fields).toEqual({
      'record.summary': ['At most 20000 characters'],
      'record.geneticFindings.0.gene': ['Required'],
      'record.geneticFindings.0.variant': ['HGVS notation, e.g. NM_000089.4:c.3266G>A'],
      'record.labResults.0.date': ['Year and month, YYYY-MM'],
    });

    const badCodes = await failure(client.api.patients.saveRecord.mutate({
      patientId,
      version: 0,
      record: {
        summary: 'Would be lost with the rest.',
        // Not an HPO code; an Orphanet code in the phenotype; the same term twice (once by its alternative id).
        phenotype: [{ code: 'HP:9999999', term: 'Made up' }, { code: 'ORPHA:558', term: 'Marfan syndrome' }, { code: 'HP:0001250', term: 'Seizures' }, { code: 'HP:0001275', term: 'Seizures' }],
        orphaDiagnoses: [{ code: 'ORPHA:99999999', term: 'Made up' }],
        icd10Diagnoses: [{ code: 'Q99.99', term: 'Made up' }],
        dataset: { ...ithacaDataset, growth: { ageMonths: 30, heightCm: 400 }, extra: true },
      },
    }));
    expect(badCodes.data?.appCode).toBe('invalid_input');
    expect(badCodes.data?.fields).toEqual({
      'record.phenotype.0.code': ['HP:9999999: not in the HPO code list'],
      'record.phenotype.1.code': ['ORPHA:558: not in the HPO code list'],
      'record.phenotype.3.code': ['HP:0001250: listed twice'],
      'record.orphaDiagnoses.0.code': ['ORPHA:99999999: not in the Orphanet code list'],
      'record.icd10Diagnoses.0.code': ['Q99.99: not in the ICD-10-CM code list'],
      'record.dataset.growth.heightCm': ['maximum:250'],
      'record.dataset.extra': ['unknown_field'],
    });

    const read = await enroller.api.patients.record({ patientId });
    expect(read.version).toBe(0);
    expect(read.record.summary).toBe('');
    expect((await enroller.api.patients.history({ patientId })).map((e) => e.kind)).not.toContain('record_updated');
  });

  test('an invalid dataset is refused, and so is any dataset for an ERN that defines none; an empty one is a dataset not filled in yet', async () => {
    const enroller = await clinician();
    const ithacaPatient = await patientOf(enroller, 'ITHACA');
    const erknetPatient = await patientOf(enroller, 'ERKNet');

    const missing = await failure(t.client(enroller.token).api.patients.saveRecord.mutate({ patientId: ithacaPatient, version: 0, record: { dataset: { growth: { heightCm: 80 } } } }));
    expect(missing.data?.fields).toEqual({
      'record.dataset.growth.ageMonths': ['required'],
      'record.dataset.development': ['required'],
      'record.dataset.geneticTesting': ['required'],
    });
    expect(await refusal(enroller.api.patients.saveRecord({ patientId: erknetPatient, version: 0, record: { dataset: ithacaDataset } }))).toBe('invalid_input');
    expect((await enroller.api.patients.record({ patientId: erknetPatient })).version).toBe(0);

    expect((await enroller.api.patients.saveRecord({ patientId: ithacaPatient, version: 0, record: { summary: 'Dataset later.', dataset: {} } })).version).toBe(1);
    expect((await enroller.api.patients.saveRecord({ patientId: erknetPatient, version: 0, record: { summary: 'No dataset in ERKNet.' } })).version).toBe(1);
  });
});

describe('who reads and who saves the record', () => {
  test('a participant reads it but cannot save; the GDPR officer of the HCP reads it; a clinician elsewhere does not see it', async () => {
    const enroller = await clinician();
    const patientId = await patientOf(enroller);
    await enroller.api.patients.saveRecord({ patientId, version: 0, record: { summary: 'Seen by the participants.', phenotype: [{ code: 'HP:0001250', term: 'Seizures' }] } });
    const participant = await clinician({ code: 'IT03', countryCode: 'IT' });
    await addParticipantAs(t.server, enroller.user.id, patientId, participant.user.id);
    const stranger = await clinician({ code: 'CZ02', countryCode: 'CZ' });
    const officer = await persona(t, 'gdprOfficer');

    const seen = await participant.api.patients.record({ patientId });
    expect(seen).toMatchObject({ version: 1, editable: false, record: { summary: 'Seen by the participants.' } });
    expect(seen.credits.some((c) => c.system === 'hpo')).toBe(true);
    expect(await refusal(participant.api.patients.saveRecord({ patientId, version: 1, record: { summary: 'Changed by a participant.' } }))).toBe('forbidden');

    // The GDPR officer holds no code-list permission, yet sees the HPO credit with the terms.
    expect(await refusal(officer.api.codes.about())).toBe('forbidden');
    const officerView = await officer.api.patients.record({ patientId });
    expect(officerView).toMatchObject({ editable: false, record: { phenotype: [{ code: 'HP:0001250', term: 'Seizures' }] } });
    expect(officerView.credits.some((c) => c.system === 'hpo')).toBe(true);
    expect(await refusal(officer.api.patients.saveRecord({ patientId, version: 1, record: {} }))).toBe('forbidden');

    expect(await refusal(stranger.api.patients.record({ patientId }))).toBe('not_found');
    expect(await refusal(stranger.api.patients.saveRecord({ patientId, version: 1, record: {} }))).toBe('not_found');
    expect((await enroller.api.patients.record({ patientId })).record.summary).toBe('Seen by the participants.');
  });

  test('an assistant acting for the enrolling clinician saves the record; it is recorded as on the clinician\'s behalf', async () => {
    const acting = await persona(t, 'assistantActing');
    const enroller = acting.principal!;
    const patientId = (await enrolAs(t.server, enroller.user.id, enrolment('ERKNet'))).id;

    const opened = await acting.api.patients.record({ patientId });
    expect(opened.editable).toBe(true);
    await acting.api.patients.saveRecord({ patientId, version: opened.version, record: { summary: 'Typed by the assistant.' } });

    const read = await enroller.api.patients.record({ patientId });
    expect(read.record.summary).toBe('Typed by the assistant.');
    expect(read.savedBy).toBe(`${acting.user.firstName} ${acting.user.lastName}`);
    const entry = await t.server.db.prisma.auditRecord.findFirstOrThrow({ where: { action: 'patients.saveRecord', outcome: 'success' } });
    expect(entry).toMatchObject({ actorId: acting.user.id, onBehalfOfId: enroller.user.id, recordType: 'patient', recordId: patientId });
    // Reading it was recorded on the clinician's behalf too.
    expect(await t.server.db.prisma.auditRecord.count({ where: { action: 'patients.record', actorId: acting.user.id, onBehalfOfId: enroller.user.id } })).toBe(1);
  });
});
