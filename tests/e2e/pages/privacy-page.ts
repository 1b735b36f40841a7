// A patient's "Privacy and retention" tab and the GDPR officer's "Patient privacy requests", by the labels users see.
import type { Locator, Page } from '@playwright/test';

export class PrivacyRequestsPage {
  readonly search: Locator;
  readonly searchButton: Locator;
  readonly results: Locator;

  constructor(readonly page: Page) {
    this.search = page.getByRole('textbox', { name: 'Name or nickname' });
    this.searchButton = page.getByRole('button', { name: 'Search' });
    this.results = page.getByRole('status').filter({ hasText: 'patients found' });
  }

  async find(text: string): Promise<void> {
    await this.search.fill(text);
    await this.searchButton.click();
  }

  row(nickname: string): Locator {
    return this.page.getByRole('row').filter({ has: this.page.getByRole('link', { name: `Open ${nickname}` }) });
  }
}

export class PatientPrivacyPage {
  readonly download: Locator;
  readonly eraseConfirm: Locator;
  readonly erase: Locator;
  readonly keep: Locator;

  constructor(readonly page: Page, readonly nickname: string) {
    this.download = page.getByRole('button', { name: 'Download export (FHIR)' });
    this.eraseConfirm = page.getByRole('textbox', { name: `Type the nickname (${nickname}) to confirm` });
    this.erase = page.getByRole('button', { name: 'Erase identifying data' });
    this.keep = page.getByRole('button', { name: 'Keep for another 15 years' });
  }

  heading(): Locator {
    return this.page.getByRole('heading', { level: 1, name: new RegExp(`^Patient ${this.nickname}`) });
  }

  /** "Patient Records" → the patient → "Privacy and retention". */
  async open(): Promise<void> {
    await this.page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Patient Records', exact: true }).click();
    await this.page.getByRole('textbox', { name: 'Search by nickname or name' }).fill(this.nickname);
    await this.page.getByRole('link', { name: this.nickname, exact: true }).click();
    await this.page.getByRole('tab', { name: 'Privacy and retention' }).click();
    await this.heading().waitFor();
  }
}
