// Signing in with password and one-time code, the application shell, and signing out.
import { demoPassword } from '../../server/demo/accounts.ts';
import { expect, test } from './fixtures.ts';

test('a clinician signs in with password and one-time code, sees Home with their ERN memberships, and signs out', async ({ page, signInPage, shell, codeFor }) => {
  await signInPage.open();
  await expect(page.getByRole('note')).toHaveText(/Training mode — synthetic data only/);

  await signInPage.signIn('claire.martin', demoPassword, await codeFor('claire.martin'));

  await expect(page.getByRole('heading', { name: 'Welcome, Claire Martin' })).toBeVisible();
  const memberships = page.getByRole('table', { name: 'My ERN memberships' });
  await expect(memberships.getByRole('row')).toHaveCount(3);
  await expect(memberships.getByRole('row', { name: /ERKNet Kidney Diseases HP/ })).toBeVisible();
  await expect(memberships.getByRole('row', { name: /ITHACA Intellectual Disability and Congenital Malformations HP/ })).toBeVisible();

  for (const entry of ['Home', 'Patient Records', 'Add new patient', 'Meetings', 'Supporting Documents']) {
    await expect(shell.menuLink(entry)).toBeVisible();
  }
  await shell.bell.click();
  await expect(page.getByText('No notifications.')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(shell.version).toHaveText('Version 0.1.0');
  await expect(shell.version).toBeInViewport();

  await shell.chooseFromUserMenu('My Account');
  await expect(page.getByRole('heading', { name: 'My Account' })).toBeVisible();
  await expect(page.getByText('FR10 – Assistance Publique-Hôpitaux de Paris, Hôpital Robert-Debré')).toBeVisible();

  await shell.chooseFromUserMenu('Sign out');
  await expect(signInPage.heading).toBeVisible();
  await expect(signInPage.notice).toHaveText('You have signed out.');

  // Signed out means signed out: the app's pages send the user back to sign-in.
  await page.goto('/account');
  await expect(signInPage.heading).toBeVisible();
});

test('a wrong one-time code is refused with an explanation and does not sign in', async ({ page, signInPage, codeFor }) => {
  await signInPage.open();
  const right = await codeFor('jana.novak');
  const wrong = String((Number(right) + 500_000) % 1_000_000).padStart(6, '0');

  await signInPage.signIn('jana.novak', demoPassword, wrong);

  await expect(signInPage.error).toHaveText(/The one-time code is wrong/);
  await expect(signInPage.heading).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main menu' })).toHaveCount(0);
});

test('a wrong password is refused without telling whether the account exists', async ({ signInPage, codeFor }) => {
  await signInPage.open();
  await signInPage.signIn('marco.rossi', 'not-the-password', await codeFor('marco.rossi'));
  await expect(signInPage.error).toHaveText('Wrong username or password.');

  await signInPage.signIn('no.such.user', 'whatever-password', '123456');
  await expect(signInPage.error).toHaveText('Wrong username or password.');
});

test('in training mode the sign-in page lists the demo accounts with their current codes', async ({ page, signInPage, codeFor }) => {
  await signInPage.open();
  const row = signInPage.demoAccounts.getByRole('row', { name: /lena\.berg/ });
  await expect(row).toContainText('Helpdesk · EURACAN');
  await expect(row).toContainText(await codeFor('lena.berg'));

  await row.getByRole('button', { name: 'Use lena.berg' }).click();
  await signInPage.submit.click();

  await expect(page.getByRole('heading', { name: 'Welcome, Lena Berg' })).toBeVisible();
});
