// "My Account" (SPEC ID-2, ID-5, ID-7, ID-9): editing one's data and thematic areas, found in the
// service directory; a guest whose access ended is refused; deleting an account.
import { demoPassword } from '../../server/demo/accounts.ts';
import { expect, test } from './fixtures.ts';

test('a clinician edits their data and adds a thematic area; colleagues find them by it in the service directory', async ({ page, signInPage, shell, clock, codeFor }) => {
  await signInPage.open();
  await signInPage.signIn('claire.martin', demoPassword, await codeFor('claire.martin'));
  await shell.chooseFromUserMenu('My Account');
  await page.getByRole('button', { name: 'Edit information' }).click();
  await page.getByRole('textbox', { name: 'Phone (optional)' }).fill('+33 1 40 03 20 00');
  await page.getByRole('textbox', { name: 'Email' }).fill('not an email');
  await page.getByRole('textbox', { name: 'Thematic area in ERKNet' }).fill('Cystinosis');
  await page.getByRole('button', { name: 'Add thematic area in ERKNet' }).click();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('alert')).toHaveText('Some entries are not valid. Check the highlighted fields.');
  await expect(page.getByText('Not a valid email address')).toBeVisible();

  await page.getByRole('textbox', { name: 'Email' }).fill('claire.martin@aphp.example');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Your information was saved.' })).toBeVisible();
  await expect(page.getByText('ERKNet: CAKUT, ERKNet: Cystinosis, ERKNet: Nephrotic syndrome')).toBeVisible();
  await expect(page.getByText('+33 1 40 03 20 00')).toBeVisible();
  await shell.chooseFromUserMenu('Sign out');

  clock.advance(30_000);
  await signInPage.signIn('jana.novak', demoPassword, await codeFor('jana.novak'));
  await shell.menuLink('Service directory').click();
  await page.getByRole('textbox', { name: 'Thematic area' }).fill('cystin');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByRole('status').filter({ hasText: '1 members found' })).toBeVisible();
  await expect(page.getByRole('row', { name: /Claire Martin.*FR10.*ERKNet HP.*Cystinosis/ })).toBeVisible();
});

test('a guest sees when their access ends, and is refused once it has ended', async ({ page, signInPage, shell, clock, codeFor }) => {
  await signInPage.open();
  await signInPage.signIn('olena.shevchenko', demoPassword, await codeFor('olena.shevchenko'));
  await expect(page.getByRole('note').filter({ hasText: /You are a guest: your access ends on/ })).toBeVisible();
  await shell.chooseFromUserMenu('Sign out');

  clock.advance(91 * 86_400_000);
  await signInPage.signIn('olena.shevchenko', demoPassword, await codeFor('olena.shevchenko'));
  await expect(signInPage.error).toHaveText('Your guest access has ended. Ask the ERN coordinator who admitted you to extend it.');
  await expect(page.getByRole('navigation', { name: 'Main menu' })).toHaveCount(0);
});

test('a user deletes their account after typing their username; they are signed out and cannot sign in again', async ({ page, signInPage, shell, clock, codeFor }) => {
  await signInPage.open();
  await signInPage.signIn('pieter.devries', demoPassword, await codeFor('pieter.devries'));
  await shell.chooseFromUserMenu('My Account');
  await page.getByRole('tab', { name: 'Privacy and account' }).click();
  const remove = page.getByRole('button', { name: 'Delete my account' });
  await expect(remove).toBeDisabled();
  await page.getByRole('textbox', { name: 'Type your username (pieter.devries) to confirm' }).last().fill('pieter.devries');
  await remove.click();
  await expect(signInPage.heading).toBeVisible();

  clock.advance(30_000);
  await signInPage.signIn('pieter.devries', demoPassword, await codeFor(`pieter.devries`).catch(() => '000000'));
  await expect(signInPage.error).toHaveText('Wrong username or password.');
});
