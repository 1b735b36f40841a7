// Patients in the workstation (SPEC PT-1 to PT-6): "Add new patient" with the EU form, the record with
// its identifying data for the enrolling clinician, a participant who sees the nickname but never the
// real name (on screen and in what the server sends), and "Patient Records".
import { demoPassword } from '../../server/demo/accounts.ts';
import { pdfDocument } from '../fixtures/files.ts';
import { expect, test } from './fixtures.ts';
import { choose } from './pages/controls.ts';

const identity = { firstName: 'Apolline', lastName: 'Vasseur-Kerguelen', dateOfBirth: '2017-09-23', placeOfBirth: 'Brest', localId: 'RDB-7730041' };

test('a clinician enrols a patient with the EU form; a participant sees the nickname but never the real name', async ({ page, signInPage, shell, clock, codeFor }) => {
  await signInPage.open();
  await signInPage.signIn('claire.martin', demoPassword, await codeFor('claire.martin'));
  await shell.menuLink('Add new patient').click();
  await expect(page.getByRole('heading', { name: 'Add new patient' })).toBeVisible();

  await choose(page, 'ERN', 'ERKNet — Kidney Diseases');
  await page.getByRole('textbox', { name: 'First name' }).fill(identity.firstName);
  await page.getByRole('textbox', { name: 'Last name' }).fill(identity.lastName);
  await page.getByLabel('Date of birth').fill(identity.dateOfBirth);
  await page.getByRole('textbox', { name: 'Place of birth' }).fill(identity.placeOfBirth);
  await choose(page, 'Nationality', 'France');
  await page.getByRole('textbox', { name: 'Local hospital id' }).fill(identity.localId);
  await page.getByRole('radio', { name: 'Female' }).check();
  await choose(page, 'Area of birth', 'France');
  await choose(page, 'Area of residence', 'France');
  await page.getByRole('radio', { name: 'EU consent form' }).check();
  const enrol = page.getByRole('button', { name: 'Enrol patient' });
  await expect(enrol).toBeDisabled();
  await page.getByRole('checkbox', { name: /Consent to care/ }).check();
  await page.getByRole('checkbox', { name: 'Anonymised use of the data for education' }).check();
  await page.getByRole('checkbox', { name: 'Export of pseudonymised data to registries' }).check();

  // A nickname of one's own: "Validate" only once it is known to be free.
  await page.getByRole('radio', { name: 'My own nickname' }).check();
  const nickname = page.getByRole('textbox', { name: 'Nickname of your choice' });
  const validate = page.getByRole('button', { name: 'Validate' });
  await nickname.fill('Coral Meadow 214');
  await expect(page.getByText('Another patient already has this nickname.')).toBeVisible();
  await expect(validate).toBeDisabled();
  await nickname.fill('Apolline Blue');
  await expect(page.getByText('This nickname resembles the patient’s name.', { exact: false })).toBeVisible();
  await expect(validate).toBeDisabled();
  await nickname.fill('Willow Estuary 31');
  await expect(page.getByText('This nickname is free.')).toBeVisible();
  await validate.click();
  await expect(page.getByText('Nickname validated: Willow Estuary 31')).toBeVisible();
  await page.getByLabel('Signed consent form (PDF or image)').setInputFiles({ name: 'consent-signed.pdf', mimeType: 'application/pdf', buffer: pdfDocument('Consent form signed by the parents') });
  await enrol.click();

  await expect(page.getByRole('heading', { name: 'Patient Willow Estuary 31' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Willow Estuary 31 was enrolled.' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Identifying data' })).toBeVisible();
  await expect(page.getByRole('tabpanel', { name: 'Summary' }).getByText(identity.lastName)).toBeVisible();
  const consents = page.getByRole('table', { name: 'Consents' });
  await expect(consents.getByRole('row')).toHaveCount(3);
  await page.getByRole('tab', { name: 'Files' }).click();
  await expect(page.getByRole('table', { name: 'Files of this patient' }).getByRole('row').filter({ hasText: 'consent-signed.pdf' })).toContainText('Consent form');

  await page.getByRole('tab', { name: 'Participants' }).click();
  await page.getByRole('button', { name: 'Add participant' }).click();
  await page.getByRole('textbox', { name: 'Find an expert' }).fill('Novák');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('button', { name: 'Add Jana Novák' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Jana Novák can now see the pseudonymised record.' })).toBeVisible();
  await page.getByRole('tab', { name: 'History' }).click();
  await expect(page.getByRole('table', { name: 'History' }).getByRole('row', { name: /Participant added.*Claire Martin/ })).toBeVisible();
  await shell.chooseFromUserMenu('Sign out');

  // The participant: pseudonymised record only, in the UI and in every answer from the server.
  const answers: string[] = [];
  page.on('response', async (response) => {
    if (new URL(response.url()).pathname.startsWith('/trpc/')) answers.push(await response.text().catch(() => ''));
  });
  clock.advance(30_000);
  await signInPage.signIn('jana.novak', demoPassword, await codeFor('jana.novak'));
  await shell.menuLink('Patient Records').click();
  await page.getByRole('textbox', { name: 'Search by nickname or name' }).fill('willow');
  await expect(page.getByRole('status').filter({ hasText: '1 patients' })).toBeVisible();
  await expect(page.getByRole('columnheader', { name: 'Name', exact: true })).toHaveCount(0);
  await page.getByRole('link', { name: 'Willow Estuary 31' }).click();
  await expect(page.getByRole('heading', { name: 'Patient Willow Estuary 31' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Pseudonymised data' })).toBeVisible();
  await expect(page.getByText('2017-09', { exact: true })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Identifying data' })).toHaveCount(0);
  // The signed consent form carries the names: not among the files a participant sees.
  await page.getByRole('tab', { name: 'Files' }).click();
  await expect(page.getByText('consent-signed.pdf')).toHaveCount(0);
  const text = await page.locator('body').innerText();
  for (const value of Object.values(identity)) expect(text).not.toContain(value);
  // Searching by the real name finds nothing for a participant.
  await shell.menuLink('Patient Records').click();
  await page.getByRole('textbox', { name: 'Search by nickname or name' }).fill('Vasseur');
  await expect(page.getByRole('status').filter({ hasText: '0 patients' })).toBeVisible();
  expect(answers.length).toBeGreaterThan(3);
  for (const answer of answers) for (const value of Object.values(identity)) expect(answer).not.toContain(value);
});

test('"Patient Records" lists, searches and opens the patients a clinician may see', async ({ page, signInPage, shell, codeFor }) => {
  await signInPage.open();
  await signInPage.signIn('claire.martin', demoPassword, await codeFor('claire.martin'));
  await shell.menuLink('Patient Records').click();
  const table = page.getByRole('table', { name: 'Patient Records' });
  // Two of her own (with their names, which she may see) and one she participates in.
  await expect(page.getByRole('status').filter({ hasText: '3 patients' })).toBeVisible();
  await expect(table.getByRole('row', { name: /Coral Meadow 214.*Lucie Fontaine.*ERKNet/ })).toBeVisible();
  await expect(table.getByRole('row', { name: /Silver Lantern 58.*PaedCan.*Marco Rossi/ })).toBeVisible();
  await page.getByRole('textbox', { name: 'Search by nickname or name' }).fill('fontaine');
  await expect(page.getByRole('status').filter({ hasText: '1 patients' })).toBeVisible();
  await page.getByRole('checkbox', { name: 'Only patients I enrolled' }).check();
  await table.getByRole('link', { name: 'Coral Meadow 214' }).click();
  await expect(page.getByRole('heading', { name: 'Patient Coral Meadow 214' })).toBeVisible();
});
