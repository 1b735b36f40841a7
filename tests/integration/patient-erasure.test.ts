// GDPR erasure (SPEC PT-8) on a durable server: after the GDPR officer erases a patient's identifying
// data, nothing links the record back to the person — not the API for anyone, not a search by the
// old name, not the database (rows, free pages), the audit log, the History, the logs, nor the data
// directory: the fresh snapshot and the journal after it hold neither the names nor the sealed
// identity nor its blind-index tokens, and the consent forms' blobs are gone. What remains is older
// snapshots, encrypted, until the retention policy drops them (at most 6 months): shown here too.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { deriveKeys } from '../../server/db/durable/keys.ts';
import { parseJournalFileName, readJournalFile } from '../../server/db/durable/journal.ts';
import { listSnapshots, readSnapshot, snapshotsToKeep } from '../../server/db/durable/snapshots.ts';
import { encodeStatements } from '../../server/db/durable/statements.ts';
import { durableEnv, listFiles, plaintextForms, tempDataDir, type TempDataDir, testDataKey } from '../fixtures/durable.ts';
import { fastHasher } from '../fixtures/factories.ts';
import { enrolPatient, fullRecord, pdfWith, sampleIdentity, storeFile, type StoredFile } from '../fixtures/patients.ts';
import { persona, type SignedIn } from '../fixtures/personas.ts';
import { refusal } from '../fixtures/refusal.ts';
import { startTestServer, type TestServer } from '../fixtures/server.ts';

const keys = deriveKeys(testDataKey);
const logLines: string[] = [];
const logStream = new Writable({
  write(chunk: Buffer, _encoding, done) {
    logLines.push(chunk.toString('utf8'));
    done();
  },
});

let data: TempDataDir;
let t: TestServer;
let clinician: SignedIn;
let officer: SignedIn;
let patient: { id: string; nickname: string; pseudonymousId: string };
let consentForm: StoredFile;
let document: StoredFile;
/** What linked the record to the person before the erasure, as stored: the sealed identity and the name index. */
let sealed: string;
let nameTokens: string[];
let snapshotBefore: string;

/** Words that must not appear anywhere once the patient is erased, and the stored forms that led to them. */
function identifyingNeedles(): Array<[string, Buffer[]]> {
  const words = [sampleIdentity.firstName, sampleIdentity.lastName, sampleIdentity.placeOfBirth, sampleIdentity.localId, sampleIdentity.dateOfBirth];
  return [
    ...words.map((word): [string, Buffer[]] => [word, plaintextForms(word)]),
    ['sealed identity', [Buffer.from(sealed.slice(0, 40))]],
    ...nameTokens.map((token): [string, Buffer[]] => [`name token ${token}`, [Buffer.from(token)]]),
  ];
}

function found(haystack: Buffer): string[] {
  return identifyingNeedles().filter(([, forms]) => forms.some((form) => haystack.includes(form))).map(([name]) => name);
}

beforeAll(async () => {
  data = await tempDataDir('consilium-erasure-');
  t = await startTestServer({ argv: [], env: { ...durableEnv(data.dir), CONSILIUM_LOG_LEVEL: 'info' }, hasher: fastHasher, logStream });
  clinician = await persona(t, 'hp');
  officer = await persona(t, 'gdprOfficer');
  patient = await enrolPatient(clinician);
  const detail = await clinician.api.patients.get({ patientId: patient.id });
  await clinician.api.patients.saveRecord({ patientId: patient.id, version: detail.recordVersion, record: fullRecord });
  consentForm = await storeFile(t.server, patient.id, clinician.user.id, { name: `consent ${sampleIdentity.lastName}.pdf`, contentType: 'application/pdf', bytes: pdfWith(`${sampleIdentity.firstName} ${sampleIdentity.lastName} consents`), purpose: 'consent_form' });
  document = await storeFile(t.server, patient.id, clinician.user.id, { name: 'renal biopsy.pdf', contentType: 'application/pdf', bytes: pdfWith('Renal biopsy: tubulointerstitial nephritis') });
  // The clinician searches by name over HTTP (the query string is never logged) and opens the record (audited).
  expect((await t.client(clinician.token).api.patients.list.query({ search: sampleIdentity.lastName.slice(0, 5) })).total).toBe(1);
  const row = await t.server.db.prisma.patient.findUniqueOrThrow({ where: { id: patient.id }, select: { identitySealed: true, nameTokens: { select: { token: true } } } });
  sealed = row.identitySealed!;
  nameTokens = row.nameTokens.map((n) => n.token);
  expect(nameTokens.length).toBeGreaterThan(5);
  snapshotBefore = (await t.server.snapshot()).name;
  await clinician.api.patients.withdrawConsents({ patientId: patient.id, kinds: ['education'] });
});

afterAll(async () => {
  await t?.close();
  await data?.remove();
});

