// Every screen so far passes axe's WCAG 2.1 A/AA checks: controls have roles and names, contrast holds.
import { demoPassword } from '../../server/demo/accounts.ts';
import { axeViolations as violations } from './axe.ts';
import { expect, test } from './fixtures.ts';

for (const scheme of ['light', 'dark'] as const) {
  test(`sign-in, Home, My Account and the user menu are accessible (${scheme} theme)`, async ({ page, signInPage, shell, codeFor }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await signInPage.open();
    await expect(signInPage.demoAccounts).toBeVisible();
    expect(await violations(page)).toEqual([]);

    await signInPage.signIn('claire.martin', demoPassword, await codeFor('claire.martin'));
    await expect(page.getByRole('heading', { name: 'Welcome, Claire Martin' })).toBeVisible();
    expect(await violations(page)).toEqual([]);

    await shell.openUserMenu();
    await expect(page.getByRole('menuitem', { name: 'My Account' })).toBeVisible();
    expect(await violations(page)).toEqual([]);

    await page.getByRole('menuitem', { name: 'My Account' }).click();
    await expect(page.getByRole('heading', { name: 'My Account' })).toBeVisible();
    // The menu fades out: checked while still half transparent, its items fail the contrast rule.
    await expect(page.getByRole('menu')).toHaveCount(0);
    expect(await violations(page)).toEqual([]);
  });
}

for (const scheme of ['light', 'dark'] as const) {
  test(`consent, access requests, directory, audit log and administration are accessible (${scheme} theme)`, async ({ page, signInPage, shell, clock, codeFor }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await signInPage.open();
    await signInPage.signIn('sofia.moreau', demoPassword, await codeFor('sofia.moreau'));
    await expect(page.getByRole('heading', { name: 'User consent and privacy statement' })).toBeVisible();
    expect(await violations(page)).toEqual([]);
    await page.getByLabel('I have read the user consent and privacy statement and I accept it').check();
    await page.getByRole('button', { name: 'Accept and continue' }).click();
    await page.getByRole('link', { name: 'Request access' }).click();
    await page.getByRole('combobox', { name: 'ERN' }).click();
    await page.getByRole('option', { name: 'ERKNet — Kidney Diseases' }).click();
    await page.getByRole('combobox', { name: 'Country' }).click();
    await page.getByRole('option', { name: 'France' }).click();
    await page.getByRole('radio', { name: /FR10/ }).check();
    await page.getByRole('radio', { name: /^HP/ }).check();
    expect(await violations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Submit request access' }).click();
    await shell.chooseFromUserMenu('Sign out');

    clock.advance(30_000);
    await signInPage.signIn('marco.rossi', demoPassword, await codeFor('marco.rossi'));
    await shell.menuLink('Access requests').click();
    await page.getByRole('button', { name: 'Approve Sofia Moreau' }).click();
    await expect(page.getByRole('dialog')).toBeVisible();
    expect(await violations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await shell.menuLink('Service directory').click();
    await expect(page.getByRole('status').filter({ hasText: 'members found' })).toBeVisible();
    expect(await violations(page)).toEqual([]);
    await shell.chooseFromUserMenu('My Account');
    await page.getByRole('button', { name: 'Edit information' }).click();
    expect(await violations(page)).toEqual([]);
    await page.getByRole('tab', { name: 'Privacy and account' }).click();
    expect(await violations(page)).toEqual([]);
    await shell.chooseFromUserMenu('Sign out');

    clock.advance(30_000);
    await signInPage.signIn('eva.lindqvist', demoPassword, await codeFor('eva.lindqvist'));
    await shell.menuLink('Audit log').click();
    await expect(page.getByRole('table', { name: 'Audit log' })).toBeVisible();
    expect(await violations(page)).toEqual([]);
    await shell.menuLink('Administration').click();
    await expect(page.getByRole('table', { name: 'Users and global roles' })).toBeVisible();
    expect(await violations(page)).toEqual([]);
  });
}

for (const scheme of ['light', 'dark'] as const) {
  test(`"Add new patient", "Patient Records" and a record are accessible (${scheme} theme)`, async ({ page, signInPage, shell, codeFor }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await signInPage.open();
    await signInPage.signIn('claire.martin', demoPassword, await codeFor('claire.martin'));
    await shell.menuLink('Add new patient').click();
    await page.getByRole('radio', { name: 'My own nickname' }).check();
    await page.getByRole('textbox', { name: 'Nickname of your choice' }).fill('Coral Meadow 214');
    await expect(page.getByText('Another patient already has this nickname.')).toBeVisible();
    expect(await violations(page)).toEqual([]);
    await shell.menuLink('Patient Records').click();
    await expect(page.getByRole('link', { name: 'Coral Meadow 214' })).toBeVisible();
    expect(await violations(page)).toEqual([]);
    await page.getByRole('link', { name: 'Coral Meadow 214' }).click();
    await expect(page.getByRole('heading', { name: 'Identifying data' })).toBeVisible();
    expect(await violations(page)).toEqual([]);
    await page.getByRole('tab', { name: 'Participants' }).click();
    await page.getByRole('button', { name: 'Add participant' }).click();
    expect(await violations(page)).toEqual([]);
    await page.getByRole('tab', { name: 'History' }).click();
    await expect(page.getByRole('table', { name: 'History' })).toBeVisible();
    expect(await violations(page)).toEqual([]);
  });
}
