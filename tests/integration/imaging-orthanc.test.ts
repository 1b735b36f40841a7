// Consilium's DICOMweb against Orthanc's (Debian orthanc + orthanc-dicomweb): (a) the same files stored
// in both give the same QIDO results, metadata and frames; (b) Orthanc's own DICOMweb client stores to,
// searches and retrieves from Consilium with a bearer token.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ctSeries, fixture, mrSeries, textOf, withAttributes } from '../fixtures/dicom.ts';
import { type DicomJson, type DicomWebClient, dicomWeb, enrolPatientsOf, signedInUser, stowResult, valueOf } from '../fixtures/dicomweb.ts';
import { type Orthanc, startOrthanc } from '../fixtures/orthanc.ts';
import { startTestServer, type TestServer } from '../fixtures/server.ts';

/** One CT image in several transfer syntaxes; each copy gets its own series and SOP Instance UID (upstream they share one). */
const transferSyntaxes = ['ct_explicit-vr-le', 'ct_implicit-vr-le', 'ct_explicit-vr-be', 'ct_deflated', 'ct_jpeg-ls-lossless', 'ct_rle', 'ct_j2k-lossless', 'ct_jpeg-baseline'];
const tsStudy = '1.2.826.0.1.3680043.10.1230.1';

function files(): Buffer[] {
  const ct = ctSeries.map((path) => withAttributes(fixture(path)));
  const variants = transferSyntaxes.map((name, i) =>
    withAttributes(fixture(`transfer-syntax/${name}.dcm`), {
      '0020000D': tsStudy,
      '0020000E': `${tsStudy}.${i + 1}`,
      '00080018': `${tsStudy}.${i + 1}.1`,
      '00020003': `${tsStudy}.${i + 1}.1`,
    }),
  );
  const others = ['transfer-syntax/us_jpeg-baseline_30frames.dcm', 'single/dx_mono1.dcm', 'single/seg_binary_13frames.dcm'].map((path) => withAttributes(fixture(path)));
  return [...ct, ...variants, ...others];
}

let t: TestServer;
let consilium: DicomWebClient;
let token: string;

beforeAll(async () => {
  t = await startTestServer();
  token = (await signedInUser(t)).token;
  consilium = dicomWeb(t.server.url, token);
});

afterAll(async () => {
  await t?.close();
});

/** The values of the attributes that both servers must agree on. */
function keyValues(dataset: DicomJson | undefined, tags: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const tag of tags) {
    const values = dataset?.[tag]?.Value;
    out[tag] = values === undefined ? undefined : tag === '00080061' ? [...values].sort() : values;
  }
  return out;
}

const keys = {
  study: ['0020000D', '00100010', '00100020', '00100030', '00100040', '00080020', '00080030', '00080050', '00200010', '00080061', '00201206', '00201208'],
  series: ['0020000E', '00080060', '00200011', '00201209'],
  instance: ['00080016', '00080018', '00200013', '00280010', '00280011', '00280100'],
};

