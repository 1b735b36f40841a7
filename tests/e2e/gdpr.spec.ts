// Patient privacy in Chromium (SPEC PT-8, PT-9): the GDPR officer of FR10 finds a patient of
// claire.martin by name, downloads the FHIR export, erases the identifying data; afterwards the
// record is anonymised for everyone and the old name finds nothing. The 15-year review reminder in
// the Bell and "Keep for another 15 years". And axe on these screens.
import type { Response } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { demoPassword } from '../../server/demo/accounts.ts';
import { readZip } from '../fixtures/zip.ts';
import { axeViolations } from './axe.ts';
import { expect, test } from './fixtures.ts';
import { PatientPrivacyPage, PrivacyRequestsPage } from './pages/privacy-page.ts';
import { enrolAs, principalOf, sampleIdentity } from './seed.ts';

const fullName = `${sampleIdentity.firstName} ${sampleIdentity.lastName}`;

test('the GDPR officer exports and erases a patient of claire.martin; the record is anonymised everywhere and the old name finds nothing', async ({ page, server, signInPage, shell, clock, codeFor }) => {
  const patient = await enrolAs(server, 'claire.martin');
  await signInPage.open();
  await signInPage.signIn('julie.bernard', demoPassword, await codeFor('julie.bernard'));
  await shell.menuLink('Patient privacy requests').click();
  const requests = new PrivacyRequestsPage(page);
  await requests.find(sampleIdentity.lastName);
  await expect(requests.results).toHaveText('1 patients found');
  await expect(requests.row(patient.nickname)).toContainText(fullName);
  await requests.row(patient.nickname).getByRole('link').click();

  const privacy = new PatientPrivacyPage(page, patient.nickname);
  await expect(privacy.heading()).toBeVisible();
  await expect(page.getByText(`${fullName},`)).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent('download'), privacy.download.click()]);
  expect(download.suggestedFilename()).toBe(`${patient.pseudonymousId}-fhir-export.zip`);
  const archive = await readZip(await readFile((await download.path())!));
  expect(JSON.parse(archive.get('bundle.json')!.toString('utf8'))).toMatchObject({ resourceType: 'Bundle', type: 'collection' });
  await expect(page.getByRole('status').filter({ hasText: 'The export was downloaded' })).toBeVisible();

  await expect(privacy.erase).toBeDisabled();
  await privacy.eraseConfirm.fill('not the nickname');
  await expect(privacy.erase).toBeDisabled();
  await privacy.eraseConfirm.fill(patient.nickname.toLowerCase());
  await privacy.erase.click();
  await expect(page.getByRole('status').filter({ hasText: 'The identifying data were erased. The record is now anonymised.' })).toBeVisible();
  await expect(privacy.heading()).toContainText('Anonymised');
  await expect(page.getByText(/^Erased on .*: this record no longer leads back to the person\.$/)).toBeVisible();
  await expect(page.getByText('not included (erased)')).toBeVisible();
  await expect(page.locator('body')).not.toContainText(sampleIdentity.lastName);

  await page.getByRole('link', { name: 'Back to patient privacy requests' }).click();
  await requests.find(sampleIdentity.lastName);
  await expect(requests.results).toHaveText('0 patients found');
  await requests.find(patient.nickname);
  await expect(requests.row(patient.nickname)).toContainText('Anonymised');
  await expect(page.locator('body')).not.toContainText(sampleIdentity.lastName);
  await shell.chooseFromUserMenu('Sign out');

  // The enrolling clinician: the record page's answer from the server carries no name, nor does her list.
  clock.advance(30_000);
  await signInPage.signIn('claire.martin', demoPassword, await codeFor('claire.martin'));
  await expect(page.getByRole('heading', { name: 'Welcome, Claire Martin' })).toBeVisible();
  const answers: Response[] = [];
  page.on('response', (response) => {
    if (response.url().includes('/trpc/') && response.url().includes('patients.')) answers.push(response);
  });
  await new PatientPrivacyPage(page, patient.nickname).open();
  await expect(privacy.heading()).toContainText('Anonymised');
  await expect(page.locator('body')).not.toContainText(sampleIdentity.lastName);
  expect(answers.length).toBeGreaterThan(0);
  for (const answer of answers) expect(await answer.text()).not.toContain(sampleIdentity.lastName);
  const claire = await principalOf(server, 'claire.martin');
  const list = await server.services.patients.list(claire, { search: '', mine: false, includeAnonymised: true, sort: 'createdAt', direction: 'desc', page: 0, pageSize: 50 });
  expect(list.items.find((p) => p.id === patient.id)).toMatchObject({ status: 'anonymised', realName: null });
  expect(JSON.stringify(list)).not.toContain(sampleIdentity.lastName);
  for (const search of [sampleIdentity.lastName, sampleIdentity.firstName]) {
    expect((await server.services.patients.list(claire, { search, mine: false, includeAnonymised: true, sort: 'createdAt', direction: 'desc', page: 0, pageSize: 50 })).total).toBe(0);
  }
});

