// The sign-in screen, by the labels users see.
import type { Locator, Page } from '@playwright/test';

export class SignInPage {
  readonly heading: Locator;
  readonly username: Locator;
  readonly password: Locator;
  readonly code: Locator;
  readonly submit: Locator;
  readonly error: Locator;
  readonly notice: Locator;
  readonly demoAccounts: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { name: 'Sign in to Consilium' });
    this.username = page.getByRole('textbox', { name: 'Username', exact: true });
    this.password = page.getByLabel('Password', { exact: true });
    this.code = page.getByRole('textbox', { name: 'One-time code' });
    this.submit = page.getByRole('button', { name: 'Sign in', exact: true });
    this.error = page.getByRole('alert');
    this.notice = page.getByRole('status');
    this.demoAccounts = page.getByRole('table', { name: 'Demo accounts (training mode only)' });
  }

  async open(): Promise<void> {
    await this.page.goto('/');
    await this.heading.waitFor();
  }

  async signIn(username: string, password: string, code: string): Promise<void> {
    // After a sign-out the page changes once the server has answered: wait for it.
    await this.heading.waitFor();
    await this.username.fill(username);
    await this.password.fill(password);
    await this.code.fill(code);
    await this.submit.click();
  }
}
