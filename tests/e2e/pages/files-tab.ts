// A patient's "Files" tab, by the labels users see.
import type { Locator, Page } from '@playwright/test';

export interface PickedFile {
  readonly name: string;
  readonly mimeType: string;
  readonly buffer: Buffer;
}

export class FilesTab {
  readonly heading: Locator;
  readonly uploadButton: Locator;
  readonly list: Locator;
  readonly preview: Locator;
  /** The patient's imaging studies (below the files). */
  readonly studies: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { name: 'Files', exact: true });
    this.uploadButton = page.getByRole('button', { name: 'Upload', exact: true });
    this.list = page.getByRole('table', { name: 'Files of this patient' });
    this.preview = page.getByRole('dialog');
    this.studies = page.getByRole('table', { name: 'Imaging studies of this patient' });
  }

  /** "Patient Records" → the patient → "Files". */
  async open(nickname: string): Promise<void> {
    await this.page.getByRole('navigation', { name: 'Main menu' }).getByRole('link', { name: 'Patient Records', exact: true }).click();
    await this.page.getByRole('textbox', { name: 'Search by nickname or name' }).fill(nickname);
    await this.page.getByRole('link', { name: nickname, exact: true }).click();
    await this.page.getByRole('tab', { name: 'Files' }).click();
    await this.heading.waitFor();
  }

  /** "Upload", then the files chosen in the system's file picker. */
  async upload(...files: PickedFile[]): Promise<void> {
    const chooser = this.page.waitForEvent('filechooser');
    await this.uploadButton.click();
    await (await chooser).setFiles(files.map((f) => ({ name: f.name, mimeType: f.mimeType, buffer: f.buffer })));
  }

  progress(name: string): Locator {
    return this.page.getByRole('progressbar', { name: `Upload of ${name}` });
  }

  /** The row of an imaging study, by text it shows (e.g. its description). */
  study(text: string | RegExp): Locator {
    return this.studies.getByRole('row').filter({ hasText: text });
  }

  row(name: string): Locator {
    return this.list.getByRole('row').filter({ hasText: name });
  }
}
