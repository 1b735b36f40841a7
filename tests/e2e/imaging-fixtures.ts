// Fixtures of the viewer's tests: the studies they open, a DICOMweb backend that serves them to the
// browser at `<consilium>/dicom-web`, and the viewer page object.
//
// Until the Consilium server has its own DICOMweb endpoints, the backend is Orthanc behind
// Playwright's `page.route`: the browser talks to Consilium's origin as it will in production, and
// the harness checks each request's bearer token with the real server before fetching the answer
// from Orthanc. When the endpoints land, `dicomWebBackend` below is the one line to change.
import { readdirSync, readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import type { RunningServer } from '../../server/server.ts';
import { largeSeriesDir } from '../fixtures/shared-data.ts';
import { expect, test as base } from './fixtures.ts';
import { extractFrame, firstPart, multipartFrame } from './dicom-frames.ts';
import { type Orthanc, startOrthanc } from './orthanc.ts';
import { ViewerPage } from './pages/viewer-page.ts';
import { fixture, fixtureFolder, studyUidOf, type SyntaxSeries, transferSyntaxStudy } from './viewer-studies.ts';

/** The studies every viewer test can open. */
export interface Studies {
  /** 12 axial CT slices of a head phantom, 512 x 512, one series. */
  readonly ct: string;
  /** 12 oblique MR slices, 256 x 256, one series (also the MPR volume when the large series is absent). */
  readonly mr: string;
  /** Every image fixture (transfer syntaxes, photometric interpretations, multi-frame) as its own series. */
  readonly syntaxes: { readonly studyInstanceUid: string; readonly series: readonly SyntaxSeries[] };
}

/** A running DICOMweb backend. */
interface RunningBackend {
  /** Makes it answer the page's requests to `<server>/dicom-web`. */
  attach(page: Page, server: RunningServer): Promise<void>;
  /** Stores more instances. */
  store(files: readonly Buffer[]): Promise<void>;
  close(): Promise<void>;
}

/** Serves DICOMweb to the page under the Consilium server's `/dicom-web`. */
interface DicomWebBackend {
  /** Starts it with these instances stored (once per test worker). */
  start(files: readonly Buffer[]): Promise<RunningBackend>;
}

/** Orthanc behind page.route: the temporary harness. */
export const orthancBackend: DicomWebBackend = {
  async start(files) {
    const orthanc = await startOrthanc();
    try {
      await orthanc.store(files);
    } catch (error) {
      await orthanc.close();
      throw error;
    }
    return { attach: (page, server) => routeToOrthanc(page, server, orthanc), store: (more) => orthanc.store(more), close: () => orthanc.close() };
  },
};

const dicomWebBackend: DicomWebBackend = orthancBackend;

/**
 * Answers the page's requests to `<server>/dicom-web/**` from Orthanc: 401 unless the bearer token
 * is one the Consilium server accepts; Orthanc's absolute URLs in JSON (bulk data, retrieve URLs)
 * rewritten to the server's, as a proxy in front of it would.
 */
export async function routeToOrthanc(page: Page, server: RunningServer, orthanc: Orthanc): Promise<void> {
  const prefix = `${server.url}/dicom-web`;
  await page.route(`${prefix}/**`, async (route) => {
    const request = route.request();
    const token = /^Bearer (\S+)$/.exec(request.headers()['authorization'] ?? '')?.[1];
    const accepted = token ? await server.services.identity.authenticate(token).then(() => true, () => false) : false;
    if (!accepted) return route.fulfill({ status: 401, contentType: 'application/json', body: '{"error":"not_signed_in"}' });
    const path = request.url().slice(prefix.length);
    const response = await fetch(orthanc.dicomWebUrl + path, { method: request.method(), headers: { accept: request.headers()['accept'] ?? '*/*' } });
    const frame = /^(\/studies\/[^/]+\/series\/[^/]+\/instances\/[^/]+)\/frames\/(\d+)$/.exec(path);
    if (frame && !response.ok) {
      const answer = await frameFromInstance(orthanc, frame[1]!, Number(frame[2]));
      return route.fulfill({ status: 200, headers: { 'content-type': answer.contentType, 'cache-control': 'no-store' }, body: answer.body });
    }
    const contentType = response.headers.get('content-type') ?? 'application/octet-stream';
    let body = Buffer.from(await response.arrayBuffer());
    if (contentType.includes('json')) body = Buffer.from(body.toString('utf8').replaceAll(orthanc.dicomWebUrl, prefix));
    return route.fulfill({ status: response.status, headers: { 'content-type': contentType, 'cache-control': 'no-store' }, body });
  });
}

/**
 * A frame Orthanc 1.10 cannot serve (HTJ2K, deflated data sets): the whole instance, retrieved from
 * Orthanc as stored, with the frame cut out here, as a DICOMweb server that knows them would send it.
 */
async function frameFromInstance(orthanc: Orthanc, instancePath: string, frame: number): Promise<{ contentType: string; body: Buffer }> {
  const response = await fetch(orthanc.dicomWebUrl + instancePath, { headers: { accept: 'multipart/related; type="application/dicom"; transfer-syntax=*' } });
  if (!response.ok) throw new Error(`Orthanc could not retrieve ${instancePath}: HTTP ${response.status}`);
  const part10 = firstPart(response.headers.get('content-type') ?? '', Buffer.from(await response.arrayBuffer()));
  return multipartFrame(extractFrame(part10, frame));
}

/** The files of every test study, and which study is which. */
export function buildStudies(): { studies: Studies; files: Buffer[] } {
  const ct = fixtureFolder('ct-series').map(fixture);
  const mr = fixtureFolder('mr-series').map(fixture);
  const syntaxes = transferSyntaxStudy(['transfer-syntax', 'single']);
  return {
    studies: { ct: studyUidOf(ct[0]!), mr: studyUidOf(mr[0]!), syntaxes: { studyInstanceUid: syntaxes.studyInstanceUid, series: syntaxes.series } },
    files: [...ct, ...mr, ...syntaxes.files],
  };
}

interface WorkerFixtures {
  dicomWebSource: { studies: Studies; backend: RunningBackend };
  /** The study MPR is tested on: the shared 160-slice MR series when ../shared has it, else the MR fixture. */
  volumeStudy: { studyInstanceUid: string; slices: number; large: boolean };
}

interface TestFixtures {
  studies: Studies;
  viewer: ViewerPage;
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  dicomWebSource: [
    async ({}, use) => {
      const { studies, files } = buildStudies();
      const backend = await dicomWebBackend.start(files);
      await use({ studies, backend });
      await backend.close();
    },
    { scope: 'worker', timeout: 120_000 },
  ],
  volumeStudy: [
    async ({ dicomWebSource }, use) => {
      const large = largeSeriesDir();
      if (!large) {
        await use({ studyInstanceUid: dicomWebSource.studies.mr, slices: fixtureFolder('mr-series').length, large: false });
        return;
      }
      const files = readdirSync(large).filter((f) => f.endsWith('.dcm')).map((f) => readFileSync(`${large}/${f}`));
      await dicomWebSource.backend.store(files);
      await use({ studyInstanceUid: studyUidOf(files[0]!), slices: files.length, large: true });
    },
    { scope: 'worker', timeout: 180_000 },
  ],
  studies: async ({ dicomWebSource, page, server }, use) => {
    await dicomWebSource.backend.attach(page, server);
    await use(dicomWebSource.studies);
  },
  viewer: async ({ page, signInPage, codeFor }, use) => {
    await use(new ViewerPage(page, signInPage, codeFor));
  },
});

export { expect };
