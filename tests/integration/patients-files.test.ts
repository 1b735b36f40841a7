// A patient's "Files" (SPEC PT-7) over real HTTP: who may upload, list, read and delete; what is
// refused and why; the answers' headers; History and audit entries. Storage: patients-files-storage.
import { readFile } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { desktopAppOrigin } from '../../app/desktop/bridge.ts';
import { fileNameHeader, filePaths } from '../../app/patients/files.ts';
import { fastHasher, buildUser } from '../fixtures/factories.ts';
import { enrolment, inPieces, pdfDocument, pngImage, readFileOf, uploadFile } from '../fixtures/files.ts';
import { persona, signInUser, type SignedIn } from '../fixtures/personas.ts';
import { refusal } from '../fixtures/refusal.ts';
import { startTestServer, type TestServer } from '../fixtures/server.ts';

let t: TestServer;
let lead: SignedIn;
let colleague: SignedIn;
let participant: SignedIn;
let outsider: SignedIn;
let gdpr: SignedIn;
let patientId: string;
const pdf = pdfDocument('Renal biopsy report');
const png = pngImage(4, 3);

const upload = (who: SignedIn | undefined, content: Uint8Array | AsyncIterable<Uint8Array>, options: Parameters<typeof uploadFile>[4] = {}, patient = patientId) =>
  uploadFile(t.server.url, who?.token, patient, content, options);

beforeAll(async () => {
  t = await startTestServer({ hasher: fastHasher, env: { CONSILIUM_MAX_FILE_MB: '1' } });
  lead = await persona(t, 'hp');
  colleague = await persona(t, 'hp');
  gdpr = await persona(t, 'gdprOfficer');
  const db = t.server.db.prisma;
  participant = await signInUser(t, await buildUser(db, { hasher: fastHasher, hcp: { code: 'IT03', countryCode: 'IT' }, memberships: [{ ernId: 'ERKNet', role: 'HP' }] }));
  outsider = await signInUser(t, await buildUser(db, { hasher: fastHasher, hcp: { code: 'IT03', countryCode: 'IT' }, memberships: [{ ernId: 'ERKNet', role: 'HP' }] }));
  ({ id: patientId } = await lead.api.patients.enrol(enrolment()));
  await lead.api.patients.addParticipant({ patientId, userId: participant.user.id });
});

afterAll(async () => {
  await t.close();
});

