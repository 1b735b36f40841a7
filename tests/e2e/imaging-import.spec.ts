// Importing imaging studies into a patient's "Files" in Chromium (SPEC IM-1, IM-2): the CT series
// from disk, de-identified in the browser and checked on the server byte by byte; a folder with a
// damaged and a non-DICOM file; the burned-in ultrasound masked by the user; Cancel midway; a study
// from a PACS (Orthanc behind a CORS proxy) searched and retrieved by the workstation; axe.
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import dcmjs from 'dcmjs';
import { findResidue } from '../../app/imaging/deidentify/index.ts';
import { readOriginal } from '../../app/imaging/import/originals.ts';
import { loadConfig } from '../../server/config.ts';
import { demoPassword } from '../../server/demo/accounts.ts';
import { type RunningServer, startServer } from '../../server/server.ts';
import { type CorsProxy, startCorsProxy } from '../fixtures/cors-proxy.ts';
import { enrolment } from '../fixtures/files.ts';
import { callerFor } from '../fixtures/personas.ts';
import { largeSeriesDir, sharedDir } from '../fixtures/shared-data.ts';
import { axeViolations } from './axe.ts';
import { expect, rendererDir, test as base } from './fixtures.ts';
import { FilesTab } from './pages/files-tab.ts';
import { ImagingImportPanel } from './pages/imaging-import.ts';
import { missingOrthancAdvice, startOrthanc } from './orthanc.ts';

const fixtures = fileURLToPath(new URL('../fixtures/dicom/', import.meta.url));
const shared = sharedDir();
/** The CT series: all 12 slices from the shared set when present, else the 12 fixture slices. */
const ctDir = shared ? join(shared, 'dicom/ct-series/philips-head-phantom-5mm') : join(fixtures, 'ct-series');

const test = base.extend<{ pacsProxy: CorsProxy; patient: { id: string; nickname: string; pseudonymousId: string } }>({
  pacsProxy: async ({}, use) => {
    let origin: string | undefined;
    const proxy = await startCorsProxy(() => origin);
    await use(Object.assign(proxy, { allow: (o: string) => (origin = o) }));
    await proxy.close();
  },
  // The server lists the PACS (its CSP lets the workstation reach it).
  server: async ({ clock, pacsProxy }, use) => {
    const config = loadConfig({ CONSILIUM_PORT: '0', CONSILIUM_LOG_LEVEL: 'warn', CONSILIUM_RENDERER_DIR: rendererDir, CONSILIUM_PACS_URLS: `${pacsProxy.url}/dicom-web` }, ['--demo']);
    const server = await startServer(config, { clock });
    (pacsProxy as CorsProxy & { allow: (o: string) => void }).allow(server.url);
    await use(server);
    await server.close();
  },
  // A patient of Claire Martin's; she then signs in and opens the patient's "Files".
  patient: async ({ server, clock, codeFor, signInPage, page }, use) => {
    const session = await server.services.identity.signIn({ username: 'claire.martin', password: demoPassword, code: await codeFor('claire.martin') }, 'e2e');
    const enrolled = await callerFor(server, session.accessToken).patients.enrol(enrolment());
    clock.advance(30_000);
    await signInPage.open();
    await signInPage.signIn('claire.martin', demoPassword, await codeFor('claire.martin'));
    await expect(page.getByRole('heading', { name: 'Welcome, Claire Martin' })).toBeVisible();
    await new FilesTab(page).open(enrolled.nickname);
    await use(enrolled);
  },
});

interface Stored {
  readonly bytes: Buffer;
  readonly dict: Record<string, { Value?: unknown[] } | undefined>;
}

/** Every instance stored for the patient, read back from the blob store through the index. */
async function storedInstances(server: RunningServer, pseudonymousId: string): Promise<Stored[]> {
  const rows = await server.db.prisma.imagingInstance.findMany({ where: { patientId: pseudonymousId }, select: { blobId: true } });
  return Promise.all(rows.map(async (row) => {
    const bytes = await server.blobs.read(row.blobId);
    const copy = new Uint8Array(bytes).buffer;
    return { bytes, dict: dcmjs.data.DicomMessage.readFile(copy).dict };
  }));
}

const value = (stored: Stored, tag: string) => stored.dict[tag]?.Value?.[0];
const pixels = (dict: Stored['dict']) => new Uint8Array(dict['7FE00010']?.Value?.[0] as ArrayBuffer);