describe('the same files in Consilium and in Orthanc', () => {
  let orthanc: Orthanc;
  let orthancWeb: DicomWebClient;

  beforeAll(async () => {
    orthanc = await startOrthanc();
    orthancWeb = dicomWeb(orthanc.url, undefined);
    const all = files();
    for (const bytes of all) await orthanc.upload(bytes);
    const stow = await consilium.stow(all);
    expect(stow.status, JSON.stringify(stowResult(stow.body).failed)).toBe(200);
  });

  afterAll(async () => {
    await orthanc?.stop();
  });

  /** The answers of both servers to one QIDO query, keyed by the level's UID. */
  async function both(path: string, uidTag: string, tags: readonly string[]) {
    const [ours, theirs] = await Promise.all([consilium.json(path), orthancWeb.json(path)]);
    expect(ours.status).toBe(200);
    expect(theirs.status).toBe(200);
    const byUid = (answers: DicomJson[]) => Object.fromEntries(answers.map((a) => [String(valueOf(a, uidTag)), keyValues(a, tags)]));
    return { ours: byUid(ours.body), theirs: byUid(theirs.body) };
  }

  const ct = () => ({ study: textOf(fixture(ctSeries[0] as string), '0020000D'), series: textOf(fixture(ctSeries[0] as string), '0020000E'), patient: textOf(fixture(ctSeries[0] as string), '00100020') });

  test.each([
    ['/studies', '0020000D', keys.study],
    [`/studies?PatientID=${ct().patient}`, '0020000D', keys.study],
    ['/studies?ModalitiesInStudy=US', '0020000D', keys.study],
    ['/studies?StudyDate=20000101-20151231', '0020000D', keys.study],
    ['/studies?StudyDate=-20020101', '0020000D', keys.study],
    ['/studies?PatientName=m*', '0020000D', keys.study],
    [`/studies?StudyInstanceUID=${tsStudy},${ct().study}`, '0020000D', keys.study],
    ['/series', '0020000E', [...keys.series, '0020000D']],
    ['/series?Modality=CT', '0020000E', keys.series],
    [`/studies/${tsStudy}/series`, '0020000E', keys.series],
    [`/studies/${ct().study}/series/${ct().series}/instances`, '00080018', keys.instance],
    [`/studies/${tsStudy}/instances`, '00080018', keys.instance],
    [`/instances?SOPInstanceUID=${tsStudy}.3.1`, '00080018', keys.instance],
  ])('QIDO %s finds the same results with the same key attributes', async (path, uidTag, tags) => {
    const { ours, theirs } = await both(path, uidTag, tags);
    expect(Object.keys(ours).length).toBeGreaterThan(0);
    expect(ours).toEqual(theirs);
  });

  test('limit and offset page through the same number of studies', async () => {
    const all = (await consilium.json('/studies')).body.length;
    const first = await consilium.json('/studies?limit=2');
    const rest = await consilium.json('/studies?offset=2');
    const theirs = await orthancWeb.json('/studies?limit=2');
    expect(first.body).toHaveLength(theirs.body.length);
    expect([...first.body, ...rest.body].map((s) => valueOf(s, '0020000D')).sort()).toEqual((await consilium.json('/studies')).body.map((s) => valueOf(s, '0020000D')).sort());
    expect(all).toBe((await orthancWeb.json('/studies')).body.length);
  });

  test('instance metadata agrees on the attributes a viewer needs', async () => {
    const tags = ['00080016', '00080018', '00080060', '00100020', '0020000D', '0020000E', '00200013', '00200032', '00200037', '00280002', '00280004', '00280008', '00280010', '00280011', '00280030', '00280100', '00280101', '00280103', '00281050', '00281051', '00281052', '00281053', '00120062'];
    for (const path of [`/studies/${ct().study}/metadata`, `/studies/${tsStudy}/metadata`]) {
      const [ours, theirs] = await Promise.all([consilium.json(path), orthancWeb.json(path)]);
      const bySop = (answers: DicomJson[]) => Object.fromEntries(answers.map((a) => [String(valueOf(a, '00080018')), keyValues(a, tags)]));
      expect(bySop(ours.body)).toEqual(bySop(theirs.body));
      for (const instance of ours.body) expect(instance['7FE00010']?.BulkDataURI).toBeTruthy();
    }
  });

  test('frames are the same bytes: native pixels byte for byte, compressed frames as encapsulated', async () => {
    const instances = (await consilium.json('/instances')).body;
    expect(instances.length).toBe(files().length);
    let compared = 0;
    for (const instance of instances) {
      const url = String(valueOf(instance, '00081190')).replace(`${t.server.url}/dicom-web`, '');
      const frames = Number(valueOf(instance, '00280008') ?? 1);
      const list = Array.from({ length: Math.min(frames, 3) }, (_, i) => i + 1).join(',');
      const ours = await consilium.multipart(`${url}/frames/${list}`, 'multipart/related; type="application/octet-stream"; transfer-syntax=*');
      expect(ours.status, url).toBe(200);
      // Native frames: both servers answer Explicit VR Little Endian pixels (Orthanc 1.7 refuses
      // transfer-syntax=* for some native syntaxes); compressed ones: the stored codestream.
      const native = ours.parts[0]?.contentType.startsWith('application/octet-stream');
      const theirs = await orthancWeb.multipart(`${url}/frames/${list}`, native ? 'multipart/related; type="application/octet-stream"' : 'multipart/related; type="application/octet-stream"; transfer-syntax=*');
      expect(theirs.status, url).toBe(200);
      expect(ours.parts.length).toBe(theirs.parts.length);
      ours.parts.forEach((part, i) => {
        const other = theirs.parts[i]?.body ?? Buffer.alloc(0);
        // An encapsulated fragment of odd length carries one byte of padding, which a server may keep or drop.
        const same = part.body.equals(other) || (Math.abs(part.body.length - other.length) === 1 && part.body.subarray(0, Math.min(part.body.length, other.length)).equals(other.subarray(0, Math.min(part.body.length, other.length))));
        expect(same, `${url} frame ${i + 1}: ${part.contentType} ${part.body.length} bytes vs ${theirs.parts[i]?.contentType} ${other.length} bytes`).toBe(true);
        compared += 1;
      });
    }
    expect(compared).toBeGreaterThanOrEqual(files().length);
  });
});

