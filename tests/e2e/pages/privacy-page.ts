// A patient's privacy page and the GDPR officer's "Patient privacy requests", by the labels users see.
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
    return this.page.getByRole('heading', { level: 1, name: new RegExp(`^Privacy and retention of ${this.nickname}`) });
  }

  /**
   * Opens the page inside the running app, once it shows a signed-in screen (no reload: the session
   * lives in the page's memory). Until the record page links here, this is how a clinician gets here.
   */
  async openInApp(patientId: string): Promise<void> {
    await this.page.evaluate((path) => {
      window.history.pushState({}, '', path);
      window.dispatchEvent(new PopStateEvent('popstate'));
    }, `/patients/${patientId}/privacy`);
    await this.heading().waitFor();
  }
}
