// The medical record tab (SPEC PT-5) in Chromium against the real server: the enrolling clinician
// fills it through the code pickers and forms (bad input named at its fields, nothing saved), saves,
// comes back and sees it; a participant reads it without being able to change it; two people saving
// at once do not lose each other's work; axe finds nothing in view and edit modes, in both themes.
import type { Browser, Page } from '@playwright/test';
import { demoPassword } from '../../server/demo/accounts.ts';
import { enrolDemoPatient, saveRecordAs } from '../fixtures/enrol.ts';
import { axeViolations as violations } from './axe.ts';
import { expect, test } from './fixtures.ts';
import { choose } from './pages/controls.ts';
import { MedicalRecord } from './pages/medical-record.ts';
import { SignInPage } from './pages/sign-in-page.ts';

const hpoCredit = /^This service is using the Human Phenotype Ontology \(.+\)\. Find out more at http:\/\/www\.human-phenotype-ontology\.org$/;

async function signIn(page: Page, username: string, code: string, name: string): Promise<void> {
  const signInPage = new SignInPage(page);
  await signInPage.open();
  await signInPage.signIn(username, demoPassword, code);
  await expect(page.getByRole('heading', { name: `Welcome, ${name}` })).toBeVisible();
}

/** A page in a browser context of its own (another workstation), failing on page errors like the main one. */
async function otherWorkstation(browser: Browser, baseURL: string): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text());
  });
  return { page, problems };
}

/** Fills the ITHACA dataset's required answers (and a height, `heightCm`). */
async function fillIthaca(page: Page, heightCm: string): Promise<void> {
  const dataset = page.getByRole('group', { name: 'ITHACA dataset' });
  await dataset.getByRole('spinbutton', { name: /Age at measurement/ }).pressSequentially('30');
  const height = dataset.getByRole('spinbutton', { name: /Height or length/ });
  await height.clear();
  await height.pressSequentially(heightCm);
  await choose(page, 'Intellectual disability', 'Moderate');
  await choose(page, 'Genetic testing done', 'Pending');
}

