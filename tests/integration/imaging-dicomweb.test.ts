// The DICOMweb store over real HTTP: sign-in required, only who may see the patient sees its images, bad input
// refused per instance while good instances of the same request are stored, nothing left behind.
import { readFile } from 'node:fs/promises';
import { get as httpGet } from 'node:http';
import dicomParser from 'dicom-parser';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { ctSeries, fixture, multipart, textOf, withAttributes } from '../fixtures/dicom.ts';
import { type DicomJson, dicomWeb, enrolPatientsOf, signedInUser, stowResult, valueOf } from '../fixtures/dicomweb.ts';
import { desktopAppOrigin } from '../../app/desktop/bridge.ts';
import { durableEnv, listFiles, type TempDataDir, tempDataDir } from '../fixtures/durable.ts';
import { startTestServer, type TestServer, type TestServerOptions } from '../fixtures/server.ts';

let running: TestServer | undefined;
let dataDir: TempDataDir | undefined;

async function start(options: TestServerOptions = {}): Promise<TestServer> {
  running = await startTestServer(options);
  return running;
}

afterEach(async () => {
  await running?.close();
  running = undefined;
  await dataDir?.remove();
  dataDir = undefined;
});

/** A durable server (blobs encrypted on disk, index journaled), so that leftovers on disk can be seen. */
async function startDurable(env: Record<string, string> = {}): Promise<TestServer> {
  dataDir = await tempDataDir('consilium-dicomweb-');
  return start({ argv: [], env: { ...durableEnv(dataDir.dir), ...env } });
}

/** The blob files on disk (durable servers). */
async function blobFiles(): Promise<string[]> {
  if (!dataDir) throw new Error('not a durable server');
  return (await listFiles(join(dataDir.dir, 'blobs'))).filter((file) => /^[0-9a-f]{2}\/[0-9a-f]{64}$/.test(file));
}

const ct = () => ctSeries.map((path) => withAttributes(fixture(path), { '00100020': 'PSEUDO-CT' }));
const ctStudy = textOf(fixture(ctSeries[0] as string), '0020000D');
const ctSops = ctSeries.map((path) => textOf(fixture(path), '00080018'));

/** What the index and the blob store hold: so a test can tell that nothing was left behind. */
async function stored(t: TestServer) {
  const prisma = t.server.db.prisma;
  return { studies: await prisma.imagingStudy.count(), series: await prisma.imagingSeries.count(), instances: await prisma.imagingInstance.count() };
}

describe('signing in', () => {
  test('anonymous requests are refused with 401 and a Bearer challenge, and store nothing', async () => {
    const t = await start();
    const anonymous = dicomWeb(t.server.url, undefined);
    const stow = await anonymous.stow(ct());
    expect(stow.status).toBe(401);
    const search = await anonymous.get('/studies');
    expect(search.status).toBe(401);
    expect(search.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await dicomWeb(t.server.url, 'not-a-token').get('/studies')).status).toBe(401);
    expect(await stored(t)).toEqual({ studies: 0, series: 0, instances: 0 });
  });
});

