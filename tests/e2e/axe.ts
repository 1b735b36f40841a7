// axe's WCAG 2.1 A/AA checks on the page as it is, once overlays have settled.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';

/** The violations on the page, one line each (rule, help, where); none is the goal. */
export async function axeViolations(page: Page): Promise<string[]> {
  // Overlays and messages fade in: contrast is measured on the settled page, not mid-transition
  // (two frames first, so a transition about to start has started).
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await page.waitForFunction(() => document.getAnimations().every((animation) => animation.playState !== 'running'));
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}
