import { expect, test } from 'vitest';
import { afterSignIn } from '../../../renderer/identity/after-sign-in.ts';

test('sign-in returns to the page the user asked for, if it is one of ours', () => {
  expect(afterSignIn('/imaging/studies/1.2.3?view=abc')).toBe('/imaging/studies/1.2.3?view=abc');
  expect(afterSignIn('/account')).toBe('/account');
});

test.each([undefined, '', 'https://evil.example/', '//evil.example/x', '/sign-in?redirect=/x', ['/account']])('otherwise it goes Home (%s)', (redirect) => {
  expect(afterSignIn(redirect)).toEqual({ name: 'home' });
});
