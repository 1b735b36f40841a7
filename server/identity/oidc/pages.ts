// The few pages the server itself shows in a browser during a provider sign-in: the end of a
// desktop sign-in (the app is elsewhere), and failures that cannot be handed to the app.
import type { ErrorCode } from '../../../app/errors.ts';

/** Nothing but inline style: these pages run no script and load nothing. */
export const pageContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export type PageProblem = ErrorCode | 'not_configured' | 'bad_request';

const problems: Partial<Record<PageProblem, string>> = {
  sign_in_expired: 'This sign-in has expired or was already used. Please start again from the Consilium sign-in page.',
  provider_failed: 'The sign-in at your identity provider did not succeed (it was cancelled or refused). Please try again.',
  email_not_verified: 'Your identity provider has not confirmed your email address. Confirm it there, then sign in again.',
  email_in_use: 'An account with your email address already exists in Consilium. Ask the helpdesk to link it to this sign-in.',
  account_deactivated: 'This account is deactivated. Contact your ERN coordinator.',
  too_many_attempts: 'Too many sign-ins are in progress. Wait a minute, then try again.',
  not_configured: 'Sign-in through an identity provider is not set up on this Consilium server.',
  bad_request: 'This sign-in link is not valid. Please start again from the Consilium sign-in page.',
};

const generic = 'The sign-in did not succeed. Please try again from the Consilium sign-in page.';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, message: string, link: { href: string; text: string } | undefined): string {
  const back = link ? `<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.text)}</a></p>` : '';
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} – Consilium</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;line-height:1.5;color:#1f2933}h1{font-size:1.4rem}</style></head>
<body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>${back}</main></body>
</html>`;
}

/** The end of a desktop sign-in in the browser: the app has the answer now. */
export function desktopDonePage(problem: PageProblem | undefined): string {
  if (!problem) return page('Signed in', 'You are signed in to Consilium. You can close this browser tab and return to the Consilium app.', undefined);
  return page('Sign-in failed', `${problems[problem] ?? generic} You can close this browser tab.`, undefined);
}

/** A failure shown in the browser, with a way back to the web app's sign-in page. */
export function failurePage(problem: PageProblem, signInUrl: string): string {
  return page('Sign-in failed', problems[problem] ?? generic, { href: signInUrl, text: 'Back to the Consilium sign-in page' });
}