describe('storing and retrieving', () => {
  test('a stored series is found by QIDO and its instances, metadata and frames come back as stored', async () => {
    const t = await start();
    const { token } = await signedInUser(t);
    const client = dicomWeb(t.server.url, token);
    const instances = ct();
    const stow = await client.stow(instances);
    expect(stow.status).toBe(200);
    expect(stowResult(stow.body).stored.sort()).toEqual([...ctSops].sort());
    expect(valueOf(stow.body, '00081190')).toBe(`${t.server.url}/dicom-web/studies/${ctStudy}`);

    const studies = await client.json('/studies?PatientID=PSEUDO-CT');
    expect(studies.body.map((s) => valueOf(s, '0020000D'))).toEqual([ctStudy]);
    expect(valueOf(studies.body[0], '00201208')).toBe(4);
    expect(studies.body[0]?.['00080061']?.Value).toEqual(['CT']);

    const sop = ctSops[0] as string;
    const series = textOf(fixture(ctSeries[0] as string), '0020000E');
    const instance = await client.multipart(`/studies/${ctStudy}/series/${series}/instances/${sop}`, 'multipart/related; type="application/dicom"; transfer-syntax=*');
    expect(instance.parts).toHaveLength(1);
    expect(instance.parts[0]?.body.equals(instances[0] as Buffer)).toBe(true);

    const metadata = await client.json(`/studies/${ctStudy}/series/${series}/instances/${sop}/metadata`);
    expect(valueOf(metadata.body[0], '00100020')).toBe('PSEUDO-CT');
    const bulkDataUri = String(metadata.body[0]?.['7FE00010']?.BulkDataURI);
    expect(bulkDataUri).toMatch(new RegExp(`^${t.server.url}/dicom-web/studies/${ctStudy}/series/${series}/instances/${sop}/bulkdata/7FE00010$`));
    const pixels = await client.multipart(bulkDataUri.replace(`${t.server.url}/dicom-web`, ''), 'multipart/related; type="application/octet-stream"');
    expect(pixels.parts).toHaveLength(1);

    // A long binary value (a Philips private blob here) is given by URI, and served as it was stored.
    const privateUri = String(metadata.body[0]?.['01F71019']?.BulkDataURI);
    expect(metadata.body[0]?.['01F71019']?.InlineBinary).toBeUndefined();
    expect(privateUri).toBe(bulkDataUri.replace(/7FE00010$/, '01F71019'));
    const privateValue = await client.multipart(privateUri.replace(`${t.server.url}/dicom-web`, ''), 'multipart/related; type="application/octet-stream"');
    const element = dicomParser.parseDicom(instances[0] as Buffer).elements.x01f71019;
    expect(element && element.length > 1024).toBe(true);
    expect(privateValue.parts[0]?.body.equals((instances[0] as Buffer).subarray(element!.dataOffset, element!.dataOffset + element!.length))).toBe(true);
    // Short binary values stay inline; a tag that is not long binary data has no bulk data.
    expect(Object.values(metadata.body[0] ?? {}).some((attribute) => attribute.InlineBinary !== undefined)).toBe(true);
    expect((await client.get(`/studies/${ctStudy}/series/${series}/instances/${sop}/bulkdata/00100020`, 'multipart/related; type="application/octet-stream"')).status).toBe(404);
    expect((await client.get(`/studies/${ctStudy}/series/${series}/instances/${sop}/bulkdata/01F71019`, 'application/dicom+json')).status).toBe(406);

    const frame = await client.multipart(`/studies/${ctStudy}/series/${series}/instances/${sop}/frames/1`, 'multipart/related; type="application/octet-stream"');
    expect(frame.parts[0]?.contentType).toBe('application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1');
    expect(frame.parts[0]?.body.length).toBe(512 * 512 * 2);
    expect(pixels.parts[0]?.body.equals(frame.parts[0]?.body as Buffer)).toBe(true);
  });

  test('QIDO: includefield adds attributes (from the index or the instance header), fuzzymatching is answered with a warning', async () => {
    const t = await start();
    const client = dicomWeb(t.server.url, (await signedInUser(t)).token);
    await client.stow(ct());
    const plain = (await client.json('/studies')).body[0];
    expect(plain?.['00180050']).toBeUndefined();
    const extra = await client.json('/studies?includefield=SliceThickness&includefield=00081030');
    expect(valueOf(extra.body[0], '00180050')).toBe(Number(textOf(fixture(ctSeries[0] as string), '00180050')));
    expect(extra.body[0]?.['00081030']).toBeDefined();
    const all = await client.json(`/studies/${ctStudy}/instances?includefield=all&limit=1`);
    expect(all.body).toHaveLength(1);
    expect(valueOf(all.body[0], '00280030')).toBeDefined();
    expect(all.body[0]?.['7FE00010']).toBeUndefined();
    const fuzzy = await client.json('/studies?PatientName=plastic*&fuzzymatching=true');
    expect(fuzzy.headers.get('warning')).toMatch(/^299 .*fuzzymatching/);
    const paged = await client.json(`/studies/${ctStudy}/instances?offset=1&limit=2`);
    expect(paged.body.map((i) => valueOf(i, '00080018'))).toHaveLength(2);
  });

  test('metadata asked again (kept in memory) is the same, with bulk data under the URL the client used', async () => {
    const t = await start();
    const { token } = await signedInUser(t);
    const client = dicomWeb(t.server.url, token);
    await client.stow(ct());
    const series = textOf(fixture(ctSeries[0] as string), '0020000E');
    const path = `/dicom-web/studies/${ctStudy}/series/${series}/metadata`;
    const first = (await client.json(`/studies/${ctStudy}/series/${series}/metadata`)).body;
    expect(first).toHaveLength(4);
    // Through another name for the server: a proxy's, say.
    const { port } = new URL(t.server.url);
    const again = await new Promise<DicomJson[]>((resolve, reject) => {
      const request = httpGet({ host: '127.0.0.1', port, path, headers: { host: `pacs.example:${port}`, accept: 'application/dicom+json', authorization: `Bearer ${token}` } }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => (response.statusCode === 200 ? resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as DicomJson[]) : reject(new Error(`HTTP ${response.statusCode}`))));
      });
      request.on('error', reject);
    });
    expect(again).toEqual(JSON.parse(JSON.stringify(first).replaceAll(t.server.url, `http://pacs.example:${port}`)));
    for (const [i, instance] of again.entries()) {
      expect(instance['7FE00010']?.BulkDataURI).toBe(`http://pacs.example:${port}${path.replace('/metadata', '')}/instances/${valueOf(first[i], '00080018')}/bulkdata/7FE00010`);
    }
  });

  test("a multi-frame instance's frames, asked one request at a time, are each its own codestream", async () => {
    const t = await start();
    const client = dicomWeb(t.server.url, (await signedInUser(t)).token);
    const us = withAttributes(fixture('transfer-syntax/us_jpeg-baseline_30frames.dcm'));
    expect((await client.stow([us])).status).toBe(200);
    const url = `/studies/${textOf(us, '0020000D')}/series/${textOf(us, '0020000E')}/instances/${textOf(us, '00080018')}/frames`;
    const accept = 'multipart/related; type="application/octet-stream"; transfer-syntax=*';
    const together = (await client.multipart(`${url}/1,2,30`, accept)).parts;
    expect(together.map((p) => p.contentType)).toEqual(Array(3).fill('image/jpeg; transfer-syntax=1.2.840.10008.1.2.4.50'));
    for (const [i, n] of [1, 2, 30].entries()) {
      const [alone] = (await client.multipart(`${url}/${n}`, accept)).parts;
      expect(alone?.body.equals(together[i]?.body as Buffer), `frame ${n}`).toBe(true);
    }
    expect(together[0]?.body.equals(together[2]?.body as Buffer)).toBe(false);
    expect((await client.get(`${url}/31`, accept)).status).toBe(404);
  });

  test('native YBR_FULL_422 (two samples a pixel) is stored and its frame served whole', async () => {
    const t = await start();
    const client = dicomWeb(t.server.url, (await signedInUser(t)).token);
    const us = withAttributes(fixture('single/us_ybr-full-422_native.dcm'), { '00100020': 'PSEUDO-US' });
    expect((await client.stow([us])).status).toBe(200);
    const url = `/studies/${textOf(us, '0020000D')}/series/${textOf(us, '0020000E')}/instances/${textOf(us, '00080018')}/frames/1`;
    const [frame] = (await client.multipart(url, 'multipart/related; type="application/octet-stream"; transfer-syntax=*')).parts;
    expect(frame?.body.length).toBe(555 * 800 * 2);
  });

  test('storing the same instance again is accepted and changes nothing; other content under its UID is refused', async () => {
    const t = await start();
    const { token } = await signedInUser(t);
    const client = dicomWeb(t.server.url, token);
    const [first] = ct();
    expect((await client.stow([first as Buffer])).status).toBe(200);
    const again = await client.stow([first as Buffer]);
    expect(again.status).toBe(200);
    const other = withAttributes(fixture(ctSeries[0] as string), { '00100020': 'PSEUDO-CT', '00081030': 'CHANGED' });
    const conflict = await client.stow([other]);
    expect(conflict.status).toBe(409);
    expect(stowResult(conflict.body).failed).toEqual([{ uid: ctSops[0], reason: 0x0111 }]);
    expect(await stored(t)).toMatchObject({ instances: 1 });
  });
});

