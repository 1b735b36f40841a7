// Driving the component library's controls the way a user does: by their labels.
import type { Page } from '@playwright/test';

/** Opens the select labelled `label` and picks the option named `option` from its own list. */
export async function choose(page: Page, label: string, option: string | RegExp): Promise<void> {
  const combobox = page.getByRole('combobox', { name: label });
  await combobox.click();
  const list = await combobox.getAttribute('aria-controls');
  const scope = list ? page.locator(`[id="${list}"]`) : page;
  await scope.getByRole('option', { name: option, exact: typeof option === 'string' }).click();
}