test('the enrolling clinician fills and saves the record and sees it again; a participant reads it and cannot change it', async ({ page, server, shell, clock, codeFor }) => {
  const patient = await enrolDemoPatient(server, 'claire.martin', 'ITHACA', ['jana.novak']);
  const record = new MedicalRecord(page);
  await signIn(page, 'claire.martin', await codeFor('claire.martin'), 'Claire Martin');
  await record.open(patient.nickname);
  await expect(page.getByText('Nothing has been recorded yet.')).toBeVisible();

  await record.edit.click();
  await expect(record.summary).toBeFocused();
  await record.summary.fill('Girl of 2 years with seizures and developmental delay.');
  await record.pickCode('Phenotype (HPO terms)', 'seizures', 'HP:0001250 — Seizures');
  await record.pickCode('Diagnoses (ORPHAcodes)', 'kabuki', 'ORPHA:2322 — Kabuki syndrome');
  await expect(page.getByRole('list', { name: 'Phenotype (HPO terms)' }).getByRole('listitem')).toHaveText(['HP:0001250 — Seizures']);
  await expect(page.getByText(hpoCredit)).toHaveCount(1);

  await page.getByRole('button', { name: 'Add genetic finding' }).click();
  const finding = record.entry('Genetic finding 1');
  await expect(finding.getByRole('textbox', { name: 'Gene' })).toBeFocused();
  await finding.getByRole('textbox', { name: 'Gene' }).fill('KMT2D');
  // Not HGVS: the reference and the change need a colon and a coordinate type ("c.").
  await finding.getByRole('textbox', { name: 'Variant (HGVS)' }).fill('NM_003482.4 c5645C>G');
  await choose(page, 'Zygosity', /^Heterozygous$/);
  await choose(page, 'ACMG classification', /^Pathogenic$/);
  await finding.getByRole('textbox', { name: 'Method' }).fill('Trio exome');
  await fillIthaca(page, '400');

  // Leaving with unsaved changes asks first; staying keeps them.
  page.once('dialog', (dialog) => void dialog.dismiss());
  await shell.menuLink('Home').click();
  await expect(record.summary).toHaveValue('Girl of 2 years with seizures and developmental delay.');

  // Bad input: each problem is named at its field, and nothing is saved.
  await record.save.click();
  await expect(record.invalid).toBeVisible();
  await expect(finding.getByRole('textbox', { name: 'Variant (HGVS)' })).toHaveAccessibleDescription(/HGVS notation, e\.g\. NM_000089\.4:c\.3266G>A/);
  await expect(page.getByRole('spinbutton', { name: /Height or length/ })).toHaveAccessibleDescription(/At most 250 cm/);
  expect((await server.db.prisma.patient.findUniqueOrThrow({ where: { id: patient.id }, select: { recordVersion: true } })).recordVersion).toBe(0);

  await finding.getByRole('textbox', { name: 'Variant (HGVS)' }).fill('NM_003482.4:c.5645C>G');
  const height = page.getByRole('spinbutton', { name: /Height or length/ });
  await height.clear();
  await height.pressSequentially('84.5');
  await record.save.click();
  await expect(record.saved).toBeVisible();
  await expect(record.edit).toBeFocused();

  // Away and back: what the server holds is shown.
  await shell.menuLink('Home').click();
  await record.open(patient.nickname);
  await expect(page.getByText(/^Last saved by Claire Martin on /)).toBeVisible();
  await expect(page.getByText('Girl of 2 years with seizures and developmental delay.')).toBeVisible();
  await expect(record.section('Phenotype (HPO terms)').getByRole('listitem')).toHaveText(['HP:0001250 — Seizures']);
  await expect(record.section('Phenotype (HPO terms)').getByText(hpoCredit)).toBeVisible();
  await expect(record.section('Diagnoses (ORPHAcodes)').getByRole('listitem')).toHaveText(['ORPHA:2322 — Kabuki syndrome']);
  await expect(record.section('Genetic findings').getByRole('row', { name: 'KMT2D NM_003482.4:c.5645C>G Heterozygous Pathogenic Trio exome' })).toBeVisible();
  const dataset = record.section('ITHACA dataset');
  await expect(dataset.getByRole('definition')).toContainText(['30 months', '84.5 cm', 'Moderate', 'Pending']);
  await shell.chooseFromUserMenu('Sign out');

  // A participant from another hospital: the same record, read-only, with the HPO notice.
  clock.advance(30_000);
  await signIn(page, 'jana.novak', await codeFor('jana.novak'), 'Jana Novák');
  await record.open(patient.nickname);
  await expect(page.getByText('Girl of 2 years with seizures and developmental delay.')).toBeVisible();
  await expect(record.section('Phenotype (HPO terms)').getByText(hpoCredit)).toBeVisible();
  await expect(page.getByText('You can read this record; only the treating team can change it.')).toBeVisible();
  await expect(record.edit).toHaveCount(0);
  await expect(page.getByRole('textbox')).toHaveCount(0);
});