/** Checks what the brief promises of every stored instance: pseudonym in, originals nowhere. */
function expectDeidentified(stored: readonly Stored[], patient: { nickname: string; pseudonymousId: string }, originals: readonly string[]): void {
  for (const instance of stored) {
    expect((value(instance, '00100010') as { Alphabetic?: string } | undefined)?.Alphabetic).toBe(patient.nickname);
    expect(value(instance, '00100020')).toBe(patient.pseudonymousId);
    expect(value(instance, '00120062')).toBe('YES');
    expect(findResidue(instance.bytes, originals)).toEqual([]);
  }
}

async function originalsOf(dir: string, names: readonly string[]): Promise<string[]> {
  const values = new Set<string>();
  for (const name of names) for (const v of readOriginal(new Uint8Array(await readFile(join(dir, name)))).identifying) values.add(v);
  return [...values];
}

async function accessibleInBothThemes(page: Page): Promise<void> {
  for (const colorScheme of ['dark', 'light'] as const) {
    await page.emulateMedia({ colorScheme });
    expect(await axeViolations(page), `${colorScheme} theme`).toEqual([]);
  }
}

test('the CT series from disk is stored de-identified, whole, with the patient’s pseudonym', async ({ page, server, patient }) => {
  const names = (await readdir(ctDir)).filter((name) => name.endsWith('.dcm')).sort();
  const panel = new ImagingImportPanel(page);
  await panel.choose('Files…', names.map((name) => join(ctDir, name)));
  await expect(panel.study(1)).toHaveJSProperty('value', 100, { timeout: 60_000 });
  await expect(page.getByRole('status').filter({ hasText: `${names.length} stored, 0 already stored, 0 not imported` })).toBeVisible();
  await accessibleInBothThemes(page);

  const stored = await storedInstances(server, patient.pseudonymousId);
  expect(stored).toHaveLength(names.length);
  const originals = await originalsOf(ctDir, names);
  expect(originals).toEqual(expect.arrayContaining(['HEAD', 'PLASTIC', '20150206']));
  expectDeidentified(stored, patient, originals);
  // One study, one series: UIDs replaced the same way across the import, none of the originals kept.
  expect(new Set(stored.map((s) => value(s, '0020000D'))).size).toBe(1);
  expect(new Set(stored.map((s) => value(s, '0020000E'))).size).toBe(1);
  const original = dcmjs.data.DicomMessage.readFile(new Uint8Array(await readFile(join(ctDir, names[0]!))).buffer).dict;
  expect(stored.map((s) => value(s, '0020000D'))).not.toContain(original['0020000D']?.Value?.[0]);

  // The same files again in a new import: a new study (UIDs are new each import), nothing overwritten.
  await panel.choose('Files…', [join(ctDir, names[0]!), join(ctDir, names[0]!)]);
  await expect(panel.study(2)).toHaveJSProperty('value', 100);
  await expect(panel.files.getByText('Already stored')).toHaveCount(1);
});

