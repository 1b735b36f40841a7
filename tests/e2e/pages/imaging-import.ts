// The imaging import of a patient's "Files", by the labels users see.
import type { Locator, Page } from '@playwright/test';

export class ImagingImportPanel {
  readonly files: Locator;
  readonly cancel: Locator;

  constructor(readonly page: Page) {
    this.files = page.getByRole('list', { name: 'Imported files' });
    this.cancel = page.getByRole('button', { name: 'Cancel import' });
  }

  /** "Import images" → the menu item, then the files or folder given to the system's picker. */
  async choose(item: 'Files…' | 'Folder…' | 'CD or USB stick (DICOMDIR)…', paths: string | string[]): Promise<void> {
    const chooser = this.page.waitForEvent('filechooser');
    await this.page.getByRole('button', { name: 'Import images' }).click();
    await this.page.getByRole('menuitem', { name: item }).click();
    await (await chooser).setFiles(paths);
  }

  async fromPacs(): Promise<void> {
    await this.page.getByRole('button', { name: 'Import images' }).click();
    await this.page.getByRole('menuitem', { name: 'From PACS…' }).click();
  }

  study(n: number): Locator {
    return this.page.getByRole('progressbar', { name: new RegExp(`^Study ${n} \\(`) });
  }

  item(name: string): Locator {
    return this.files.getByRole('listitem').filter({ hasText: name });
  }
}