describe('the desktop client', () => {
  test('may fetch frames across origins, with the Accept header viewers send', async () => {
    const t = await start();
    const { token } = await signedInUser(t);
    await dicomWeb(t.server.url, token).stow(ct());
    const series = textOf(fixture(ctSeries[0] as string), '0020000E');
    const url = `${t.server.url}/dicom-web/studies/${ctStudy}/series/${series}/instances/${ctSops[0]}/frames/1`;
    const preflight = await fetch(url, { method: 'OPTIONS', headers: { origin: desktopAppOrigin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'accept, authorization' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/\baccept\b/);
    const frame = await fetch(url, { headers: { origin: desktopAppOrigin, authorization: `Bearer ${token}`, accept: 'multipart/related; type=application/octet-stream; transfer-syntax=*' } });
    expect(frame.status).toBe(200);
    expect(frame.headers.get('access-control-allow-origin')).toBe(desktopAppOrigin);
  });
});

describe('durable storage', () => {
  test('stored instances survive a restart, readable by their uploader, and no plaintext pixel data is on disk', async () => {
    let t = await startDurable();
    const { token } = await signedInUser(t);
    const instances = ct();
    expect((await dicomWeb(t.server.url, token).stow(instances)).status).toBe(200);
    await t.close();
    running = undefined;
    t = await start({ argv: [], env: durableEnv((dataDir as TempDataDir).dir) });
    const client = dicomWeb(t.server.url, token);
    expect((await client.json('/studies')).body.map((s) => valueOf(s, '0020000D'))).toEqual([ctStudy]);
    const series = textOf(instances[3] as Buffer, '0020000E');
    const back = await client.multipart(`/studies/${ctStudy}/series/${series}/instances/${ctSops[3]}`, 'multipart/related; type="application/dicom"');
    expect(back.parts[0]?.body.equals(instances[3] as Buffer)).toBe(true);
    // A run of pixel bytes from the middle of an image must appear in no file of the data directory.
    const probe = (instances[3] as Buffer).subarray(200_000, 200_064);
    const dir = (dataDir as TempDataDir).dir;
    for (const file of await listFiles(dir)) expect((await readFile(join(dir, file))).includes(probe), file).toBe(false);
  });
});

describe('who sees what', () => {
  test("another user's study is not visible: searches skip it and retrieval answers 404 as for a study that does not exist", async () => {
    const t = await start();
    const owner = dicomWeb(t.server.url, (await signedInUser(t)).token);
    const other = dicomWeb(t.server.url, (await signedInUser(t)).token);
    expect((await owner.stow(ct())).status).toBe(200);

    expect((await other.json('/studies')).body).toEqual([]);
    expect((await other.json('/instances')).body).toEqual([]);
    const hidden = await other.get(`/studies/${ctStudy}/metadata`, 'application/dicom+json');
    const missing = await other.get('/studies/1.2.3.4.5/metadata', 'application/dicom+json');
    expect(hidden.status).toBe(404);
    expect({ status: hidden.status, body: hidden.bytes.toString() }).toEqual({ status: missing.status, body: missing.bytes.toString() });
    expect((await other.get(`/studies/${ctStudy}`, 'multipart/related; type="application/dicom"')).status).toBe(404);
    expect((await owner.json('/studies')).body).toHaveLength(1);
  });

  test("another user cannot add instances to someone else's patient or study", async () => {
    const t = await start();
    const owner = dicomWeb(t.server.url, (await signedInUser(t)).token);
    const other = dicomWeb(t.server.url, (await signedInUser(t)).token);
    const [first, second] = ct();
    expect((await owner.stow([first as Buffer])).status).toBe(200);
    const refused = await other.stow([second as Buffer]);
    expect(refused.status).toBe(409);
    expect(stowResult(refused.body).failed).toEqual([{ uid: ctSops[1], reason: 0x0124 }]);
    expect(await stored(t)).toMatchObject({ instances: 1 });
  });

  test("a byte-identical copy of someone else's instance is refused and theirs stays intact", async () => {
    const t = await start();
    const owner = dicomWeb(t.server.url, (await signedInUser(t)).token);
    const other = dicomWeb(t.server.url, (await signedInUser(t)).token);
    const [first] = ct();
    expect((await owner.stow([first as Buffer])).status).toBe(200);
    // Content-addressed blobs: the copy has the same address as the stored instance's bytes.
    expect(stowResult((await other.stow([first as Buffer])).body).failed).toEqual([{ uid: ctSops[0], reason: 0x0124 }]);
    const series = textOf(first as Buffer, '0020000E');
    const back = await owner.multipart(`/studies/${ctStudy}/series/${series}/instances/${ctSops[0]}`, 'multipart/related; type="application/dicom"');
    expect(back.parts[0]?.body.equals(first as Buffer)).toBe(true);
  });
});

describe('bad input', () => {
  test('malformed, truncated, non-DICOM and identified parts fail one by one while the good instances of the same request are stored', async () => {
    const t = await startDurable();
    const client = dicomWeb(t.server.url, (await signedInUser(t)).token);
    const [good1, good2] = ct();
    const identified = fixture(ctSeries[2] as string);
    // Cut short by its publisher: unreadable, so refused before its de-identification is even looked at.
    const truncated = fixture('malformed/mr_truncated-pixel-data.dcm');
    const cut = (good1 as Buffer).subarray(0, 4000);
    const answer = await client.stow([
      good1 as Buffer,
      { contentType: 'text/plain', body: Buffer.from('not an image') },
      Buffer.from('not DICOM at all, though labelled so'),
      truncated,
      identified,
      cut,
      good2 as Buffer,
    ]);
    expect(answer.status).toBe(202);
    const result = stowResult(answer.body);
    expect(result.stored.sort()).toEqual([ctSops[0], ctSops[1]].sort());
    expect(result.failed.map((f) => f.reason)).toEqual([0xc000, 0xc000, 0xc000, 0x0124, 0xc000]);
    expect(result.failed[3]?.uid).toBe(ctSops[2]);
    expect(await stored(t)).toEqual({ studies: 1, series: 1, instances: 2 });
    expect(await blobFiles()).toHaveLength(2);
  });

  test('a request of only refused instances is a 409 and leaves no index rows and no blobs', async () => {
    const t = await startDurable();
    const owner = dicomWeb(t.server.url, (await signedInUser(t)).token);
    const client = dicomWeb(t.server.url, (await signedInUser(t)).token);
    expect((await owner.stow([ct()[0] as Buffer])).status).toBe(200);
    // Not de-identified; and de-identified but of a patient whose images are someone else's.
    const answer = await client.stow([fixture(ctSeries[1] as string), ct()[2] as Buffer]);
    expect(answer.status).toBe(409);
    expect(stowResult(answer.body).failed.map((f) => f.reason)).toEqual([0x0124, 0x0124]);
    expect(await stored(t)).toEqual({ studies: 1, series: 1, instances: 1 });
    expect(await blobFiles()).toHaveLength(1);
  });

  test('an instance over the size limit is refused and a study stops growing at its limit', async () => {
    const t = await startDurable({ CONSILIUM_DICOM_MAX_INSTANCE_MB: '1', CONSILIUM_DICOM_MAX_STUDY_MB: '1' });
    const client = dicomWeb(t.server.url, (await signedInUser(t)).token);
    const [first, second] = ct();
    const big = Buffer.concat([first as Buffer, Buffer.alloc(600 * 1024)]);
    const answer = await client.stow([big, first as Buffer]);
    expect(answer.status).toBe(202);
    expect(stowResult(answer.body)).toEqual({ stored: [ctSops[0]], failed: [{ uid: undefined, reason: 0xa700 }] });
    const full = await client.stow([second as Buffer]);
    expect(full.status).toBe(409);
    expect(stowResult(full.body).failed).toEqual([{ uid: ctSops[1], reason: 0xa700 }]);
    expect(await stored(t)).toMatchObject({ instances: 1 });
    expect(await blobFiles()).toHaveLength(1);
  });

  test('a declared body larger than a study may be is refused before it is read', async () => {
    const t = await start({ env: { CONSILIUM_DICOM_MAX_STUDY_MB: '1' } });
    const { token } = await signedInUser(t);
    const response = await fetch(`${t.server.url}/dicom-web/studies`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'multipart/related; type="application/dicom"; boundary=x', accept: 'application/dicom+json' },
      body: Buffer.alloc(3 * 1024 * 1024),
    });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { message: string }).message).toMatch(/CONSILIUM_DICOM_MAX_STUDY_MB/);
  });

  test('a body sent without Content-Length stops being read at the limit; what came before is stored', async () => {
    const t = await startDurable({ CONSILIUM_DICOM_MAX_STUDY_MB: '1' });
    const { token } = await signedInUser(t);
    const [first] = ct();
    await enrolPatientsOf(token, [first as Buffer]);
    const { contentType, body } = multipart([first as Buffer, Buffer.alloc(3 * 1024 * 1024)]);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < body.length; at += 64 * 1024) controller.enqueue(body.subarray(at, at + 64 * 1024));
        controller.close();
      },
    });
    const response = await fetch(`${t.server.url}/dicom-web/studies`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': contentType, accept: 'application/dicom+json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(202);
    expect(stowResult((await response.json()) as DicomJson)).toEqual({ stored: [ctSops[0]], failed: [{ uid: undefined, reason: 0xa700 }] });
    expect(await blobFiles()).toHaveLength(1);
  });

  test('a study sent to another study URL, or a body that is not multipart, is refused', async () => {
    const t = await start();
    const client = dicomWeb(t.server.url, (await signedInUser(t)).token);
    const wrongStudy = await client.stow(ct().slice(0, 1), '1.2.3.4.5');
    expect(wrongStudy.status).toBe(409);
    expect(stowResult(wrongStudy.body).failed[0]?.reason).toBe(0xa900);
    const { token } = await signedInUser(t);
    const notMultipart = await fetch(`${t.server.url}/dicom-web/studies`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/dicom' }, body: new Uint8Array(ct()[0] as Buffer) });
    expect(notMultipart.status).toBe(415);
    const noBoundaryInBody = await fetch(`${t.server.url}/dicom-web/studies`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'multipart/related; type="application/dicom"; boundary=elsewhere' }, body: 'no parts here' });
    expect(noBoundaryInBody.status).toBe(400);
    expect(await stored(t)).toEqual({ studies: 0, series: 0, instances: 0 });
  });

  test('a wrong Accept is refused with 406; bad query parameters and frame lists with 400', async () => {
    const t = await start();
    const client = dicomWeb(t.server.url, (await signedInUser(t)).token);
    await client.stow(ct());
    const series = textOf(fixture(ctSeries[0] as string), '0020000E');
    const instance = `/studies/${ctStudy}/series/${series}/instances/${ctSops[0]}`;
    expect((await client.get('/studies', 'application/dicom+xml')).status).toBe(406);
    expect((await client.get(`${instance}/metadata`, 'text/html')).status).toBe(406);
    expect((await client.get(instance, 'multipart/related; type="application/dicom"; transfer-syntax=1.2.840.10008.1.2.4.80')).status).toBe(406);
    expect((await client.get(`${instance}/frames/1`, 'multipart/related; type="image/jls"')).status).toBe(406);
    expect((await client.get('/studies?NoSuchKeyword=1')).status).toBe(400);
    expect((await client.get('/studies?limit=-1')).status).toBe(400);
    expect((await client.get(`${instance}/frames/0`)).status).toBe(400);
    expect((await client.get(`${instance}/frames/2`)).status).toBe(404);
  });
});
