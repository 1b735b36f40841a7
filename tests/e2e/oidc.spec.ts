// Signing in through an OpenID Connect provider in Chromium: a real provider (oidc-provider) on
// 127.0.0.1, its pages clicked through, and the user back on Home as the account it provisioned.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { loadConfig } from '../../server/config.ts';
import { startServer } from '../../server/server.ts';
import { providerAccounts, startTestProvider, type TestProvider } from '../fixtures/oidc-provider.ts';
import { expect, rendererDir, test as base } from './fixtures.ts';
import { TestProviderPage } from './pages/test-provider-page.ts';

const providerName = 'Test Login';
const clientId = 'consilium-e2e';

const test = base.extend<{ provider: TestProvider; providerPage: TestProviderPage }>({
  provider: async ({}, use) => {
    const provider = await startTestProvider();
    await use(provider);
    await provider.close();
  },
  server: async ({ clock, provider }, use) => {
    const config = loadConfig(
      {
        CONSILIUM_PORT: '0',
        // The refusals these tests provoke are logged as warnings; keep the output to real trouble.
        CONSILIUM_LOG_LEVEL: 'error',
        CONSILIUM_RENDERER_DIR: rendererDir,
        CONSILIUM_OIDC_ISSUER: provider.issuer,
        CONSILIUM_OIDC_CLIENT_ID: clientId,
        CONSILIUM_OIDC_NAME: providerName,
      },
      ['--demo'],
    );
    const server = await startServer(config, { clock });
    await provider.registerClient({ clientId, redirectUri: `${server.url}/auth/oidc/callback` });
    await use(server);
    await server.close();
  },
  page: async ({ page }, use) => {
    // The provider's pages ask for a web font; nothing may leave 127.0.0.1.
    await page.route((url) => url.hostname !== '127.0.0.1', (route) => route.abort());
    await use(page);
  },
  providerPage: async ({ page }, use) => {
    await use(new TestProviderPage(page));
  },
});

async function acceptPrivacyStatement(page: Page): Promise<void> {
  await expect(page.getByRole('heading', { name: 'User consent and privacy statement' })).toBeVisible();
  await page.getByLabel('I have read the user consent and privacy statement and I accept it').check();
  await page.getByRole('button', { name: 'Accept and continue' }).click();
}

const providerButton = (page: Page) => page.getByRole('button', { name: `Sign in with ${providerName}` });

test('a clinician signs in with the identity provider and lands on Home, with an account provisioned from the provider', async ({ page, signInPage, providerPage, server }) => {
  await signInPage.open();
  await providerButton(page).click();

  await expect(providerPage.login).toBeVisible();
  expect(new URL(page.url()).port).not.toBe(new URL(server.url).port);
  await providerPage.signInAs(providerAccounts.anna.login);

  // A new account: the privacy statement first.
  await acceptPrivacyStatement(page);
  await expect(page.getByRole('heading', { name: 'Welcome, Anna Schmidt' })).toBeVisible();
  await expect(page.getByText('You are not a member of any ERN yet.')).toBeVisible();
  // The ticket is out of the address bar.
  expect(new URL(page.url()).hash).toBe('');
  expect(await server.db.prisma.externalIdentity.count()).toBe(1);
});

test('a refused sign-in brings the user back to the sign-in page with the reason', async ({ page, signInPage, providerPage, server }) => {
  await signInPage.open();
  await providerButton(page).click();
  await providerPage.signInAs(providerAccounts.unverified.login);

  await expect(signInPage.heading).toBeVisible();
  await expect(page.getByRole('alert')).toHaveText(`${providerName} has not confirmed your email address. Confirm it there, then sign in again.`);
  await expect(page.getByRole('navigation', { name: 'Main menu' })).toHaveCount(0);
  expect(await server.db.prisma.session.count()).toBe(0);
});

test('cancelling at the provider brings the user back to sign-in, told it did not succeed', async ({ page, signInPage, providerPage }) => {
  await signInPage.open();
  await providerButton(page).click();
  await providerPage.cancel.click();

  await expect(page.getByRole('alert')).toHaveText(/The sign-in with Test Login did not succeed/);
  await providerButton(page).click();
  await providerPage.signInAs(providerAccounts.anna.login);
  await acceptPrivacyStatement(page);
  await expect(page.getByRole('heading', { name: 'Welcome, Anna Schmidt' })).toBeVisible();
});

test('the sign-in page with the provider’s button is accessible', async ({ page, signInPage }) => {
  await signInPage.open();
  await expect(providerButton(page)).toBeEnabled();
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(result.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
});
