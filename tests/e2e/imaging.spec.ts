// The imaging proofs of the issue, in Chromium against the real server: a patient's CT series, stored
// by STOW-RS as the workstation sends it after de-identification, is listed in the record's "Files",
// opens in the viewer from there, scrolls, changes window/level and measures; the viewer names the
// patient by nickname and leads back to the record; the tag browser shows the nickname, never the
// name; the 160-slice series (or, without ../shared, the committed MR series) opens in MPR.
import { demoPassword } from '../../server/demo/accounts.ts';
import { deidentifiedFor, identifiedCopies } from '../fixtures/imaging.ts';
import { axeViolations } from './axe.ts';
import { expect, test } from './imaging-fixtures.ts';
import { FilesTab } from './pages/files-tab.ts';
import { fixtureFolder } from './viewer-studies.ts';

test.describe.configure({ timeout: 180_000 });

test("a patient's CT series is listed in Files, opens in the viewer, scrolls, changes window/level and measures; only the nickname shows", async ({ page, signInPage, codeFor, viewer, imagingPatient }) => {
  const { identity, nickname } = imagingPatient;
  const ct = await deidentifiedFor(imagingPatient, identifiedCopies(fixtureFolder('ct-series'), identity));
  await imagingPatient.store(ct);

  await signInPage.open();
  await signInPage.signIn('claire.martin', demoPassword, await codeFor('claire.martin'));
  const files = new FilesTab(page);
  await files.open(nickname);
  const row = files.study(/CT/);
  await expect(row).toHaveCount(1);
  // Date (de-identified: year and month kept), modalities, description (removed by the profile), series, images.
  await expect(row.getByRole('cell')).toHaveText([/^\d{4}-\d{2}-\d{2}$/, 'CT', 'No description', '1', '12', /Open in viewer/]);
  expect(await axeViolations(page)).toEqual([]);
  await row.getByRole('link', { name: /^Open No description \(\d{4}-\d{2}-\d{2}\) in the viewer$/ }).click();

  await expect(viewer.viewport(0)).toBeVisible({ timeout: 30_000 });
  await viewer.waitForRender(0);
  await expect(viewer.status(0)).toHaveText('Image 1 of 12');
  await expect(page.getByRole('link', { name: `Back to the record of ${nickname}` })).toBeVisible();
  const first = await viewer.canvasStats(0);
  expect(first.litFraction).toBeGreaterThan(0.02);
  expect(await axeViolations(page)).toEqual([]);

  await viewer.wheel(0, 5);
  await expect(viewer.status(0)).toHaveText('Image 6 of 12');
  await expect.poll(async () => (await viewer.canvasStats(0)).mean).not.toBeCloseTo(first.mean, 1);

  await expect(viewer.windowText(0)).toHaveText('W 80 L 40');
  await viewer.afterRender(0, () => viewer.choosePreset(/^Bone \(W 2000, L 300\)$/));
  await expect(viewer.windowText(0)).toHaveText('W 2000 L 300');
  await viewer.afterRender(0, () => viewer.drag(0, [0.5, 0.5], [0.7, 0.3]));
  await expect(viewer.windowText(0)).not.toHaveText('W 2000 L 300');

  await viewer.button('Length').click();
  await viewer.drag(0, [0.3, 0.5], [0.7, 0.5]);
  await expect(viewer.measurements.getByRole('listitem').first()).toContainText(/Length [\d,.]+ mm/);

  await viewer.button('DICOM tags').click();
  const table = viewer.tagDialog.getByRole('table', { name: 'DICOM attributes' });
  await expect(table.getByRole('row', { name: new RegExp(`\\(0010,0010\\) Patient's Name PN ${nickname}`) })).toBeVisible();
  await expect(table.getByRole('row', { name: new RegExp(`\\(0010,0020\\) Patient ID LO ${imagingPatient.pseudonymousId}`) })).toBeVisible();
  await expect(viewer.tagDialog).not.toContainText(identity.lastName);
  const search = viewer.tagDialog.getByRole('searchbox', { name: 'Search tags' });
  for (const word of [identity.lastName, identity.firstName, identity.localId, identity.dateOfBirth.replaceAll('-', '')]) {
    await search.fill(word);
    await expect(table.getByRole('row'), `rows matching ${word}`).toHaveCount(1); // the header only
  }
  await page.keyboard.press('Escape');

  await page.getByRole('link', { name: `Back to the record of ${nickname}` }).click();
  await expect(page.getByRole('heading', { name: `Patient ${nickname}`, exact: true })).toBeVisible();
});

test('the 160-slice series opens in MPR from the record (the committed MR series without ../shared)', async ({ page, signInPage, codeFor, viewer, imagingPatient, volumeStudy }) => {
  test.info().annotations.push({ type: 'volume', description: volumeStudy.large ? `shared large-series, ${volumeStudy.slices} slices` : `committed MR series, ${volumeStudy.slices} slices (../shared absent)` });
  console.log(`MPR volume: ${volumeStudy.large ? 'the shared 160-slice series' : 'the committed MR series (../shared/dicom/large-series absent)'}`);
  await signInPage.open();
  await signInPage.signIn('claire.martin', demoPassword, await codeFor('claire.martin'));
  const files = new FilesTab(page);
  await files.open(imagingPatient.nickname);
  const cell = (name: string) => page.getByRole('cell', { name, exact: true });
  const row = files.studies.getByRole('row').filter({ has: cell('MR') }).filter({ has: cell(String(volumeStudy.slices)) });
  await expect(row).toHaveCount(1);
  await row.getByRole('link', { name: /in the viewer$/ }).click();

  await expect(viewer.viewport(0)).toBeVisible({ timeout: 30_000 });
  await viewer.waitForRender(0);
  await expect(viewer.status(0)).toHaveText(`Image 1 of ${volumeStudy.slices}`);
  await viewer.button('MPR (axial, sagittal, coronal)').click();
  for (const [i, plane] of ['Axial', 'Sagittal', 'Coronal'].entries()) {
    await expect(viewer.pane(i).getByText(plane, { exact: true })).toBeVisible();
    await viewer.waitForRender(i);
    await expect.poll(async () => (await viewer.canvasStats(i)).litFraction, { timeout: 90_000, message: `${plane} plane shows the volume` }).toBeGreaterThan(0.02);
  }
});
