// Sessions end: by time, or revoked on the server; either way the user lands on sign-in and is told why.
import { demoPassword } from '../../server/demo/accounts.ts';
import { expect, test } from './fixtures.ts';

test('an expired session sends the user back to sign-in with a clear message', async ({ page, signInPage, clock, codeFor, apiIdle }) => {
  await page.clock.install();
  await signInPage.open();
  await signInPage.signIn('claire.martin', demoPassword, await codeFor('claire.martin'));
  await expect(page.getByRole('heading', { name: 'Welcome, Claire Martin' })).toBeVisible();
  await apiIdle();

  // Past the idle timeout (30 minutes by default) and the access token's lifetime, for server and browser.
  clock.advance(31 * 60_000);
  await page.clock.fastForward('31:00');
  // Locked after 10 minutes; unlocking now meets a session that has ended meanwhile.
  await expect(page.getByRole('heading', { name: 'Consilium is locked' })).toBeVisible();
  await page.getByLabel('Password', { exact: true }).fill(demoPassword);
  await page.getByRole('button', { name: 'Unlock' }).click();

  await expect(signInPage.heading).toBeVisible();
  await expect(signInPage.notice).toHaveText('Your session has expired. Please sign in again.');
});

test('a revoked session sends the user back to sign-in at once', async ({ page, signInPage, server, codeFor }) => {
  await signInPage.open();
  await signInPage.signIn('marco.rossi', demoPassword, await codeFor('marco.rossi'));
  await expect(page.getByRole('heading', { name: 'Welcome, Marco Rossi' })).toBeVisible();

  const user = await server.db.prisma.user.findUniqueOrThrow({ where: { username: 'marco.rossi' }, select: { id: true } });
  await server.services.identity.revokeAllSessions(user.id);

  await expect(signInPage.heading).toBeVisible();
  await expect(signInPage.notice).toHaveText(/Your session was ended/);
});

test('after inactivity the workstation locks, hiding the patient; the password unlocks it where the user was', async ({ page, signInPage, shell, codeFor }) => {
  await page.clock.install();
  await signInPage.open();
  await signInPage.signIn('claire.martin', demoPassword, await codeFor('claire.martin'));
  await shell.menuLink('Patient Records').click();
  await page.getByRole('link', { name: 'Coral Meadow 214' }).click();
  await expect(page.getByRole('heading', { name: 'Patient Coral Meadow 214' })).toBeVisible();

  await page.clock.fastForward('10:10');
  await expect(page.getByRole('heading', { name: 'Consilium is locked' })).toBeVisible();
  await expect(page.getByText('Coral Meadow 214')).toHaveCount(0);
  await expect(page.getByText('Lucie Fontaine')).toHaveCount(0);

  const password = page.getByLabel('Password', { exact: true });
  await password.fill('not-my-password');
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('alert')).toHaveText('Wrong username or password.');
  await password.fill(demoPassword);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('heading', { name: 'Patient Coral Meadow 214' })).toBeVisible();
});
