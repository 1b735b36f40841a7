// The patient's medical record tab, by the labels users see.
import type { Locator, Page } from '@playwright/test';

export class MedicalRecord {
  readonly edit: Locator;
  readonly save: Locator;
  readonly cancel: Locator;
  readonly summary: Locator;
  readonly history: Locator;
  readonly saved: Locator;
  readonly invalid: Locator;
  readonly conflict: Locator;
  readonly theirs: Locator;

  constructor(readonly page: Page) {
    this.edit = page.getByRole('button', { name: 'Edit', exact: true });
    this.save = page.getByRole('button', { name: 'Save', exact: true });
    this.cancel = page.getByRole('button', { name: 'Cancel', exact: true });
    this.summary = page.getByRole('textbox', { name: 'Clinical summary' });
    this.history = page.getByRole('textbox', { name: 'Clinical history' });
    this.saved = page.getByRole('status').filter({ hasText: 'The medical record was saved.' });
    this.invalid = page.getByRole('alert').filter({ hasText: 'Some entries are not valid, so nothing was saved.' });
    this.conflict = page.getByRole('alert').filter({ hasText: 'Someone else saved this record while you were editing it' });
    this.theirs = page.getByRole('region', { name: 'The newer version' });
  }

  /**
   * Opens the patient's record inside the running app, as following a link to it would: a reload
   * would end the session, which lives in the page's memory. (Until "Patient Records" lists patients
   * to open; then open it from there.)
   */
  /** "Patient Records" → the patient → "Medical record". */
  async open(nickname: string): Promise<void> {
    await this.page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Patient Records', exact: true }).click();
    await this.page.getByRole('textbox', { name: 'Search by nickname or name' }).fill(nickname);
    await this.page.getByRole('link', { name: nickname, exact: true }).click();
    await this.page.getByRole('tab', { name: 'Medical record' }).click();
    await this.page.getByRole('tabpanel', { name: 'Medical record' }).waitFor();
  }

  /** A section of the read-only record, by its heading ("Phenotype (HPO terms)", "Genetic findings"). */
  section(name: string): Locator {
    return this.page.getByRole('region', { name, exact: true });
  }

  /** One entry of a list in the form: "Genetic finding 1", "Lab result 2". */
  entry(name: string): Locator {
    return this.page.getByRole('group', { name, exact: true });
  }

  /** Searches a code picker and chooses the suggestion named `option`. */
  async pickCode(label: string, query: string, option: string | RegExp): Promise<void> {
    await this.page.getByRole('combobox', { name: label }).fill(query);
    await this.page.getByRole('option', { name: option }).click();
  }
}
