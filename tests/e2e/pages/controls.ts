// Driving the component library's controls the way a user does: by their labels.
import type { Page } from '@playwright/test';

/** Opens the select labelled `label` and picks the option named `option`. */
export async function choose(page: Page, label: string, option: string | RegExp): Promise<void> {
  await page.getByRole('combobox', { name: label }).click();
  await page.getByRole('option', { name: option }).click();
}
