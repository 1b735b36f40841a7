// Where a patient's files go on a durable server: encrypted in the blob store (no plaintext on disk),
// stored once per content and deleted with the last file that has it, and nothing left behind by a
// client that disconnects in the middle of its upload.
import { connect as tcpConnect } from 'node:net';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fileNameHeader, filePaths } from '../../app/patients/files.ts';
import { durableEnv, listFiles, plaintextForms, tempDataDir, type TempDataDir } from '../fixtures/durable.ts';
import { fastHasher } from '../fixtures/factories.ts';
import { enrolment, pdfDocument, readFileOf, uploadFile } from '../fixtures/files.ts';
import { persona, type SignedIn } from '../fixtures/personas.ts';
import { startTestServer, type TestServer } from '../fixtures/server.ts';

let data: TempDataDir;
let t: TestServer;
let lead: SignedIn;
let patientId: string;

const blobDir = () => join(data.dir, 'blobs');
/** The blobs in the store (files under two-character folders), without the temporary ones. */
const storedBlobs = async () => (await listFiles(blobDir())).filter((path) => /^[0-9a-f]{2}\//.test(path));
const tempFiles = () => readdir(join(blobDir(), 'tmp'));
const blobIdOf = async (fileId: string) => (await t.server.db.prisma.patientFile.findUniqueOrThrow({ where: { id: fileId }, select: { blobId: true } })).blobId;
const upload = (content: Buffer, name = 'report.pdf') => uploadFile(t.server.url, lead.token, patientId, content, { name, type: 'application/pdf' });

beforeAll(async () => {
  data = await tempDataDir();
  t = await startTestServer({ argv: [], env: durableEnv(data.dir), hasher: fastHasher });
  lead = await persona(t, 'hp');
  ({ id: patientId } = await lead.api.patients.enrol(enrolment()));
});

afterAll(async () => {
  await t.close();
  await data.remove();
});

describe('on disk', () => {
  test('a file’s content is nowhere in plaintext in the data directory, journal and snapshot included', async () => {
    const secret = 'Nephrotic syndrome, steroid resistant, NPHS2 R138Q';
    const up = await upload(Buffer.concat([pdfDocument(secret), Buffer.from(`% ${secret}\n`.repeat(200))]));
    expect(up.status).toBe(201);
    await t.server.snapshot();
    const files = await listFiles(data.dir);
    expect(files.some((path) => path.startsWith('blobs/'))).toBe(true);
    for (const path of files) {
      const bytes = await readFile(join(data.dir, path));
      for (const form of plaintextForms(secret)) expect(bytes.includes(form), path).toBe(false);
      expect(bytes.includes(Buffer.from('%PDF-')), path).toBe(false);
    }
    const read = await readFileOf(t.server.url, lead.token, patientId, up.json.id as string);
    expect(read.bytes.includes(Buffer.from(secret))).toBe(true);
  });
});

describe('blobs shared by content', () => {
  test('equal files are stored once; the blob goes with the last file that has it', async () => {
    const content = pdfDocument('same letter, twice');
    const first = (await upload(content, 'letter.pdf')).json.id as string;
    const second = (await upload(content, 'letter copy.pdf')).json.id as string;
    const blobId = await blobIdOf(first);
    expect(await blobIdOf(second)).toBe(blobId);
    expect((await storedBlobs()).filter((path) => path.endsWith(blobId))).toHaveLength(1);

    await lead.api.patients.files.delete({ patientId, fileId: first });
    expect((await readFileOf(t.server.url, lead.token, patientId, second)).bytes.equals(content)).toBe(true);
    await lead.api.patients.files.delete({ patientId, fileId: second });
    expect((await storedBlobs()).some((path) => path.endsWith(blobId))).toBe(false);
  });

  test('an upload racing the deletion of the last file with the same bytes always ends readable', async () => {
    for (let round = 0; round < 8; round++) {
      const content = pdfDocument(`race ${round}`);
      const old = (await upload(content, 'old.pdf')).json.id as string;
      const [, added] = await Promise.all([lead.api.patients.files.delete({ patientId, fileId: old }), upload(content, 'new.pdf')]);
      expect(added.status).toBe(201);
      const read = await readFileOf(t.server.url, lead.token, patientId, added.json.id as string);
      expect(read.status, `round ${round}`).toBe(200);
      expect(read.bytes.equals(content)).toBe(true);
    }
  });

  test('deleting the patient deletes its files’ blobs', async () => {
    const { id } = await lead.api.patients.enrol(enrolment({ nickname: undefined }));
    const fileId = (await uploadFile(t.server.url, lead.token, id, pdfDocument('to be deleted with the record'), { name: 'gone.pdf' })).json.id as string;
    const blobId = await blobIdOf(fileId);
    await lead.api.patients.delete({ patientId: id });
    expect((await storedBlobs()).some((path) => path.endsWith(blobId))).toBe(false);
  });
});

describe('a client that disconnects mid-upload', () => {
  test('leaves no file row, no blob and no temporary file, and the attempt is audited', async () => {
    const rowsBefore = await t.server.db.prisma.patientFile.count();
    const blobsBefore = await storedBlobs();
    const declared = 900 * 1024;
    const socket = tcpConnect(t.server.port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    socket.write(
      [
        `POST ${filePaths.files(patientId)} HTTP/1.1`,
        `Host: 127.0.0.1:${t.server.port}`,
        `Authorization: Bearer ${lead.token}`,
        'Content-Type: application/pdf',
        `${fileNameHeader}: cut.pdf`,
        `Content-Length: ${declared}`,
        '',
        '',
      ].join('\r\n'),
    );
    socket.write(Buffer.concat([pdfDocument('cut short'), Buffer.alloc(300 * 1024, 0x20)]));
    // The server is storing it: a sealed temporary file exists.
    await expect.poll(tempFiles, { timeout: 10_000 }).toHaveLength(1);
    socket.destroy();

    await expect
      .poll(async () => (await t.server.db.prisma.auditRecord.findFirst({ where: { action: 'patients.files.upload', recordId: patientId, outcome: 'failure', details: { contains: 'interrupted' } } })) !== null, { timeout: 10_000 })
      .toBe(true);
    expect(await t.server.db.prisma.patientFile.count()).toBe(rowsBefore);
    expect(await storedBlobs()).toEqual(blobsBefore);
    expect(await tempFiles()).toEqual([]);
    // And the server goes on taking uploads.
    expect((await upload(pdfDocument('after the cut'), 'after.pdf')).status).toBe(201);
  });
});
