// A patient's "Files" (SPEC PT-7) in Chromium: upload with a progress bar, the list with the consent
// form marked, a PDF drawn by pdf.js and an image previewed in memory, a lying file refused with its
// reason, deletion after confirmation; and axe on the screen and its dialogs.
import type { Page } from '@playwright/test';
import { demoPassword } from '../../server/demo/accounts.ts';
import { enrolment, pdfDocument, pngImage, uploadFile } from '../fixtures/files.ts';
import { callerFor } from '../fixtures/personas.ts';
import { axeViolations } from './axe.ts';
import { expect, test } from './fixtures.ts';
import { FilesTab } from './pages/files-tab.ts';

async function accessibleInBothThemes(page: Page): Promise<void> {
  for (const colorScheme of ['dark', 'light'] as const) {
    await page.emulateMedia({ colorScheme });
    expect(await axeViolations(page), `${colorScheme} theme`).toEqual([]);
  }
}

test('a clinician uploads, previews and deletes a patient’s files', async ({ page, server, clock, codeFor, signInPage, apiIdle }) => {
  // A patient enrolled by Claire Martin, with the signed consent form attached at enrolment.
  const session = await server.services.identity.signIn({ username: 'claire.martin', password: demoPassword, code: await codeFor('claire.martin') }, 'e2e');
  const { id: patientId, nickname } = await callerFor(server, session.accessToken).patients.enrol(enrolment());
  const form = await uploadFile(server.url, session.accessToken, patientId, pdfDocument('Signed consent'), { name: 'consent-eu.pdf', type: 'application/pdf', purpose: 'consent_form' });
  expect(form.status).toBe(201);
  clock.advance(30_000);

  await signInPage.open();
  await signInPage.signIn('claire.martin', demoPassword, await codeFor('claire.martin'));
  await expect(page.getByRole('heading', { name: 'Welcome, Claire Martin' })).toBeVisible();
  const files = new FilesTab(page);
  await files.open(nickname);
  await expect(page.getByRole('heading', { name: nickname })).toBeVisible();
  await expect(files.row('consent-eu.pdf')).toContainText('Consent form');

  // Upload: each file gets its progress bar, which reaches the end, and appears in the list.
  const report = pdfDocument('Renal biopsy: focal segmental glomerulosclerosis');
  await files.upload({ name: 'biopsy-report.pdf', mimeType: 'application/pdf', buffer: report }, { name: 'ultrasound.png', mimeType: 'image/png', buffer: pngImage(64, 48) });
  for (const name of ['biopsy-report.pdf', 'ultrasound.png']) {
    await expect(files.progress(name)).toHaveJSProperty('value', 100);
    await expect(page.getByRole('listitem').filter({ hasText: name })).toContainText('Uploaded');
  }
  await expect(files.row('biopsy-report.pdf')).toContainText(new RegExp(`PDF${report.length} BClaire Martin`));
  await expect(files.row('ultrasound.png')).toContainText('PNG');
  await accessibleInBothThemes(page);

  // Preview of the PDF: drawn into a canvas in the page, with ink on it.
  await files.row('biopsy-report.pdf').getByRole('button', { name: 'Preview biopsy-report.pdf' }).click();
  const canvas = files.preview.getByRole('img', { name: 'Page 1 of 1 of biopsy-report.pdf' });
  await expect(canvas).toBeVisible();
  await expect
    .poll(() =>
      canvas.evaluate((element: HTMLCanvasElement) => {
        const { data } = element.getContext('2d')!.getImageData(0, 0, element.width, element.height);
        let blue = 0;
        let dark = 0;
        for (let i = 0; i < data.length; i += 4) {
          const [r = 0, g = 0, b = 0] = [data[i], data[i + 1], data[i + 2]];
          if (b > 150 && r < 80 && g < 120) blue++;
          if (r < 90 && g < 90 && b < 90) dark++;
        }
        return blue > 1000 && dark > 100;
      }),
    )
    .toBe(true);
  await accessibleInBothThemes(page);
  await page.keyboard.press('Escape');
  await expect(files.preview).toBeHidden();

  // Preview of the image through an object URL, revoked when the dialog closes.
  await files.row('ultrasound.png').getByRole('button', { name: 'Preview ultrasound.png' }).click();
  const image = files.preview.getByRole('img', { name: 'Image ultrasound.png' });
  await expect(image).toHaveJSProperty('naturalWidth', 64);
  const url = await image.getAttribute('src');
  expect(url).toMatch(/^blob:/);
  await page.keyboard.press('Escape');
  await expect(files.preview).toBeHidden();
  const reload = (blobUrl: string) =>
    new Promise<string>((resolve) => {
      const probe = new Image();
      probe.onload = () => resolve('still there');
      probe.onerror = () => resolve('revoked');
      probe.src = blobUrl;
    });
  expect(await page.evaluate(reload, url!)).toBe('revoked');

  // A PNG that calls itself a PDF is refused, with the reason, and not listed.
  await files.upload({ name: 'scan.pdf', mimeType: 'application/pdf', buffer: pngImage(8, 8) });
  await expect(page.getByRole('alert')).toContainText('scan.pdf: This file’s name or type says PDF, but its content is something else');
  await expect(files.row('scan.pdf')).toHaveCount(0);
  await page.getByRole('button', { name: 'Clear finished uploads' }).click();
  await expect(page.getByRole('list', { name: 'Uploads' })).toHaveCount(0);

  // The access token expires while the user reads: the next upload renews it and goes through.
  await apiIdle();
  clock.advance(301_000);
  await files.upload({ name: 'after-a-pause.png', mimeType: 'image/png', buffer: pngImage(16, 16, [20, 120, 60]) });
  await expect(files.row('after-a-pause.png')).toBeVisible();

  // Delete, after confirming.
  await files.row('biopsy-report.pdf').getByRole('button', { name: 'Delete biopsy-report.pdf' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete file' });
  await expect(confirm).toContainText('Delete “biopsy-report.pdf”?');
  await accessibleInBothThemes(page);
  await confirm.getByRole('button', { name: 'Delete file' }).click();
  await expect(page.getByRole('status').filter({ hasText: '“biopsy-report.pdf” was deleted.' })).toBeVisible();
  await expect(files.row('biopsy-report.pdf')).toHaveCount(0);
  expect(await server.db.prisma.patientFile.findMany({ where: { patientId }, select: { name: true }, orderBy: { name: 'asc' } })).toEqual([{ name: 'after-a-pause.png' }, { name: 'consent-eu.pdf' }, { name: 'ultrasound.png' }]);
});
