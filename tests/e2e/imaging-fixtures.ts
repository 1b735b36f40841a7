// Fixtures of the viewer's tests: the studies they open, stored on the Consilium server under test by
// STOW-RS into a patient the signed-in users may see, and the viewer page object.
//
// Each test's server gets a patient enrolled by marco.rossi (PaedCan) with claire.martin and
// jana.novak on the record; the studies are copies of the fixtures whose PatientID is the patient's
// pseudonymous id and Patient Identity Removed (0012,0062) is YES, as the workstation's import
// leaves them. The browser then talks to the server's own /dicom-web, nothing in between.
import { readdirSync, readFileSync } from 'node:fs';
import { demoPassword } from '../../server/demo/accounts.ts';
import { totpCode } from '../../server/identity/totp.ts';
import type { RunningServer } from '../../server/server.ts';
import { addParticipantAs, enrolAs, enrolment } from '../fixtures/enrol.ts';
import type { ImageIdentity } from '../fixtures/imaging.ts';
import { largeSeriesDir } from '../fixtures/shared-data.ts';
import { expect, test as base } from './fixtures.ts';
import { ViewerPage } from './pages/viewer-page.ts';
import { fixture, fixtureFolder, studyUidOf, type SyntaxSeries, transferSyntaxStudy, withAttributes } from './viewer-studies.ts';

/** The studies every viewer test can open. */
export interface Studies {
  /** 12 axial CT slices of a head phantom, 512 x 512, one series. */
  readonly ct: string;
  /** 12 oblique MR slices, 256 x 256, one series (also the MPR volume when the large series is absent). */
  readonly mr: string;
  /** Every image fixture (transfer syntaxes, photometric interpretations, multi-frame) as its own series. */
  readonly syntaxes: { readonly studyInstanceUid: string; readonly series: readonly SyntaxSeries[] };
}

/** The patient the test's studies belong to, and how to store more images of theirs. */
export interface ImagingPatient {
  readonly id: string;
  readonly nickname: string;
  readonly pseudonymousId: string;
  /** Who the patient really is (sealed on the server; tests look for it where it must not be). */
  readonly identity: ImageIdentity;
  /** Stores Part 10 files by STOW-RS as the patient's enrolling clinician (made the patient's first). */
  store(files: readonly Buffer[]): Promise<void>;
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

/** An access token of a demo user, signed in on the server directly (not in the test's browser). */
export async function demoToken(server: RunningServer, username: string, now: Date): Promise<string> {
  const user = await server.db.prisma.user.findUniqueOrThrow({ where: { username }, select: { totpSecret: true } });
  const pair = await server.services.identity.signIn({ username, password: demoPassword, code: totpCode(user.totpSecret, now) }, 'e2e-fixture');
  return pair.accessToken;
}

/** STOW-RS of `files` to the server, in requests of at most ~32 MB; fails the test unless all are stored. */
export async function stow(server: RunningServer, token: string, files: readonly Buffer[]): Promise<void> {
  for (let start = 0; start < files.length; ) {
    const batch: Buffer[] = [];
    let bytes = 0;
    while (start < files.length && (batch.length === 0 || bytes + files[start]!.length < 32 * 1024 * 1024)) {
      bytes += files[start]!.length;
      batch.push(files[start++]!);
    }
    const boundary = `e2e-${Math.random().toString(36).slice(2)}`;
    const body = Buffer.concat([...batch.flatMap((file) => [Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`), file, Buffer.from('\r\n')]), Buffer.from(`--${boundary}--\r\n`)]);
    const response = await fetch(`${server.url}/dicom-web/studies`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, accept: 'application/dicom+json', 'content-type': `multipart/related; type="application/dicom"; boundary=${boundary}` },
      body,
    });
    if (response.status !== 200) throw new Error(`STOW-RS stored not all instances: HTTP ${response.status} ${(await response.text()).slice(0, 500)}`);
  }
}

/** Copies of files as the patient's de-identified images: PatientID is the pseudonymous id, Patient Identity Removed YES. */
export function asImagesOf(patient: { pseudonymousId: string }, files: readonly Buffer[]): Buffer[] {
  return files.map((file) => withAttributes(file, { '00100020': patient.pseudonymousId, '00120062': 'YES' }));
}

interface WorkerFixtures {
  studyFiles: { studies: Studies; files: Buffer[] };
  /** The shared 160-slice MR series when ../shared has it (read once per worker). */
  largeSeries: Buffer[] | undefined;
}

interface TestFixtures {
  imagingPatient: ImagingPatient;
  studies: Studies;
  /** The study MPR is tested on: the shared 160-slice MR series when ../shared has it, else the MR fixture. */
  volumeStudy: { studyInstanceUid: string; slices: number; large: boolean };
  viewer: ViewerPage;
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  studyFiles: [async ({}, use) => use(buildStudies()), { scope: 'worker' }],
  largeSeries: [
    async ({}, use) => {
      const large = largeSeriesDir();
      await use(large ? readdirSync(large).filter((f) => f.endsWith('.dcm')).sort().map((f) => readFileSync(`${large}/${f}`)) : undefined);
    },
    { scope: 'worker' },
  ],
  imagingPatient: async ({ server, clock }, use) => {
    const idOf = async (username: string) => (await server.db.prisma.user.findUniqueOrThrow({ where: { username }, select: { id: true } })).id;
    const identity = { firstName: 'Heloise', lastName: 'Quintavalle', dateOfBirth: '2011-06-14', placeOfBirth: 'Clermont-Ferrand', nationality: 'FR', localId: 'APHP-778812-QX' };
    const enroller = await idOf('marco.rossi');
    const patient = await enrolAs(server, enroller, enrolment('PaedCan', { identity }));
    for (const username of ['claire.martin', 'jana.novak']) await addParticipantAs(server, enroller, patient.id, await idOf(username));
    const { pseudonymousId } = await server.db.prisma.patient.findUniqueOrThrow({ where: { id: patient.id }, select: { pseudonymousId: true } });
    const token = await demoToken(server, 'marco.rossi', clock.now());
    await use({ ...patient, pseudonymousId, identity, store: (files) => stow(server, token, files) });
  },
  studies: async ({ imagingPatient, studyFiles }, use) => {
    await imagingPatient.store(asImagesOf(imagingPatient, studyFiles.files));
    await use(studyFiles.studies);
  },
  volumeStudy: [
    async ({ imagingPatient, studies, largeSeries }, use) => {
      if (!largeSeries) {
        await use({ studyInstanceUid: studies.mr, slices: fixtureFolder('mr-series').length, large: false });
        return;
      }
      await imagingPatient.store(asImagesOf(imagingPatient, largeSeries));
      await use({ studyInstanceUid: studyUidOf(largeSeries[0]!), slices: largeSeries.length, large: true });
    },
    { timeout: 180_000 },
  ],
  viewer: async ({ page, signInPage, codeFor }, use) => {
    await use(new ViewerPage(page, signInPage, codeFor));
  },
});

export { expect };