describe("Orthanc's DICOMweb client against Consilium", () => {
  let orthanc: Orthanc;

  beforeAll(async () => {
    orthanc = await startOrthanc({ consilium: { url: `${t.server.url}/dicom-web/`, headers: { Authorization: `Bearer ${token}` } } });
  });

  afterAll(async () => {
    await orthanc?.stop();
  });

  test('Orthanc stores a study to Consilium with STOW-RS and finds it there with QIDO-RS', async () => {
    const mr = mrSeries.map((path) => withAttributes(fixture(path)));
    let orthancStudy = '';
    for (const bytes of mr) orthancStudy = (await orthanc.upload(bytes)).ParentStudy;
    // The patient the images belong to is enrolled in Consilium first, by the token's user.
    await enrolPatientsOf(token, mr);
    await orthanc.rest('POST', '/dicom-web/servers/consilium/stow', { Resources: [orthancStudy], Synchronous: true });
    const studyUid = textOf(fixture(mrSeries[0] as string), '0020000D');

    const ours = await consilium.json(`/studies/${studyUid}/instances`);
    expect(ours.body.map((i) => valueOf(i, '00080018')).sort()).toEqual(mrSeries.map((path) => textOf(fixture(path), '00080018')).sort());
    // Orthanc hands the answer back in its own simplified form: one Value per attribute, as text.
    const found = await orthanc.rest<Array<Record<string, { Value?: unknown }>>>('POST', '/dicom-web/servers/consilium/qido', { Uri: '/studies', Arguments: { StudyInstanceUID: studyUid } });
    expect(found.map((s) => String(s['0020000D']?.Value))).toEqual([studyUid]);
    const instance = (await consilium.multipart(`/studies/${studyUid}/series/${textOf(mr[0] as Buffer, '0020000E')}/instances/${textOf(mr[0] as Buffer, '00080018')}`, 'multipart/related; type="application/dicom"')).parts[0];
    expect(instance?.body.equals(mr[0] as Buffer)).toBe(true);
  });

  test('Orthanc retrieves a study from Consilium with WADO-RS and holds the very same files', async () => {
    // Stored in Consilium by the first part of this file (this Orthanc has never seen it); storing it again changes nothing.
    const us = withAttributes(fixture('transfer-syntax/us_jpeg-baseline_30frames.dcm'));
    expect((await consilium.stow([us])).status).toBe(200);
    const studyUid = textOf(us, '0020000D');
    await orthanc.rest('POST', '/dicom-web/servers/consilium/retrieve', { Resources: [{ Study: studyUid }], Synchronous: true });
    const [instanceId] = (await orthanc.rest<Array<{ ID: string }>>('POST', '/tools/lookup', Buffer.from(textOf(us, '00080018')))).map((hit) => hit.ID);
    expect(instanceId).toBeTruthy();
    const response = await fetch(`${orthanc.url}/instances/${instanceId}/file`);
    expect(Buffer.from(await response.arrayBuffer()).equals(us)).toBe(true);
    const metadata = await orthanc.rest<DicomJson[]>('POST', '/dicom-web/servers/consilium/get', { Uri: `/studies/${studyUid}/metadata` });
    expect(metadata[0]?.['00280008']?.Value).toEqual([30]);
  });

  test('without the token, Orthanc is refused', async () => {
    const anonymous = await startOrthanc({ consilium: { url: `${t.server.url}/dicom-web/` } });
    try {
      // Orthanc's client reports the 401 it got in its log, which the failed call's error carries.
      await expect(anonymous.rest('POST', '/dicom-web/servers/consilium/qido', { Uri: '/studies' })).rejects.toThrow(/HTTP status 401/);
    } finally {
      await anonymous.stop();
    }
  });
});
