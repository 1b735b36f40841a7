// Sessions end: by time, or revoked on the server; either way the user lands on sign-in and is told why.
import { demoPassword } from '../../server/demo/accounts.ts';
import { expect, test } from './fixtures.ts';

test('an expired session sends the user back to sign-in with a clear message', async ({ page, signInPage, shell, clock, codeFor, apiIdle }) => {
  await page.clock.install();
  await signInPage.open();
  await signInPage.signIn('claire.martin', demoPassword, await codeFor('claire.martin'));
  await expect(page.getByRole('heading', { name: 'Welcome, Claire Martin' })).toBeVisible();
  await apiIdle();

  // Past the idle timeout (30 minutes by default) and the access token's lifetime, for server and browser.
  clock.advance(31 * 60_000);
  await page.clock.fastForward('31:00');
  await shell.menuLink('Meetings').click();
  await shell.menuLink('Home').click();

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
