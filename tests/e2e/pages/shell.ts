// The application frame around every signed-in screen: menu, top bar, user menu.
import type { Locator, Page } from '@playwright/test';

export class Shell {
  readonly menu: Locator;
  readonly bell: Locator;
  readonly userMenuButton: Locator;
  readonly version: Locator;

  constructor(readonly page: Page) {
    this.menu = page.getByRole('navigation', { name: 'Main menu' });
    this.bell = page.getByRole('button', { name: /^Bell/ });
    this.userMenuButton = page.getByRole('button', { name: /^User menu/ });
    this.version = this.menu.getByText(/^Version \d+\.\d+\.\d+/);
  }

  menuLink(name: string): Locator {
    return this.menu.getByRole('link', { name, exact: true });
  }

  async openUserMenu(): Promise<void> {
    await this.userMenuButton.click();
  }

  async chooseFromUserMenu(name: 'My Account' | 'Sign out'): Promise<void> {
    await this.openUserMenu();
    await this.page.getByRole('menuitem', { name }).click();
  }
}