test('a clinician of the enrolling hospital is reminded of the 15-year review in the Bell and keeps the record for another 15 years', async ({ page, server, signInPage, clock, codeFor }) => {
  const patient = await enrolAs(server, 'claire.martin');
  clock.advance(15 * 366 * 86_400_000);
  await server.jobs.runAll();
  await signInPage.open();
  await signInPage.signIn('claire.martin', demoPassword, await codeFor('claire.martin'));
  // Her demo patients are due too: one reminder each.
  await page.getByRole('button', { name: 'Bell, 3 unread' }).click();
  await expect(page.getByText(`The record of ${patient.nickname} is due for its retention review: keep it for another 15 years, or delete it.`)).toBeVisible();
  await page.keyboard.press('Escape');

  const privacy = new PatientPrivacyPage(page, patient.nickname);
  await privacy.open();
  await expect(page.getByText(/^The retention review of this record was due on /)).toBeVisible();
  await privacy.keep.click();
  await expect(page.getByRole('status').filter({ hasText: /^Kept\. The next review is on / })).toBeVisible();
  await expect(privacy.keep).toBeHidden();
});

for (const scheme of ['light', 'dark'] as const) {
  test(`the privacy screens are accessible (${scheme} theme)`, async ({ page, server, signInPage, shell, clock, codeFor }) => {
    await page.emulateMedia({ colorScheme: scheme });
    const patient = await enrolAs(server, 'claire.martin');
    await signInPage.open();
    await signInPage.signIn('julie.bernard', demoPassword, await codeFor('julie.bernard'));
    await shell.menuLink('Patient privacy requests').click();
    const requests = new PrivacyRequestsPage(page);
    await requests.find(sampleIdentity.lastName.slice(0, 4));
    await expect(requests.results).toHaveText('1 patients found');
    expect(await axeViolations(page)).toEqual([]);
    await requests.row(patient.nickname).getByRole('link').click();
    const privacy = new PatientPrivacyPage(page, patient.nickname);
    await expect(page.getByRole('heading', { name: 'The export contains' })).toBeVisible();
    expect(await axeViolations(page)).toEqual([]);
    await privacy.eraseConfirm.fill(patient.nickname);
    await privacy.erase.click();
    await expect(privacy.heading()).toContainText('Anonymised');
    expect(await axeViolations(page)).toEqual([]);
    await shell.chooseFromUserMenu('Sign out');

    clock.advance(15 * 366 * 86_400_000);
    await signInPage.signIn('claire.martin', demoPassword, await codeFor('claire.martin'));
    await expect(page.getByRole('heading', { name: 'Welcome, Claire Martin' })).toBeVisible();
    await privacy.open();
    await page.getByRole('button', { name: 'Delete record' }).click();
    await expect(page.getByRole('textbox', { name: `Type the nickname (${patient.nickname}) to delete the record and its files` })).toBeVisible();
    expect(await axeViolations(page)).toEqual([]);
  });
}