describe('the erasure', () => {
  test('needs the nickname typed, and the wrong one changes nothing', async () => {
    expect(await refusal(officer.api.patients.erase({ patientId: patient.id, confirm: 'Someone Else 12' }))).toBe('confirmation_mismatch');
    expect(await refusal(clinician.api.patients.erase({ patientId: patient.id, confirm: patient.nickname }))).toBe('forbidden');
    expect((await officer.api.patients.get({ patientId: patient.id })).identity?.lastName).toBe(sampleIdentity.lastName);
    await officer.api.patients.erase({ patientId: patient.id, confirm: patient.nickname.toUpperCase() });
    expect(await refusal(officer.api.patients.erase({ patientId: patient.id, confirm: patient.nickname }))).toBe('already_decided');
  });

  test('leaves an anonymised record that nobody sees a name in, and that the old name no longer finds', async () => {
    for (const reader of [clinician, officer]) {
      const record = await reader.api.patients.get({ patientId: patient.id });
      expect(record).toMatchObject({ status: 'anonymised', identity: null, realName: null, nickname: patient.nickname, birthYearMonth: '2011' });
      expect(record.record.orphaDiagnoses).toEqual(fullRecord.orphaDiagnoses);
      expect(found(Buffer.from(JSON.stringify(record)))).toEqual([]);
      const list = await reader.api.patients.list({});
      expect(list.items.find((p) => p.id === patient.id)).toMatchObject({ status: 'anonymised', realName: null });
      expect(found(Buffer.from(JSON.stringify(list)))).toEqual([]);
      for (const word of [sampleIdentity.lastName, sampleIdentity.firstName, sampleIdentity.lastName.slice(0, 4)]) {
        expect((await reader.api.patients.list({ search: word })).total, word).toBe(0);
      }
    }
  });

  test('removes the sealed identity, the name index and the consent forms with their bytes; other files stay', async () => {
    const prisma = t.server.db.prisma;
    expect(await prisma.patient.findUniqueOrThrow({ where: { id: patient.id }, select: { identitySealed: true, anonymisedAt: true } })).toMatchObject({ identitySealed: null, anonymisedAt: expect.any(Date) });
    expect(await prisma.patientNameToken.count({ where: { patientId: patient.id } })).toBe(0);
    expect(await prisma.patientFile.findMany({ where: { patientId: patient.id }, select: { id: true } })).toEqual([{ id: document.id }]);
    expect(await t.server.blobs.has(consentForm.blobId)).toBe(false);
    expect(await t.server.blobs.has(document.blobId)).toBe(true);
    expect((await listFiles(join(data.dir, 'blobs'))).some((file) => file.endsWith(consentForm.blobId))).toBe(false);
  });

  test('the live database, its History, its audit log and the server\'s log hold nothing that leads back', async () => {
    expect(found(t.server.db.sqlite.serialize())).toEqual([]);
    const events = await t.server.db.prisma.patientEvent.findMany({ where: { patientId: patient.id }, select: { kind: true, details: true } });
    expect(events.map((e) => e.kind)).toEqual(expect.arrayContaining(['enrolled', 'record_updated', 'file_added', 'consent_withdrawn', 'anonymised']));
    expect(found(Buffer.from(JSON.stringify(events)))).toEqual([]);
    const audit = await t.server.db.prisma.auditRecord.findMany({});
    expect(audit.filter((a) => a.recordId === patient.id).map((a) => a.action)).toEqual(expect.arrayContaining(['patients.enrol', 'patients.get', 'patients.erase']));
    expect(found(Buffer.from(JSON.stringify(audit)))).toEqual([]);
    expect(logLines.some((line) => line.includes('/trpc/patients.list'))).toBe(true);
    expect(found(Buffer.from(logLines.join('')))).toEqual([]);
  });

  test('the data directory: the newest snapshot and the journal after it hold none of it, encrypted or not', async () => {
    const [newest] = await listSnapshots(data.dir);
    expect(newest!.name).not.toBe(snapshotBefore);
    expect(found((await readSnapshot(data.dir, newest!, keys.snapshot))!)).toEqual([]);
    const journals = (await readdir(data.dir)).filter((name) => parseJournalFileName(name) !== undefined);
    expect(journals.length).toBeGreaterThan(0);
    for (const name of journals) {
      const contents = await readJournalFile(join(data.dir, name), keys.journal);
      // Only what came after the erasure: the snapshot let every older journal file go.
      for (const record of contents.records) expect(record.seq).toBeGreaterThan(newest!.seq);
      expect(found(Buffer.concat(contents.records.map((r) => encodeStatements(r.statements))))).toEqual([]);
    }
    for (const file of await listFiles(data.dir)) expect(found(await readFile(join(data.dir, file))), file).toEqual([]);
  });

  test('older snapshots still hold the sealed identity, encrypted, until the retention policy drops them', async () => {
    const before = (await listSnapshots(data.dir)).find((s) => s.name === snapshotBefore)!;
    expect(found((await readSnapshot(data.dir, before, keys.snapshot))!)).toContain('sealed identity');
    const all = await listSnapshots(data.dir);
    const sevenMonthsLater = new Date(before.createdAt.getTime() + 7 * 31 * 86_400_000);
    // By then newer snapshots exist (one a day at least while the server writes); with only these two, the
    // policy keeps the two newest — so a later one is added to show the old one goes.
    const later = { name: 'snapshot-later', seq: all[0]!.seq + 10n, createdAt: sevenMonthsLater };
    const laterStill = { name: 'snapshot-later-still', seq: all[0]!.seq + 20n, createdAt: sevenMonthsLater };
    expect(snapshotsToKeep([...all, later, laterStill], sevenMonthsLater).has(snapshotBefore)).toBe(false);
  });

  test('deleting a record (a clinician of the HCP) also takes a snapshot: its sealed identity is then in no journal file', async () => {
    const other = await enrolPatient(clinician, { identity: { ...sampleIdentity, lastName: 'Blackwater' } });
    const { identitySealed } = await t.server.db.prisma.patient.findUniqueOrThrow({ where: { id: other.id }, select: { identitySealed: true } });
    await clinician.api.patients.delete({ patientId: other.id });
    const [newest] = await listSnapshots(data.dir);
    const stored = [(await readSnapshot(data.dir, newest!, keys.snapshot))!];
    for (const name of (await readdir(data.dir)).filter((n) => parseJournalFileName(n) !== undefined)) {
      stored.push(...(await readJournalFile(join(data.dir, name), keys.journal)).records.map((r) => encodeStatements(r.statements)));
    }
    for (const bytes of stored) expect(bytes.includes(Buffer.from(identitySealed!.slice(0, 40)))).toBe(false);
  });
});