test('two people editing at once: the later save is refused, the user keeps their text, sees the newer version and chooses', async ({ page, server, browser, baseURL, codeFor }) => {
  const patient = await enrolDemoPatient(server, 'claire.martin', 'ITHACA');
  const claire = new MedicalRecord(page);
  await signIn(page, 'claire.martin', await codeFor('claire.martin'), 'Claire Martin');
  await claire.open(patient.nickname);
  await claire.edit.click();
  await claire.summary.fill('Claire’s summary.');

  // Her assistant, at another workstation, acting for her, saves first.
  const other = await otherWorkstation(browser, baseURL!);
  const anne = new MedicalRecord(other.page);
  await signIn(other.page, 'anne.dubois', await codeFor('anne.dubois'), 'Anne Dubois');
  await choose(other.page, 'Acting for', 'Claire Martin');
  await expect(other.page.getByRole('status').filter({ hasText: 'You are acting on behalf of Claire Martin' })).toBeVisible();
  await anne.open(patient.nickname);
  await anne.edit.click();
  await anne.summary.fill('Anne’s summary.');
  await anne.save.click();
  await expect(anne.saved).toBeVisible();
  await anne.edit.click();

  await claire.save.click();
  await expect(claire.conflict).toBeVisible();
  await expect(claire.conflict).toContainText('Anne Dubois saved a newer version');
  await expect(claire.summary).toHaveValue('Claire’s summary.');
  await expect(claire.theirs.getByText('Anne’s summary.')).toBeVisible();
  await page.getByRole('button', { name: 'Keep my changes' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Your changes are kept.' })).toBeVisible();
  await claire.save.click();
  await expect(claire.saved).toBeVisible();
  await expect(page.getByText('Claire’s summary.')).toBeVisible();

  // Anne had opened the form again on her own version: hers is now the older one.
  await anne.summary.fill('Anne’s second thoughts.');
  await anne.save.click();
  await expect(anne.conflict).toContainText('Claire Martin saved a newer version');
  await other.page.getByRole('button', { name: 'Discard my changes and load the newer version' }).click();
  await expect(other.page.getByText('Claire’s summary.')).toBeVisible();
  await expect(anne.summary).toHaveCount(0);
  expect(JSON.parse((await server.db.prisma.patient.findUniqueOrThrow({ where: { id: patient.id }, select: { record: true } })).record)).toMatchObject({ summary: 'Claire’s summary.' });
  await other.page.context().close();
  expect(other.problems, 'errors in the other page').toEqual([]);
});

for (const scheme of ['light', 'dark'] as const) {
  test(`the medical record is accessible in view and edit modes, with errors and a conflict shown (${scheme} theme)`, async ({ page, server, codeFor }) => {
    const patient = await enrolDemoPatient(server, 'claire.martin', 'ITHACA');
    const record = new MedicalRecord(page);
    await page.emulateMedia({ colorScheme: scheme });
    await signIn(page, 'claire.martin', await codeFor('claire.martin'), 'Claire Martin');
    await record.open(patient.nickname);
    await record.edit.click();
    await record.summary.fill('Summary.');
    await record.pickCode('Phenotype (HPO terms)', 'HP:0001250', 'HP:0001250 — Seizures');
    await page.getByRole('button', { name: 'Add genetic finding' }).click();
    await page.getByRole('button', { name: 'Add lab result' }).click();
    await page.getByRole('button', { name: 'Add sample' }).click();
    await fillIthaca(page, '84');
    await record.save.click();
    // Required fields of the new entries left empty: errors at the fields.
    await expect(record.invalid).toBeVisible();
    expect(await violations(page)).toEqual([]);

    await record.entry('Genetic finding 1').getByRole('textbox', { name: 'Gene' }).fill('COL4A5');
    await record.entry('Lab result 1').getByRole('textbox', { name: 'Test' }).fill('Creatinine');
    await record.entry('Lab result 1').getByRole('textbox', { name: 'Value' }).fill('31');
    await record.entry('Lab result 1').getByLabel('Month').fill('2021-04');
    await record.entry('Sample 1').getByRole('textbox', { name: 'Sample type' }).fill('DNA');
    await record.save.click();
    await expect(record.saved).toBeVisible();
    expect(await violations(page)).toEqual([]);

    // A conflict: someone else saves while this form is open.
    await record.edit.click();
    await record.summary.fill('Changed here.');
    await saveRecordAs(server, 'claire.martin', patient.id, { summary: 'Saved elsewhere.' });
    await record.save.click();
    await expect(record.conflict).toBeVisible();
    expect(await violations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Keep my changes' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Your changes are kept.' })).toBeVisible();
    expect(await violations(page)).toEqual([]);
  });
}
