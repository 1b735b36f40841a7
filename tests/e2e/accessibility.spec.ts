// Every screen so far passes axe's WCAG 2.1 A/AA checks: controls have roles and names, contrast holds.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { demoPassword } from '../../server/demo/accounts.ts';
import { expect, test } from './fixtures.ts';

async function violations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

for (const scheme of ['light', 'dark'] as const) {
  test(`sign-in, Home, My Account and the user menu are accessible (${scheme} theme)`, async ({ page, signInPage, shell, codeFor }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await signInPage.open();
    await expect(signInPage.demoAccounts).toBeVisible();
    expect(await violations(page)).toEqual([]);

    await signInPage.signIn('claire.martin', demoPassword, await codeFor('claire.martin'));
    await expect(page.getByRole('heading', { name: 'Welcome, Claire Martin' })).toBeVisible();
    expect(await violations(page)).toEqual([]);

    await shell.openUserMenu();
    await expect(page.getByRole('menuitem', { name: 'My Account' })).toBeVisible();
    expect(await violations(page)).toEqual([]);

    await page.getByRole('menuitem', { name: 'My Account' }).click();
    await expect(page.getByRole('heading', { name: 'My Account' })).toBeVisible();
    // The menu fades out: checked while still half transparent, its items fail the contrast rule.
    await expect(page.getByRole('menu')).toHaveCount(0);
    expect(await violations(page)).toEqual([]);
  });
}