test('a folder with a damaged and a non-DICOM file: each says why, the good ones are stored', async ({ page, server, patient }) => {
  const dir = await mkdtemp(join(tmpdir(), 'consilium-import-'));
  try {
    const folder = join(dir, 'export');
    await mkdir(folder);
    for (const name of ['IM0001.dcm', 'IM0002.dcm', 'IM0003.dcm']) await copyFile(join(fixtures, 'ct-series', name), join(folder, name));
    await copyFile(join(fixtures, 'malformed/mr_truncated-pixel-data.dcm'), join(folder, 'broken.dcm'));
    await writeFile(join(folder, 'notes.txt'), 'Referral letter: not an image');
    const panel = new ImagingImportPanel(page);
    await panel.choose('Folder…', folder);
    await expect(panel.study(1)).toHaveJSProperty('value', 100);
    await expect(panel.item('broken.dcm')).toContainText('This DICOM file is incomplete');
    await expect(panel.item('notes.txt')).toContainText('This file is not a DICOM image file');
    await expect(page.getByRole('status').filter({ hasText: '3 stored, 0 already stored, 2 not imported' })).toBeVisible();
    expect(await storedInstances(server, patient.pseudonymousId)).toHaveLength(3);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a DICOMDIR imports the files it references from the chosen folder', async ({ page, server, patient }) => {
  const dir = await mkdtemp(join(tmpdir(), 'consilium-medium-'));
  try {
    const medium = join(dir, 'CDROM');
    await mkdir(join(medium, 'DICOM'), { recursive: true });
    await copyFile(join(fixtures, 'dicomdir/DICOMDIR'), join(medium, 'DICOMDIR'));
    for (const n of ['0002', '0003', '0004']) await copyFile(join(fixtures, `mr-series/IM${n}.dcm`), join(medium, 'DICOM', `IM${n}`));
    // Not referenced by the DICOMDIR: left out.
    await copyFile(join(fixtures, 'mr-series/IM0005.dcm'), join(medium, 'DICOM', 'EXTRA'));
    const panel = new ImagingImportPanel(page);
    await panel.choose('CD or USB stick (DICOMDIR)…', medium);
    await expect(panel.study(1)).toHaveJSProperty('value', 100);
    await expect(page.getByRole('status').filter({ hasText: '3 stored' })).toBeVisible();
    await expect(panel.files.getByRole('listitem')).toHaveCount(3);
    expect(await storedInstances(server, patient.pseudonymousId)).toHaveLength(3);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the burned-in ultrasound waits for the user to mask it, and is stored with the masked pixels black', async ({ page, server, patient }) => {
  const panel = new ImagingImportPanel(page);
  const file = join(fixtures, 'phi/us_burned-in-yes_jpeg-ls.dcm');
  await panel.choose('Files…', file);
  await expect(panel.item('us_burned-in-yes_jpeg-ls.dcm')).toContainText('Waiting for review');
  await expect(panel.item('us_burned-in-yes_jpeg-ls.dcm')).toContainText('marked as containing burned-in text');
  expect(await storedInstances(server, patient.pseudonymousId)).toHaveLength(0);

  await page.getByRole('button', { name: 'Review us_burned-in-yes_jpeg-ls.dcm' }).click();
  const dialog = page.getByRole('dialog', { name: 'Cover identifying text: us_burned-in-yes_jpeg-ls.dcm' });
  const canvas = dialog.getByRole('img', { name: /^Image us_burned-in-yes_jpeg-ls.dcm/ });
  await expect(canvas).toHaveJSProperty('width', 1024);
  // One rectangle by keyboard, one dragged with the pointer.
  for (const [label, v] of [['Left (pixels)', '0'], ['Top (pixels)', '0'], ['Width (pixels)', '300'], ['Height (pixels)', '60']] as const) await dialog.getByRole('spinbutton', { name: label }).fill(v);
  await dialog.getByRole('button', { name: 'Add rectangle' }).click();
  // Adding the rectangle scrolled the dialog: bring the whole image back into view to drag on it.
  await canvas.evaluate((element) => element.scrollIntoView({ block: 'center' }));
  const box = (await canvas.boundingBox())!;
  const [sx, sy] = [box.width / 1024, box.height / 768];
  await page.mouse.move(box.x + 600 * sx, box.y + 300 * sy);
  await page.mouse.down();
  await page.mouse.move(box.x + 800 * sx, box.y + 400 * sy, { steps: 5 });
  await page.mouse.up();
  await expect(dialog.getByRole('list', { name: 'Areas to cover' }).getByRole('listitem')).toHaveCount(2);
  await expect(dialog.getByRole('button', { name: 'Nothing to mask — upload as is' })).toBeDisabled();
  expect(await axeViolations(page)).toEqual([]);
  await dialog.getByRole('button', { name: 'Mask and upload' }).click();
  await expect(panel.item('us_burned-in-yes_jpeg-ls.dcm')).toContainText('Stored');

  const [stored] = await storedInstances(server, patient.pseudonymousId);
  expect(stored).toBeDefined();
  expectDeidentified([stored!], patient, readOriginal(new Uint8Array(await readFile(file))).identifying);
  expect(value(stored!, '00280301')).toBe('NO');
  const samples = pixels(stored!.dict);
  const at = (x: number, y: number) => samples[y * 1024 + x];
  const region = (x0: number, y0: number, x1: number, y1: number) => {
    const values: number[] = [];
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) values.push(at(x, y)!);
    return values;
  };
  expect(region(0, 0, 300, 60).every((v) => v === 0)).toBe(true);
  // The dragged rectangle, inside by a margin for the pointer's rounding.
  expect(region(605, 305, 795, 395).every((v) => v === 0)).toBe(true);
  expect(region(605, 305, 795, 395).length).toBeGreaterThan(10_000);
  // The rest of the picture is still there.
  expect(region(100, 200, 500, 600).some((v) => v > 0)).toBe(true);
});

test('Cancel stops an import midway; what was stored is whole and reported', async ({ page, server, patient }) => {
  const large = largeSeriesDir();
  const dir = large ?? ctDir;
  const names = (await readdir(dir)).filter((name) => name.endsWith('.dcm')).sort();
  test.skip(!large && names.length <= 16, 'the 160-slice MR of ../shared is absent, and the CT fits in one batch');
  const panel = new ImagingImportPanel(page);
  await panel.choose('Files…', names.map((name) => join(dir, name)));
  await expect(panel.files.getByText('Stored').first()).toBeVisible({ timeout: 60_000 });
  await panel.cancel.click();
  await expect(page.getByRole('status').filter({ hasText: 'cancelled' })).toBeVisible({ timeout: 60_000 });
  const stored = await storedInstances(server, patient.pseudonymousId);
  const reported = await panel.files.getByText('Stored', { exact: true }).count();
  expect(stored.length).toBe(reported);
  expect(stored.length).toBeGreaterThan(0);
  expect(stored.length).toBeLessThan(names.length);
  // Whole: every stored instance reads back completely, its pixels the size its header says.
  for (const instance of stored) expect(pixels(instance.dict).length).toBe(Number(value(instance, '00280010')) * Number(value(instance, '00280011')) * 2);
});

test('a study from the PACS: searched and retrieved by the workstation, stored de-identified and complete', async ({ page, server, patient, pacsProxy }) => {
  test.skip(missingOrthancAdvice() !== undefined, missingOrthancAdvice() ?? '');
  const orthanc = await startOrthanc();
  try {
    const ctNames = (await readdir(join(fixtures, 'ct-series'))).filter((name) => name.endsWith('.dcm')).sort().slice(0, 4);
    const originals = await Promise.all(ctNames.map((name) => readFile(join(fixtures, 'ct-series', name))));
    await orthanc.store(originals);
    pacsProxy.target = orthanc.url;

    const panel = new ImagingImportPanel(page);
    await panel.fromPacs();
    const dialog = page.getByRole('dialog', { name: 'Import from PACS' });
    await expect(dialog.getByRole('textbox', { name: 'PACS address (DICOMweb)' })).toHaveValue(`${pacsProxy.url}/dicom-web`);
    await dialog.getByRole('textbox', { name: 'Patient ID' }).fill('PLASTIC');
    await dialog.getByRole('button', { name: 'Search' }).click();
    const results = dialog.getByRole('table', { name: 'Studies found' });
    await expect(results.getByRole('row')).toHaveCount(2);
    await expect(results).toContainText('HEAD (PLASTIC)');
    await accessibleInBothThemes(page);
    await results.getByRole('button', { name: /^Import the study of 20150206/ }).click();
    await expect(panel.study(1)).toHaveJSProperty('value', 100, { timeout: 60_000 });
    await expect(page.getByRole('status').filter({ hasText: `${ctNames.length} stored, 0 already stored, 0 not imported` })).toBeVisible();

    // The search terms went to the PACS, not to the Consilium server.
    expect(pacsProxy.seen.some((line) => line.includes('PatientID=PLASTIC'))).toBe(true);
    const stored = await storedInstances(server, patient.pseudonymousId);
    expect(stored).toHaveLength(ctNames.length);
    expectDeidentified(stored, patient, [...new Set(originals.flatMap((bytes) => readOriginal(new Uint8Array(bytes)).identifying))]);
    // Lossless: each stored frame equals Orthanc's, matched by instance number.
    const byNumber = new Map(originals.map((bytes) => {
      const dict = dcmjs.data.DicomMessage.readFile(new Uint8Array(bytes).buffer).dict;
      return [Number(dict['00200013']?.Value?.[0]), pixels(dict)] as const;
    }));
    for (const instance of stored) expect(Buffer.from(pixels(instance.dict)).equals(Buffer.from(byNumber.get(Number(value(instance, '00200013')))!))).toBe(true);
  } finally {
    await orthanc.close();
  }
});