describe('who may add and read files', () => {
  test('anonymous callers are refused with 401 and told how to authenticate', async () => {
    const up = await upload(undefined, pdf, { name: 'report.pdf', type: 'application/pdf' });
    expect(up.status).toBe(401);
    expect(up.json.error).toBe('not_signed_in');
    expect(up.headers.get('www-authenticate')).toContain('Bearer');
    const { json } = await upload(lead, pdf, { name: 'report.pdf', type: 'application/pdf' });
    expect((await readFileOf(t.server.url, undefined, patientId, json.id as string)).status).toBe(401);
    expect((await readFileOf(t.server.url, 'not-a-token', patientId, json.id as string)).status).toBe(401);
  });

  test('a clinician who is not a participant gets 404 for the patient, its list and its files', async () => {
    const { json } = await upload(lead, pdf, { name: 'report.pdf', type: 'application/pdf' });
    expect((await upload(outsider, pdf, { name: 'report.pdf', type: 'application/pdf' })).status).toBe(404);
    expect((await readFileOf(t.server.url, outsider.token, patientId, json.id as string)).status).toBe(404);
    expect(await refusal(outsider.api.patients.files.list({ patientId }))).toBe('not_found');
    expect(await refusal(outsider.api.patients.files.delete({ patientId, fileId: json.id as string }))).toBe('not_found');
    // An unknown patient looks the same.
    expect((await upload(lead, pdf, { name: 'report.pdf' }, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  test('a participant from another hospital may upload; the treating team and the lead see the file', async () => {
    const up = await upload(participant, png, { name: 'ultrasound.png', type: 'image/png' });
    expect(up.status).toBe(201);
    expect(up.json).toMatchObject({ name: 'ultrasound.png', contentType: 'image/png', size: png.length, purpose: 'document', canDelete: true });
    for (const reader of [lead, colleague, participant, gdpr]) {
      const { files } = await reader.api.patients.files.list({ patientId });
      expect(files.find((f) => f.id === up.json.id)).toMatchObject({ name: 'ultrasound.png', uploadedBy: { id: participant.user.id, name: `${participant.user.firstName} ${participant.user.lastName}` } });
      const read = await readFileOf(t.server.url, reader.token, patientId, up.json.id as string);
      expect(read.status).toBe(200);
      expect(read.bytes.equals(png)).toBe(true);
    }
  });

  test('the desktop client (app:// origin) may upload and read across origins', async () => {
    const url = new URL(filePaths.files(patientId), t.server.url);
    const preflight = await fetch(url, {
      method: 'OPTIONS',
      headers: { origin: desktopAppOrigin, 'access-control-request-method': 'POST', 'access-control-request-headers': `authorization, content-type, ${fileNameHeader}` },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain(fileNameHeader);
    const up = await fetch(url, { method: 'POST', headers: { origin: desktopAppOrigin, authorization: `Bearer ${lead.token}`, 'content-type': 'application/pdf', [fileNameHeader]: 'desktop.pdf' }, body: new Uint8Array(pdf) });
    expect(up.status).toBe(201);
    expect(up.headers.get('access-control-allow-origin')).toBe(desktopAppOrigin);
    const { id } = (await up.json()) as { id: string };
    const read = await fetch(new URL(filePaths.file(patientId, id), t.server.url), { headers: { origin: desktopAppOrigin, authorization: `Bearer ${lead.token}` } });
    expect(read.headers.get('access-control-allow-origin')).toBe(desktopAppOrigin);
  });

  test('the GDPR officer of the hospital may read but not upload', async () => {
    const up = await upload(gdpr, pdf, { name: 'report.pdf', type: 'application/pdf' });
    expect(up.status).toBe(403);
    expect(up.json.error).toBe('forbidden');
  });

  test('a file is sent back with its type, a safe name, no caching, no sniffing and a sandboxing policy', async () => {
    const { json } = await upload(lead, pdf, { name: 'Compte rendu "biopsie" été.pdf', type: 'application/pdf' });
    const read = await readFileOf(t.server.url, colleague.token, patientId, json.id as string);
    expect(read.bytes.equals(pdf)).toBe(true);
    expect(read.headers.get('content-type')).toBe('application/pdf');
    expect(read.headers.get('content-length')).toBe(String(pdf.length));
    expect(read.headers.get('cache-control')).toBe('no-store');
    expect(read.headers.get('x-content-type-options')).toBe('nosniff');
    expect(read.headers.get('content-security-policy')).toMatch(/default-src 'none'.*sandbox/);
    expect(read.headers.get('content-disposition')).toBe(`attachment; filename="Compte rendu _biopsie_ _t_.pdf"; filename*=UTF-8''Compte%20rendu%20_biopsie_%20%C3%A9t%C3%A9.pdf`);
    expect(json.name).toBe('Compte rendu _biopsie_ été.pdf');
  });
});

describe('what is refused, changing nothing', () => {
  async function nothingAdded<T>(run: () => Promise<T>): Promise<T> {
    const db = t.server.db.prisma;
    const before = { files: await db.patientFile.count(), events: await db.patientEvent.count({ where: { kind: 'file_added' } }) };
    const result = await run();
    expect({ files: await db.patientFile.count(), events: await db.patientEvent.count({ where: { kind: 'file_added' } }) }).toEqual(before);
    return result;
  }

  test('a file over the limit: at once when its length is announced, while streaming when it is not', async () => {
    const big = Buffer.concat([pdfDocument('large'), Buffer.alloc(1024 * 1024, 0x20)]);
    for (const content of [big, inPieces(big, 64 * 1024)]) {
      const up = await nothingAdded(() => upload(lead, content, { name: 'large.pdf', type: 'application/pdf' }));
      expect(up.status).toBe(413);
      expect(up.json).toMatchObject({ error: 'file_too_large', details: { limitMb: 1 }, message: 'The file is larger than the limit of 1 MB.' });
    }
  });

  test('an empty file, announced or streamed', async () => {
    for (const content of [new Uint8Array(0), inPieces(Buffer.alloc(0), 1)]) {
      const up = await nothingAdded(() => upload(lead, content, { name: 'empty.pdf', type: 'application/pdf' }));
      expect(up.status).toBe(400);
      expect(up.json.error).toBe('file_empty');
    }
  });

  test.each([
    ['a PNG named .pdf', png, 'scan.pdf', 'application/pdf', 'PDF'],
    ['a PDF named .png', pdf, 'photo.png', 'image/png', 'PNG'],
    ['a PDF declared as a JPEG', pdf, 'report.pdf', 'image/jpeg', 'image/jpeg'],
    ['a text file named .pdf', Buffer.from('Creatinine 1.2 mg/dL\n'.repeat(20)), 'labs.pdf', 'application/pdf', 'PDF'],
    ['a PDF with an unknown extension', pdf, 'report.final', 'application/pdf', '.final'],
  ])('a lying extension or type: %s', async (_case, content, name, type, claimed) => {
    const up = await nothingAdded(() => upload(lead, content, { name, type }));
    expect(up.status).toBe(415);
    expect(up.json).toMatchObject({ error: 'file_type_mismatch', details: { claimed } });
  });

  test.each([
    ['a text file', Buffer.from('Creatinine 1.2 mg/dL\n'), 'labs.txt', 'text/plain'],
    ['a ZIP archive', Buffer.from('504b0304140000000800000000000000000000000000000000000000', 'hex'), 'records.zip', 'application/zip'],
    ['an SVG image', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'chart.svg', 'image/svg+xml'],
  ])('a type not allowed: %s', async (_case, content, name, type) => {
    const up = await nothingAdded(() => upload(lead, content, { name, type }));
    expect(up.status).toBe(415);
    expect(up.json.error).toBe('file_type_not_allowed');
  });

  test('DICOM, whatever its name, is sent to the imaging upload', async () => {
    const dicom = await readFile(new URL('../fixtures/dicom/single/rtstruct.dcm', import.meta.url));
    for (const [name, type] of [['rtstruct.dcm', 'application/dicom'], ['scan.pdf', 'application/pdf'], ['IM0001', 'application/octet-stream']] as const) {
      const up = await nothingAdded(() => upload(lead, dicom, { name, type }));
      expect(up.status).toBe(415);
      expect(up.json.error).toBe('file_is_dicom');
      expect(up.json.message).toContain('imaging upload');
    }
  });

  test('a purpose that does not exist, and a name header that is not percent-encoding', async () => {
    expect((await nothingAdded(() => upload(lead, pdf, { name: 'a.pdf', purpose: 'x-ray' }))).json.error).toBe('invalid_input');
    const url = new URL(`/api/patients/${patientId}/files`, t.server.url);
    const bad = await nothingAdded(() => fetch(url, { method: 'POST', headers: { authorization: `Bearer ${lead.token}`, 'x-consilium-file-name': '%E0%A4%A' }, body: new Uint8Array(pdf) }));
    expect(bad.status).toBe(400);
  });
});

describe('names, types and purposes kept', () => {
  test('path parts, control and direction characters are taken out of names; a missing extension is added', async () => {
    const cases = [
      ['../../etc/passwd\u202Egnp.pdf', 'passwdgnp.pdf'],
      ['C:\\Users\\claire\\report.pdf', 'report.pdf'],
      ['line\nbreak\u0000.pdf', 'line break.pdf'],
      ['   ..hidden.pdf..  ', 'hidden.pdf'],
      ['scan', 'scan.pdf'],
      ['', 'file.pdf'],
    ] as const;
    for (const [sent, kept] of cases) {
      const up = await upload(lead, pdf, { name: sent, type: 'application/pdf' });
      expect(up.json.name, JSON.stringify(sent)).toBe(kept);
    }
  });

  test('a JPEG declared as image/jpg and a PDF declared as octet-stream are accepted under their true type', async () => {
    const jpeg = Buffer.concat([Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex'), Buffer.alloc(64)]);
    expect((await upload(lead, jpeg, { name: 'photo.JPG', type: 'image/jpg' })).json).toMatchObject({ name: 'photo.JPG', contentType: 'image/jpeg' });
    expect((await upload(lead, pdf, { name: 'letter.pdf', type: 'application/octet-stream' })).json).toMatchObject({ contentType: 'application/pdf' });
  });

  test('a signed consent form is seen only by those who see the identity; only the lead adds one', async () => {
    const form = await upload(lead, pdfDocument('Consent form signed by Philomena Quarterbridge'), { name: 'consent.pdf', type: 'application/pdf', purpose: 'consent_form' });
    expect(form.status).toBe(201);
    expect(form.json.purpose).toBe('consent_form');
    for (const reader of [lead, gdpr]) expect((await reader.api.patients.files.list({ patientId })).files.some((f) => f.id === form.json.id)).toBe(true);
    for (const reader of [colleague, participant]) {
      expect((await reader.api.patients.files.list({ patientId })).files.some((f) => f.id === form.json.id)).toBe(false);
      expect((await readFileOf(t.server.url, reader.token, patientId, form.json.id as string)).status).toBe(404);
    }
    expect((await upload(participant, pdf, { name: 'consent.pdf', purpose: 'consent_form' })).status).toBe(403);
    expect((await upload(colleague, pdf, { name: 'consent.pdf', purpose: 'consent_form' })).status).toBe(403);
  });
});

describe('deleting', () => {
  test('by the uploader or the lead; a colleague of the team or another participant may not', async () => {
    const mine = (await upload(participant, pdfDocument('participant note'), { name: 'note.pdf' })).json.id as string;
    const leads = (await upload(lead, pdfDocument('lead note'), { name: 'lead.pdf' })).json.id as string;
    const other = (await upload(colleague, pdfDocument('colleague note'), { name: 'colleague.pdf' })).json.id as string;
    expect(await refusal(colleague.api.patients.files.delete({ patientId, fileId: mine }))).toBe('forbidden');
    expect(await refusal(participant.api.patients.files.delete({ patientId, fileId: leads }))).toBe('forbidden');
    expect(await refusal(gdpr.api.patients.files.delete({ patientId, fileId: mine }))).toBe('forbidden');
    const seenByColleague = (await colleague.api.patients.files.list({ patientId })).files;
    expect(seenByColleague.find((f) => f.id === mine)?.canDelete).toBe(false);
    expect(seenByColleague.find((f) => f.id === other)?.canDelete).toBe(true);

    await participant.api.patients.files.delete({ patientId, fileId: mine });
    await lead.api.patients.files.delete({ patientId, fileId: other });
    const left = (await lead.api.patients.files.list({ patientId })).files.map((f) => f.id);
    expect(left).toContain(leads);
    expect(left).not.toContain(mine);
    expect(left).not.toContain(other);
    expect(await refusal(lead.api.patients.files.delete({ patientId, fileId: mine }))).toBe('not_found');
    expect((await readFileOf(t.server.url, lead.token, patientId, mine)).status).toBe(404);
  });

  test('History shows files added and deleted, and the audit log every upload, read and deletion, by ids only', async () => {
    const name = 'Quarterbridge history check.pdf';
    const fileId = (await upload(lead, pdfDocument('history'), { name })).json.id as string;
    await readFileOf(t.server.url, colleague.token, patientId, fileId);
    await lead.api.patients.files.delete({ patientId, fileId });
    const history = await lead.api.patients.history({ patientId });
    expect(history.filter((e) => e.details.fileId === fileId).map((e) => e.kind)).toEqual(['file_deleted', 'file_added']);
    const audit = await t.server.db.prisma.auditRecord.findMany({ where: { recordId: patientId, action: { startsWith: 'patients.files.' } }, orderBy: { seq: 'asc' } });
    const about = audit.filter((a) => JSON.parse(a.details).fileId === fileId);
    expect(about.map((a) => [a.action, a.actorId, a.outcome])).toEqual([
      ['patients.files.upload', lead.user.id, 'success'],
      ['patients.files.read', colleague.user.id, 'success'],
      ['patients.files.delete', lead.user.id, 'success'],
    ]);
    expect(JSON.stringify(audit)).not.toContain('Quarterbridge');
    const refused = await t.server.db.prisma.auditRecord.findFirst({ where: { action: 'patients.files.upload', outcome: 'failure' }, orderBy: { seq: 'desc' } });
    expect(JSON.parse(refused!.details)).toHaveProperty('code');
  });

  test('an assistant acting for the lead uploads in the lead’s name, recorded as on their behalf', async () => {
    const assistant = await persona(t, 'assistantActing');
    const boss = assistant.principal!;
    const { id } = await boss.api.patients.enrol(enrolment({ nickname: undefined }));
    const up = await uploadFile(t.server.url, assistant.token, id, pdf, { name: 'referral.pdf' });
    expect(up.json.uploadedBy).toMatchObject({ id: boss.user.id });
    const entry = await t.server.db.prisma.auditRecord.findFirst({ where: { action: 'patients.files.upload', recordId: id } });
    expect(entry).toMatchObject({ actorId: assistant.user.id, onBehalfOfId: boss.user.id, outcome: 'success' });
    await boss.api.patients.files.delete({ patientId: id, fileId: up.json.id as string });
  });
});

test('the server’s logs, even at trace level, never carry a file’s name or content', async () => {
  let logs = '';
  const logStream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      logs += chunk.toString();
      done();
    },
  });
  const traced = await startTestServer({ hasher: fastHasher, env: { CONSILIUM_LOG_LEVEL: 'trace' }, logStream });
  try {
    const clinician = await persona(traced, 'hp');
    const { id } = await clinician.api.patients.enrol(enrolment());
    const secret = 'Quarterbridge';
    const up = await uploadFile(traced.server.url, clinician.token, id, pdfDocument(`${secret} renal scan`), { name: `${secret} Philomena.pdf`, type: 'application/pdf' });
    await uploadFile(traced.server.url, clinician.token, id, png, { name: `${secret} photo.pdf`, type: 'application/pdf' });
    await readFileOf(traced.server.url, clinician.token, id, up.json.id as string);
    await clinician.api.patients.files.list({ patientId: id });
    expect(logs).toContain('/api/patients/');
    expect(logs).not.toContain(secret);
  } finally {
    await traced.close();
  }
});
