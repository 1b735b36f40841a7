// The test identity provider's own pages (oidc-provider's development sign-in and consent).
import type { Locator, Page } from '@playwright/test';

export class TestProviderPage {
  readonly login: Locator;
  readonly password: Locator;
  readonly signIn: Locator;
  readonly consent: Locator;
  readonly cancel: Locator;

  constructor(readonly page: Page) {
    // Its development pages label their fields by placeholder only.
    this.login = page.getByPlaceholder('Enter any login');
    this.password = page.getByPlaceholder('and password');
    this.signIn = page.getByRole('button', { name: 'Sign-in' });
    this.consent = page.getByRole('button', { name: 'Continue' });
    this.cancel = page.getByRole('link', { name: '[ Cancel ]' });
  }

  /** Signs in as `login` (any password does) and grants Consilium what it asks for. */
  async signInAs(login: string): Promise<void> {
    await this.login.fill(login);
    await this.password.fill('any password');
    await this.signIn.click();
    await this.consent.click();
  }
}
