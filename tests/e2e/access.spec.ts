// A new user's way in (SPEC ID-6, ID-8): the privacy statement at first sign-in, a request for
// access, the coordinator's approval, and the ERN on Home.
import { demoPassword } from '../../server/demo/accounts.ts';
import { expect, test } from './fixtures.ts';
import { choose } from './pages/controls.ts';

test('a new user accepts the privacy statement, requests access; the coordinator approves; the user sees the ERN on Home and is notified', async ({ page, signInPage, shell, clock, codeFor }) => {
  await signInPage.open();
  await signInPage.signIn('sofia.moreau', demoPassword, await codeFor('sofia.moreau'));

  // First sign-in: the statement, before anything else.
  await expect(page.getByRole('heading', { name: 'User consent and privacy statement' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main menu' })).toHaveCount(0);
  const accept = page.getByRole('button', { name: 'Accept and continue' });
  await expect(accept).toBeDisabled();
  await page.getByLabel('I have read the user consent and privacy statement and I accept it').check();
  await accept.click();

  await expect(page.getByRole('heading', { name: 'Welcome, Sofia Moreau' })).toBeVisible();
  await expect(page.getByText('You are not a member of any ERN yet.')).toBeVisible();
  await page.getByRole('link', { name: 'Request access' }).click();

  await expect(page.getByRole('heading', { name: 'Request access' })).toBeVisible();
  await choose(page, 'ERN', 'ERKNet — Kidney Diseases');
  await choose(page, 'Country', 'France');
  await page.getByRole('radio', { name: /FR10 – Assistance Publique-Hôpitaux de Paris/ }).check();
  await page.getByRole('radio', { name: /^HP — healthcare professional/ }).check();
  await page.getByRole('textbox', { name: 'Comment' }).fill('Paediatric nephrology, cystinosis');
  await page.getByRole('button', { name: 'Submit request access' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Your request was sent' })).toHaveText('Your request was sent to the coordinators of ERKNet.');
  await expect(page.getByRole('table', { name: 'My access requests' }).getByRole('row', { name: /ERKNet.*FR10.*HP.*Pending/ })).toBeVisible();
  await shell.chooseFromUserMenu('Sign out');

  // The ERN's coordinator decides.
  clock.advance(30_000);
  await signInPage.signIn('marco.rossi', demoPassword, await codeFor('marco.rossi'));
  await expect(shell.bell).toHaveAccessibleName('Bell, 1 unread');
  await shell.menuLink('Access requests').click();
  const pending = page.getByRole('table', { name: 'Pending requests' });
  await expect(pending.getByRole('row', { name: /Sofia Moreau.*ERKNet.*FR10.*HP.*Paediatric nephrology, cystinosis/ })).toBeVisible();
  await pending.getByRole('button', { name: 'Approve Sofia Moreau' }).click();
  const dialog = page.getByRole('dialog', { name: 'Approve the request of Sofia Moreau' });
  await dialog.getByRole('button', { name: 'Approve' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Decision saved.' })).toBeVisible();
  await expect(page.getByText('No pending requests.')).toBeVisible();
  await shell.chooseFromUserMenu('Sign out');

  // The user has the role at once.
  clock.advance(30_000);
  await signInPage.signIn('sofia.moreau', demoPassword, await codeFor('sofia.moreau'));
  const memberships = page.getByRole('table', { name: 'My ERN memberships' });
  await expect(memberships.getByRole('row', { name: /ERKNet Kidney Diseases HP/ })).toBeVisible();
  await expect(shell.bell).toHaveAccessibleName('Bell, 1 unread');
  await shell.bell.click();
  await expect(page.getByText('Your access request for ERKNet (HP) was approved.')).toBeVisible();
  await page.getByRole('button', { name: 'Mark all as read' }).click();
  await expect(shell.bell).toHaveAccessibleName('Bell');
});

test('declining the privacy statement signs the user out', async ({ page, signInPage, codeFor }) => {
  await signInPage.open();
  await signInPage.signIn('sofia.moreau', demoPassword, await codeFor('sofia.moreau'));
  await expect(page.getByRole('heading', { name: 'User consent and privacy statement' })).toBeVisible();
  await page.getByRole('button', { name: 'Decline and sign out' }).click();
  await expect(signInPage.heading).toBeVisible();
  await expect(signInPage.notice).toHaveText('You have signed out.');
});

test('a coordinator rejects a request with a reason, which the requester reads', async ({ page, signInPage, shell, clock, codeFor, server }) => {
  const sofia = await server.db.prisma.user.findUniqueOrThrow({ where: { username: 'sofia.moreau' }, select: { id: true } });
  const fr10 = await server.db.prisma.hcp.findUniqueOrThrow({ where: { code_countryCode: { code: 'FR10', countryCode: 'FR' } }, select: { id: true } });
  await server.db.prisma.user.update({ where: { id: sofia.id }, data: { consentVersion: '1.0' } });
  await server.db.prisma.accessRequest.create({ data: { userId: sofia.id, ernId: 'ERKNet', hcpId: fr10.id, profile: 'Coordinator', comment: '', status: 'pending', createdAt: new Date() } });

  await signInPage.open();
  await signInPage.signIn('elena.garcia', demoPassword, await codeFor('elena.garcia'));
  await shell.menuLink('Access requests').click();
  await page.getByRole('button', { name: 'Reject Sofia Moreau' }).click();
  const dialog = page.getByRole('dialog', { name: 'Reject the request of Sofia Moreau' });
  const reject = dialog.getByRole('button', { name: 'Reject' });
  await expect(reject).toBeDisabled();
  await dialog.getByRole('textbox', { name: 'Reason' }).fill('ERKNet already has a coordinator; please ask for the HP profile.');
  await reject.click();
  await expect(page.getByRole('status').filter({ hasText: 'Decision saved.' })).toBeVisible();
  await shell.chooseFromUserMenu('Sign out');

  clock.advance(30_000);
  await signInPage.signIn('sofia.moreau', demoPassword, await codeFor('sofia.moreau'));
  await shell.chooseFromUserMenu('My Account');
  await page.getByRole('link', { name: 'Change ERN request' }).click();
  await expect(page.getByRole('table', { name: 'My access requests' }).getByRole('row', { name: /Rejected — ERKNet already has a coordinator/ })).toBeVisible();
});

test('the EC administrator adds a hospital to the reference data; a new user then finds it when asking for access', async ({ page, signInPage, shell, clock, codeFor }) => {
  await signInPage.open();
  await signInPage.signIn('eva.lindqvist', demoPassword, await codeFor('eva.lindqvist'));
  await shell.menuLink('Administration').click();
  await page.getByRole('button', { name: 'Add healthcare provider' }).click();
  const form = page.getByRole('form', { name: 'Add healthcare provider' });
  await form.getByRole('textbox', { name: 'HCP code' }).fill('PT04');
  await form.getByRole('textbox', { name: 'Name' }).fill('Centro Hospitalar Universitário de São João');
  await form.getByRole('textbox', { name: 'City' }).fill('Porto');
  await choose(page, 'Country', 'Portugal');
  await page.getByRole('listbox', { name: 'Member of the ERNs' }).getByRole('option', { name: 'ERKNet', exact: true }).click();
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'PT04 was saved.' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Healthcare providers' }).getByRole('row', { name: /PT04.*São João.*Portugal.*ERKNet/ })).toBeVisible();
  await shell.menuLink('Home').click();
  await shell.chooseFromUserMenu('Sign out');
  await expect(signInPage.heading).toBeVisible();

  clock.advance(30_000);
  await signInPage.signIn('sofia.moreau', demoPassword, await codeFor('sofia.moreau'));
  await page.getByLabel('I have read the user consent and privacy statement and I accept it').check();
  await page.getByRole('button', { name: 'Accept and continue' }).click();
  await page.getByRole('link', { name: 'Request access' }).click();
  await choose(page, 'ERN', 'ERKNet — Kidney Diseases');
  await choose(page, 'Country', 'Portugal');
  await expect(page.getByRole('radio', { name: 'PT04 – Centro Hospitalar Universitário de São João, Porto' })).toBeVisible();
});
