// axe's WCAG 2.1 A/AA checks on the settled page (overlays fade in: contrast is measured after).
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';

/** The violations on the page now, one line each (empty: accessible). */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.waitForFunction(() => document.getAnimations().every((animation) => animation.playState !== 'running'));
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}
