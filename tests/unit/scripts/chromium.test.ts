// A missing Chromium is explained with install advice, not discovered through a launcher's stack trace.
import { expect, test } from 'vitest';
import { missingChromiumAdvice } from '../../e2e/chromium.ts';

test('a missing Chromium yields advice that says how to install it', () => {
  const advice = missingChromiumAdvice('/nonexistent/chromium');
  expect(advice).toContain('Chromium was not found at /nonexistent/chromium');
  expect(advice).toContain('apt-get install -y chromium');
  expect(advice).toContain('CHROMIUM_PATH');
});

test('a present executable needs no advice', () => {
  expect(missingChromiumAdvice(process.execPath)).toBeUndefined();
});
