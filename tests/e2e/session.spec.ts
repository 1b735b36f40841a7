// Sessions end: by time, or revoked on the server; either way the user lands on sign-in and is told why.
import { demoPassword } from '../../server/demo/accounts.ts';
import { expect, test } from './fixtures.ts';

test('an expired session sends the user back to sign-in with a clear message', async ({ page, signInPage, shell, clock, codeFor, apiIdle }) => {
  await signInPage.open();
  await signInPage.signIn('claire.martin', demoPassword, await codeFor('claire.martin'));
  await expect(page.getByRole('heading', { name: 'Welcome, Claire Martin' })).toBeVisible();
  // Home reloads the profile when it opens: let that finish at today's time.
  await apiIdle();

  // Past the idle timeout (30 minutes by default) and the access token's lifetime.
  clock.advance(31 * 60_000);
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
